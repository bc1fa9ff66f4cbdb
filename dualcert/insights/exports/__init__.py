"""Exports of the list pages and of the headline figures to .xlsx, as background jobs."""
