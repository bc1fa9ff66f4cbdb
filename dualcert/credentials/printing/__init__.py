"""Printing certificates: QR images, certificate PDFs with an embedded Chinese font, batches."""
