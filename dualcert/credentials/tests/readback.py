"""Read generated QR codes and PDFs back with third-party tools, as a verifier would.

zxing-cpp and zbar decode the QR codes, poppler (pdftoppm, pdffonts, pdftotext, pdfinfo)
reads the PDFs, and pycose checks the COSE signature with a public key from the published
trust list only: none of the project's own decoding code is involved.
"""

import base64
import io
import json
import subprocess
import tempfile
import zlib
from pathlib import Path
from typing import Any

import cbor2
import zxingcpp
from PIL import Image
from pycose.headers import KID
from pycose.keys import OKPKey
from pycose.keys.curves import Ed25519
from pycose.messages import CoseMessage, Sign1Message

PREFIX = "DC1:"


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def zxing_texts(png: bytes) -> list[str]:
    """Every QR code zxing-cpp finds in the image."""
    with Image.open(io.BytesIO(png)) as image:
        return [r.text for r in zxingcpp.read_barcodes(image.convert("L"))
                if r.format == zxingcpp.BarcodeFormat.QRCode]


def zbar_texts(png: bytes) -> list[str]:
    """Every QR code the zbarimg command finds in the image."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "code.png"
        path.write_bytes(png)
        out = _run("zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(path))
    return [line for line in out.splitlines() if line]


def _with_pdf(pdf: bytes, *command: str, then: tuple[str, ...] = ()) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        return _run(*command, str(path), *then)


def rasterise(pdf: bytes, page: int = 1, dpi: int = 150) -> bytes:
    """One page of the PDF as a PNG, rendered by poppler's pdftoppm."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        _run("pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page),
             "-singlefile", str(path), str(Path(folder) / "page"))
        return (Path(folder) / "page.png").read_bytes()


def pdf_fonts(pdf: bytes) -> list[dict[str, str]]:
    """pdffonts' table: each font's name, type and whether it is embedded ("emb")."""
    lines = _with_pdf(pdf, "pdffonts").splitlines()[2:]
    fonts = []
    for line in lines:
        parts = line.split()
        # name, type words…, encoding, emb, sub, uni, object id, generation
        fonts.append({"name": parts[0], "emb": parts[-5], "type": " ".join(parts[1:-6])})
    return fonts


def pdf_text(pdf: bytes) -> str:
    return _with_pdf(pdf, "pdftotext", "-layout", "-enc", "UTF-8", then=("-",))


def pdf_pages(pdf: bytes) -> int:
    info = _with_pdf(pdf, "pdfinfo")
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def pycose_verified_claims(url_or_text: str, trust_document: str) -> dict[Any, Any]:
    """Verify the payload's COSE_Sign1 with pycose and the trust list's key; return its claims.

    Raises AssertionError when the key is not in the list or the signature does not verify.
    """
    text = url_or_text.split("#", 1)[-1]
    assert text.startswith(PREFIX), text[:20]
    message = CoseMessage.decode(zlib.decompress(_unb64(text[len(PREFIX):])))
    assert isinstance(message, Sign1Message), type(message)
    kid = base64.urlsafe_b64encode(message.phdr[KID]).rstrip(b"=").decode()
    keys = {k["kid"]: k for k in json.loads(trust_document)["keys"]}
    assert kid in keys, f"key {kid} is not in the trust list"
    message.key = OKPKey(crv=Ed25519, x=_unb64(keys[kid]["public_key"]))
    assert message.verify_signature(), "pycose: the signature does not verify"
    return dict(cbor2.loads(message.payload or b""))
