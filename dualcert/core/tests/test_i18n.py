"""Translations: the Chinese catalogue is complete, compiled, and pages follow the language."""

import ast
import gettext
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from dualcert import settings as project_settings
from dualcert.people import idnumber

LOCALE = Path(settings.LOCALE_PATHS[0])
MO_MAGIC = 0x950412DE
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]")


@dataclass
class PoEntry:
    """One message of a .po file, as the test needs it."""

    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values()) and "fuzzy" not in self.flags


def _unquote(text: str) -> str:
    return ast.literal_eval(text.strip())


def parse_po(path: Path) -> list[PoEntry]:
    """The entries of a .po file (obsolete ones left out; the header is the first entry)."""
    entries: list[PoEntry] = []
    entry, last = PoEntry(), ""

    def close() -> None:
        nonlocal entry, last
        if last:
            entries.append(entry)
        entry, last = PoEntry(), ""

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#~"):
            if last.startswith("msgstr"):
                close()
            continue
        if line.startswith("#,"):
            if last.startswith("msgstr"):
                close()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            if last.startswith("msgstr"):
                close()
        elif line.startswith('"'):
            _append(entry, last, _unquote(line))
        else:
            keyword, value = line.split(" ", 1)
            if keyword in ("msgid", "msgctxt") and last.startswith("msgstr"):
                close()
            last = keyword
            _append(entry, keyword, _unquote(value), start=True)
    close()
    return entries


def _append(entry: PoEntry, keyword: str, text: str, *, start: bool = False) -> None:
    if keyword.startswith("msgstr"):
        index = int(keyword[7:-1]) if "[" in keyword else 0
        entry.msgstr[index] = ("" if start else entry.msgstr[index]) + text
    else:
        setattr(entry, keyword, ("" if start else getattr(entry, keyword)) + text)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text.replace("%%", "")))


def mo_message_count(path: Path) -> int:
    """The number of messages a compiled catalogue holds, read from its header."""
    head = path.read_bytes()[:12]
    order = "<" if struct.unpack("<I", head[:4])[0] == MO_MAGIC else ">"
    return int(struct.unpack(f"{order}I", head[8:12])[0])


def catalogue(language: str) -> list[PoEntry]:
    entries = parse_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert entries[0].msgid == "", "the header comes first"
    return entries[1:]


def placeholder_mismatches(entries: list[PoEntry]) -> list[str]:
    wrong = []
    for e in entries:
        allowed = [placeholders(e.msgid)]
        if e.msgid_plural is not None:
            allowed.append(placeholders(e.msgid_plural))
        wrong += [f"{e.msgid!r} → {text!r}" for text in e.msgstr.values()
                  if text and placeholders(text) not in allowed]
    return wrong


def test_po_parser_reads_plurals_context_and_continued_lines(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=1; plural=0;\\n"\n\n'
        '#, fuzzy, python-format\nmsgctxt "menu"\nmsgid ""\n"Open %(n)s "\n"file"\n'
        'msgid_plural "Open %(n)s files"\nmsgstr[0] "打开 %(n)s 个文件"\n\n'
        '#~ msgid "gone"\n#~ msgstr "旧"\n\nmsgid "Save"\nmsgstr ""\n',
        encoding="utf-8",
    )
    header, plural, save = parse_po(po)
    assert "nplurals=1" in header.msgstr[0]
    assert (plural.msgctxt, plural.msgid, plural.msgid_plural) == (
        "menu", "Open %(n)s file", "Open %(n)s files")
    assert plural.msgstr == {0: "打开 %(n)s 个文件"}
    assert plural.flags == {"fuzzy", "python-format"} and not plural.translated
    assert save.msgid == "Save" and not save.translated


def test_chinese_catalogue_has_no_untranslated_or_fuzzy_entry() -> None:
    entries = catalogue("zh_Hans")
    assert len(entries) > 500
    missing = [e.msgid for e in entries if not e.translated]
    assert missing == []


