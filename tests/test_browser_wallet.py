"""A worker's wallet on a 360 px phone in real Chromium: fits, shows a big QR, downloads PDFs."""

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse

from dualcert.credentials.signing.payload import fragment_url
from dualcert.credentials.tests.printing_helpers import issue_dual_and_single
from dualcert.credentials.tests.readback import pdf_pages, pdf_text, zxing_texts
from tests.browser import assert_fits_phone
from tests.factories import Role, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def test_worker_shows_a_full_screen_qr_and_downloads_pdfs_on_a_phone(
    live_server: Any, phone_page: Any, sign_in_page: Any, world: Any
) -> None:
    issued = issue_dual_and_single(world)
    holder = make_user("holder", Role.WORKER, worker=issued.permit.worker)
    page = sign_in_page(phone_page, holder)
    wallet = live_server.url + reverse("credentials:wallet")

    assert_fits_phone(page, wallet)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "wallet-phone.png"), full_page=True)
    cards = page.locator("article.wallet-card")
    assert cards.count() == 2
    assert issued.permit.number in page.locator("main").inner_text()

    # Tap the permit's "show QR": the code fills the phone's width on a white page.
    card = cards.filter(has_text=issued.permit.number)
    card.locator("a.show-qr").click()
    image = page.locator("img.qr-image")
    image.wait_for()
    assert page.evaluate("document.querySelector('img.qr-image').naturalWidth") > 0
    box = image.bounding_box()
    assert box is not None and box["width"] >= 300 and box["x"] >= 0
    assert_fits_phone(page)
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    text = page.locator("main").inner_text()
    assert issued.permit.number in text and issued.permit.worker.name in text
    shot = page.screenshot(path=str(ARTIFACTS / "wallet-qr-phone.png"))
    # What a verifier's camera would see: the code on the screen decodes to the signed URL.
    assert zxing_texts(shot) == [fragment_url(settings.PUBLIC_BASE_URL,
                                              issued.permit.signed_payload)]

    page.locator("a.qr-close").click()
    page.wait_for_url(wallet)

    # The PDF link downloads the certificate, named by its number.
    with page.expect_download() as info:
        cards.filter(has_text=issued.skill.number).locator("a[download]").click()
    download = info.value
    assert download.suggested_filename == f"{issued.skill.number}.pdf"
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF") and pdf_pages(content) == 1
    assert issued.skill.number in pdf_text(content)

    # And the dual sheet, both certificates on one page.
    with page.expect_download() as info:
        page.locator("ul.wallet-pairs a[download]").click()
    content = Path(info.value.path()).read_bytes()
    text = pdf_text(content)
    assert pdf_pages(content) == 1
    assert issued.skill.number in text and issued.permit.number in text
