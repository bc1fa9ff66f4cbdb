"""One check that a page fits a phone, shared by every stage's browser tests."""

from typing import Any

# Elements (outside scrollable tables) that stick out of the viewport, and the page's width.
OVERFLOW_JS = """() => {
  const wide = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.table-wrap')) continue;
    const r = el.getBoundingClientRect();
    const outside = r.right > window.innerWidth + 1 || r.left < -1;
    if (r.width > 0 && outside) wide.push(el.tagName + '.' + el.className);
  }
  return {scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 5)};
}"""


def page_layout(page: Any) -> dict[str, Any]:
    """The open page's scroll width and up to five elements sticking out of the viewport."""
    return page.evaluate(OVERFLOW_JS)


def assert_fits_phone(page: Any, url: str | None = None, *, width: int = 360) -> None:
    """Open url (if given) and assert nothing makes the page wider than the phone."""
    if url is not None:
        page.goto(url)
    layout = page_layout(page)
    assert layout["scroll"] <= width and not layout["wide"], (url or page.url, layout)
