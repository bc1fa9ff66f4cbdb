"""The font printed certificates embed for Chinese text: found once, refused clearly if absent.

A PDF must look right on a machine with no Chinese fonts, so the font is embedded (fpdf2
embeds the subset of glyphs a document uses). Which font: the CJK_FONT setting, else the
first of the usual Debian locations that exists.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from fontTools.ttLib import TTCollection, TTFont, TTLibError

SEARCHED = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
# Characters every certificate prints; a font without them cannot print one.
PROBE = "职业技能等级证书"


@dataclass(frozen=True)
class CjkFont:
    """A font file and, for a collection, the face to use."""

    path: Path
    index: int


def _refuse_missing() -> ValidationError:
    return ValidationError(
        _("No font for Chinese text was found, so certificates cannot be printed. Install the "
          "Debian package fonts-noto-cjk, or set DUALCERT_CJK_FONT (the CJK_FONT setting) to "
          "a .ttf, .otf or .ttc font file that has Chinese characters."),
        code="no_cjk_font",
    )


def _simplified_face(collection: TTCollection) -> int:
    # Noto CJK collections name their faces "… JP", "… KR", "… SC", "… TC", "… HK".
    for index, face in enumerate(collection.fonts):
        family = str(face["name"].getDebugName(1) or "")
        if family.endswith(" SC"):
            return index
    return 0


def _face(path: Path, index: int) -> tuple[TTFont, int]:
    if path.suffix.lower() == ".ttc":
        collection = TTCollection(str(path), lazy=True)
        chosen = _simplified_face(collection) if index < 0 else index
        if chosen >= len(collection.fonts):
            raise ValidationError(
                _("The font collection %(path)s has no face number %(index)d "
                  "(DUALCERT_CJK_FONT_INDEX).") % {"path": path, "index": chosen},
                code="bad_cjk_font_index",
            )
        return collection.fonts[chosen], chosen
    return TTFont(str(path), lazy=True), 0


@lru_cache(maxsize=8)
def _checked(path: Path, index: int) -> CjkFont:
    try:
        face, chosen = _face(path, index)
        cmap = face.getBestCmap() or {}
    except (OSError, TTLibError) as exc:
        raise ValidationError(
            _("%(path)s (DUALCERT_CJK_FONT) is not a font file fpdf2 can read: %(error)s")
            % {"path": path, "error": exc}, code="bad_cjk_font",
        ) from exc
    if any(ord(char) not in cmap for char in PROBE):
        raise ValidationError(
            _("The font %(path)s (DUALCERT_CJK_FONT) has no Chinese characters. Set it to a "
              "Chinese font such as NotoSansCJK-Regular.ttc from the Debian package "
              "fonts-noto-cjk.") % {"path": path},
            code="cjk_font_without_chinese",
        )
    return CjkFont(path=path, index=chosen)


def cjk_font() -> CjkFont:
    """The Chinese font to embed; a ValidationError naming the setting when there is none."""
    configured = str(settings.CJK_FONT or "")
    index = int(settings.CJK_FONT_INDEX)
    if configured:
        path = Path(configured)
        if not path.is_file():
            raise ValidationError(
                _("The font file %(path)s named by DUALCERT_CJK_FONT (the CJK_FONT setting) "
                  "does not exist. Correct the setting, or install the Debian package "
                  "fonts-noto-cjk and leave the setting empty.") % {"path": path},
                code="cjk_font_not_found",
            )
        return _checked(path, index)
    for candidate in SEARCHED:
        if Path(candidate).is_file():
            return _checked(Path(candidate), index)
    raise _refuse_missing()
