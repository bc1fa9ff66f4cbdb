"""Certificate PDFs drawn with fpdf2, all text in the embedded Chinese font.

A certificate is drawn into a box of A4 landscape proportions: the whole of a landscape page
for one certificate, or one half of a portrait page for the dual sheet (the skill-level
certificate above, the permit below). Sizes are given for the full page and scaled.
"""

import io
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import WrapMode

from dualcert.credentials.printing.face import SCAN_LINE, Face
from dualcert.credentials.printing.fonts import cjk_font

FONT = "cjk"
PAGE_W, PAGE_H = 297.0, 210.0  # A4 landscape, mm
INK = (29, 36, 48)
FRAME = (140, 26, 26)
MUTED = (91, 101, 117)
MARK = (196, 30, 30)
# The QR code never shrinks below this on paper: at 150 dpi its modules stay about three
# pixels wide, which phone cameras and decoders read reliably.
QR_MIN = 46.0


@dataclass(frozen=True)
class Box:
    """Where a certificate is drawn, and its scale against a full landscape page."""

    x: float
    y: float
    scale: float

    def at(self, x: float, y: float) -> tuple[float, float]:
        return self.x + x * self.scale, self.y + y * self.scale

    def mm(self, length: float) -> float:
        return length * self.scale


class CertificateDocument:
    """One PDF of certificate pages; pages are added one certificate or one dual sheet at a time."""

    def __init__(self, *, title: str) -> None:
        font = cjk_font()
        self.pdf = FPDF(unit="mm", format="A4")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margin(0)
        self.pdf.set_lang("zh-CN")
        self.pdf.set_title(title)
        self.pdf.set_creator("dualcert")
        self.pdf.add_font(FONT, fname=str(font.path), collection_font_number=font.index)

    def add_single(self, face: Face) -> None:
        self.pdf.add_page(orientation="L")
        _draw(self.pdf, face, Box(0, 0, 1.0))

    def add_dual(self, top: Face, bottom: Face) -> None:
        self.pdf.add_page(orientation="P")
        scale = 210.0 / PAGE_W
        _draw(self.pdf, top, Box(0, 0, scale))
        _draw(self.pdf, bottom, Box(0, PAGE_H * scale, scale))
        self.pdf.set_draw_color(*MUTED)
        self.pdf.set_dash_pattern(dash=2, gap=2)
        self.pdf.line(4, PAGE_H * scale, 206, PAGE_H * scale)
        self.pdf.set_dash_pattern()

    def add_faces(self, faces: list[Face]) -> None:
        """One page: a dual sheet for two faces, a single certificate for one."""
        if len(faces) == 2:
            self.add_dual(*faces)
        else:
            for face in faces:
                self.add_single(face)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def _text(pdf: FPDF, box: Box, x: float, y: float, w: float, size: float, text: str,
          *, align: str = "L", color: tuple[int, int, int] = INK) -> None:
    pdf.set_font(FONT, size=size * box.scale)
    pdf.set_text_color(*color)
    pdf.set_xy(*box.at(x, y))
    pdf.multi_cell(box.mm(w), box.mm(size * 0.5), text, align=align, wrapmode=WrapMode.CHAR)


def _frame(pdf: FPDF, box: Box) -> None:
    pdf.set_draw_color(*FRAME)
    for inset, width in ((7.0, 1.4), (10.0, 0.35)):
        pdf.set_line_width(box.mm(width))
        pdf.rect(*box.at(inset, inset), box.mm(PAGE_W - 2 * inset), box.mm(PAGE_H - 2 * inset))


def _photo(pdf: FPDF, box: Box) -> None:
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(box.mm(0.3))
    pdf.rect(*box.at(28, 66), box.mm(35), box.mm(49))
    _text(pdf, box, 28, 87, 35, 10, "照片", align="C", color=MUTED)


def _fields(pdf: FPDF, box: Box, face: Face) -> None:
    y = 64.0
    for label, value in face.fields:
        _text(pdf, box, 72, y, 34, 11.5, label, color=MUTED)
        _text(pdf, box, 106, y, 92, 11.5, value)
        y += 9.5


def _qr(pdf: FPDF, box: Box, face: Face) -> None:
    size = max(62.0 * box.scale, QR_MIN) / box.scale  # in full-page units
    x = PAGE_W - 22 - size
    pdf.image(io.BytesIO(face.qr_png), *box.at(x, 56), w=box.mm(size), h=box.mm(size))
    _text(pdf, box, x - 6, 58 + size, size + 12, 9, SCAN_LINE, align="C")
    _text(pdf, box, x - 10, 64 + size, size + 20, 7.5, face.verify_address, align="C",
          color=MUTED)


def _footer(pdf: FPDF, box: Box, face: Face) -> None:
    _text(pdf, box, 150, 168, 125, 11, f"{face.issuer_label}：{face.issuer}", align="R")
    _text(pdf, box, 150, 177, 125, 11, f"发证日期：{face.issued_on}", align="R")


def _mark(pdf: FPDF, box: Box, face: Face) -> None:
    """A large diagonal 已撤销 / 已过期 across the face, plus a plain line under the title."""
    if not face.mark:
        return
    _text(pdf, box, 20, 34, PAGE_W - 40, 13, face.mark_line, align="C", color=MARK)
    centre = box.at(PAGE_W / 2, PAGE_H / 2)
    with pdf.local_context(fill_opacity=0.28), pdf.rotation(24, *centre):
        _text(pdf, box, 0, PAGE_H / 2 - 22, PAGE_W, 96, face.mark, align="C", color=MARK)


def _draw(pdf: FPDF, face: Face, box: Box) -> None:
    _frame(pdf, box)
    _text(pdf, box, 20, 18, PAGE_W - 40, 30, face.title, align="C")
    _text(pdf, box, 20, 44, PAGE_W - 40, 11, face.body, align="C")
    _photo(pdf, box)
    _fields(pdf, box, face)
    _qr(pdf, box, face)
    _footer(pdf, box, face)
    _mark(pdf, box, face)