def test_chinese_header_is_final_and_has_one_plural_form() -> None:
    header = parse_po(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po")[0]
    assert "fuzzy" not in header.flags
    assert "nplurals=1;" in header.msgstr[0]


@pytest.mark.parametrize("language", ["zh_Hans", "ug"])
def test_translations_keep_every_placeholder_of_their_msgid(language: str) -> None:
    assert placeholder_mismatches(catalogue(language)) == []


def test_placeholder_check_catches_a_lost_or_renamed_placeholder() -> None:
    lost = PoEntry(msgid="%(name)s dropped.", msgstr={0: "已退出。"})
    renamed = PoEntry(msgid="%(n)s of %(total)s", msgstr={0: "%(total)s 中的 %(m)s"})
    kept = PoEntry(msgid="%(pct)s%% done", msgstr={0: "完成 %(pct)s%%"})
    assert len(placeholder_mismatches([lost, renamed, kept])) == 2


def test_uyghur_covers_navigation_sign_in_and_the_workers_pages() -> None:
    translated = {e.msgid for e in catalogue("ug") if e.translated}
    for msgid in ("Menu", "Language", "Sign in", "Sign out", "My page", "Jobs", "Training",
                  "Job offers", "Apply", "My certificates", "Recommend me to employers"):
        assert msgid in translated


@pytest.mark.parametrize("language", ["zh_Hans", "ug"])
def test_compiled_catalogue_matches_its_po_file(language: str) -> None:
    folder = LOCALE / language / "LC_MESSAGES"
    entries = [e for e in catalogue(language) if e.translated]
    with (folder / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for e in entries:
        msgid = e.msgid if e.msgctxt is None else f"{e.msgctxt}\x04{e.msgid}"
        if e.msgid_plural is None:
            got = [compiled.gettext(msgid)]
        else:
            got = [compiled.ngettext(msgid, e.msgid_plural, n) for n in (1, 2)]
        if any(text not in e.msgstr.values() for text in got):
            stale.append(e.msgid)
    assert stale == [], "run `manage.py compilemessages` after editing the .po file"
    # Nor does the .mo hold messages the .po no longer translates: its message count (header
    # included, a plural message counted once) is the .po's translated entries plus one.
    assert mo_message_count(folder / "django.mo") == len(entries) + 1


@pytest.fixture
def shipped_default(settings: Any) -> Iterator[None]:
    """The project's own default language (the suite otherwise runs in English)."""
    settings.LANGUAGE_CODE = project_settings.LANGUAGE_CODE
    with translation.override(project_settings.LANGUAGE_CODE):
        yield


def test_chinese_is_the_shipped_default() -> None:
    assert project_settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _name in project_settings.LANGUAGES] == ["zh-hans", "en", "ug"]


def _html_tag(body: str) -> str:
    match = re.search(r"<html[^>]*>", body)
    assert match
    return match.group(0)


def _switch_language(client: Any, language: str) -> None:
    login = reverse("core:login")
    response = client.post(reverse("set_language"), {"language": language, "next": login})
    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.usefixtures("shipped_default")
def test_pages_are_in_chinese_by_default(client: Any) -> None:
    body = client.get(reverse("core:login")).content.decode()
    assert 'lang="zh-hans"' in _html_tag(body) and 'dir="ltr"' in _html_tag(body)
    assert "登录" in body and "Sign in" not in body


@pytest.mark.django_db
@pytest.mark.usefixtures("shipped_default")
def test_switching_to_english_shows_english(client: Any) -> None:
    _switch_language(client, "en")
    body = client.get(reverse("core:login")).content.decode()
    assert 'lang="en"' in _html_tag(body)
    assert "Sign in" in body and "登录" not in body


@pytest.mark.django_db
@pytest.mark.usefixtures("shipped_default")
def test_switching_to_uyghur_turns_the_page_right_to_left(client: Any) -> None:
    _switch_language(client, "ug")
    body = client.get(reverse("core:login")).content.decode()
    assert 'dir="rtl"' in _html_tag(body) and 'lang="ug"' in _html_tag(body)
    assert "كىرىش" in body


@pytest.mark.django_db
@pytest.mark.usefixtures("shipped_default")
def test_workers_page_in_uyghur_falls_back_to_english_only_where_untranslated(
    world: Any, client_for: Any
) -> None:
    client = client_for(world.users["worker_1"])
    _switch_language(client, "ug")
    body = client.get(reverse("people:me")).content.decode()
    assert "مېنىڭ گۇۋاھنامىلىرىم" in body  # "My certificates"
    assert "My certificates" not in body and "我的证书" not in body


@pytest.mark.django_db
@pytest.mark.usefixtures("shipped_default")
def test_workers_page_is_chinese_by_default(world: Any, client_for: Any) -> None:
    client = client_for(world.users["worker_1"])
    body = client.get(reverse("people:me")).content.decode()
    assert "我的证书" in body and "退出登录" in body


@pytest.mark.usefixtures("shipped_default")
def test_refusals_speak_chinese_by_default_and_english_when_asked() -> None:
    with pytest.raises(ValidationError) as chinese:
        idnumber.parse("6523011990010100")
    assert "身份证号必须为 18 位" in chinese.value.messages[0]
    with translation.override("en"), pytest.raises(ValidationError) as english:
        idnumber.parse("6523011990010100")
    assert english.value.messages == [
        "The ID number must have 18 characters: 17 digits and a digit or X (it has 16)."]
