"""Reading certificate QR codes back from photos, scans and PDF files (zxing-cpp, PDFium).

A phone photo is often small, soft or low in contrast: when the first look finds nothing, a
grey, contrast-stretched, sharpened and (for small pictures) enlarged copy is tried, then a
copy enlarged further; each catches soft photos the other misses.
"""

from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from django.utils.translation import gettext as _
from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

# Renders a printed QR code's modules several pixels wide (a 25 mm code of 57 modules gets
# about 3.5 pixels a module), which zxing-cpp reads reliably.
PDF_DPI = 200
# Enlarge a picture for the second look only when it is this small: a big photo is not
# blurred by its size, and doubling it would cost a lot of memory.
UPSCALE_BELOW = 1600
QR_CODES = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)


class NotReadable(Exception):
    """An input file that holds no QR code we could read, with the reason in words."""


def _decode(image: Image.Image) -> list[str]:
    found = zxingcpp.read_barcodes(image, formats=QR_CODES)
    return list(dict.fromkeys(code.text for code in found if code.valid and code.text))


def qr_texts_in_image(image: Image.Image) -> list[str]:
    """The texts of every QR code in the picture, in reading order, each once."""
    texts = _decode(image)
    if texts:
        return texts
    grey = ImageOps.autocontrast(image.convert("L"))
    small = max(grey.size) < UPSCALE_BELOW
    sharp = grey.filter(ImageFilter.UnsharpMask(radius=2, percent=150, threshold=0))
    texts = _decode(_enlarged(sharp, 2) if small else sharp)
    if texts or not small:
        return texts
    return _decode(_enlarged(grey, 3))


def _enlarged(image: Image.Image, factor: int) -> Image.Image:
    return image.resize((image.width * factor, image.height * factor), Image.Resampling.LANCZOS)


def _is_pdf(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"%PDF-"


def _pdf_pages(path: Path) -> list[tuple[str, list[str]]]:
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        raise NotReadable(_("the PDF file is damaged or protected")) from exc
    try:
        pages = []
        for number, page in enumerate(document, start=1):
            image = page.render(scale=PDF_DPI / 72).to_pil()
            pages.append((_("page %(number)s") % {"number": number}, qr_texts_in_image(image)))
        return pages
    finally:
        document.close()


def _image_texts(path: Path) -> list[str]:
    try:
        with Image.open(path) as opened:
            image = ImageOps.exif_transpose(opened)  # a phone photo taken sideways
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
        raise NotReadable(_("the file is neither a picture (PNG, JPEG) nor a PDF")) from exc
    return qr_texts_in_image(image)


def qr_texts_in_file(path: Path) -> list[tuple[str, str]]:
    """(where in the file, text) of each QR code in a picture or on each page of a PDF.

    Raises `NotReadable` when the file is missing, is neither, or shows no QR code.
    """
    if not path.is_file():
        raise NotReadable(_("there is no such file"))
    if _is_pdf(path):
        found = [(f"{path}, {page}", text) for page, texts in _pdf_pages(path) for text in texts]
    else:
        found = [(str(path), text) for text in _image_texts(path)]
    if not found:
        raise NotReadable(_("no QR code was found in it"))
    return found
