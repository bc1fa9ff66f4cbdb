"""Both QR codes of a fair, read back from the PNGs the pages serve, as a phone would."""

import io
from typing import Any
from urllib.parse import urlsplit

import pytest
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from dualcert.fairs import passes
from dualcert.fairs.models import FairCheckIn
from dualcert.fairs.tests.factories import JobFairFactory

pytestmark = pytest.mark.django_db


def read_qr(png: bytes) -> str:
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return code.text


def url(name: str, fair: Any) -> str:
    return reverse(f"fairs:{name}", kwargs={"public_id": fair.public_id})


def test_poster_qr_leads_the_worker_to_check_in(client_for, world, fair):
    officer = client_for(world.users["county_a"])
    scanned = read_qr(officer.get(url("poster_png", fair)).content)
    path = urlsplit(scanned).path
    assert path.startswith("/fairs/here/") and world.worker_1.name not in scanned

    worker = client_for(world.users["worker_1"])
    page = worker.get(path)
    assert page.status_code == 200 and "I am here" in page.content.decode()
    response = worker.post(path)
    assert response.status_code == 302 and response["Location"] == url("fair", fair)
    checkin = FairCheckIn.objects.get()
    assert checkin.worker == world.worker_1 and checkin.method == "poster"
    again = worker.get(path).content.decode()
    assert "You checked in at 10:30" in again


def test_poster_asks_a_signed_out_worker_to_sign_in_first(client, world, fair):
    path = urlsplit(passes.poster_url(fair)).path
    response = client.get(path)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_forged_poster_link_is_refused(client_for, world, fair):
    path = urlsplit(passes.poster_url(fair)).path.rstrip("/") + "x/"
    response = client_for(world.users["worker_1"]).get(path)
    assert response.status_code == 400 and "not one of ours" in response.content.decode()


def test_poster_before_the_fair_opens_refuses_with_a_message(client_for, world):
    fair = JobFairFactory(region=world.county_a, status="planned")
    response = client_for(world.users["worker_1"]).post(urlsplit(passes.poster_url(fair)).path)
    assert response.status_code == 400
    assert "Check-in opens when the fair opens" in response.content.decode()
    assert not FairCheckIn.objects.exists()


def test_poster_of_a_fair_outside_the_workers_county_is_not_found(client_for, world, fair):
    path = urlsplit(passes.poster_url(fair)).path
    assert client_for(world.users["worker_2"]).get(path).status_code == 404


def _pass_png(client_for: Any, world: Any, fair: Any) -> bytes:
    return client_for(world.users["worker_1"]).get(url("pass_png", fair)).content


def test_pass_scanned_as_text_checks_the_worker_in(client_for, world, fair):
    scanned = read_qr(_pass_png(client_for, world, fair))
    assert world.worker_1.name not in scanned and world.worker_1.id_number not in scanned
    desk = client_for(world.users["county_a"])
    response = desk.post(url("desk", fair), {"scanned": scanned}, follow=True)
    assert f"Checked in: {world.worker_1.name}" in response.content.decode()
    assert FairCheckIn.objects.get().method == "pass_text"


def test_pass_opened_by_a_phone_camera_fills_the_desk_field(client_for, world, fair):
    scanned = read_qr(_pass_png(client_for, world, fair))
    parts = urlsplit(scanned)
    page = client_for(world.users["county_a"]).get(f"{parts.path}?{parts.query}")
    assert page.status_code == 200
    token = parts.query.split("=", 1)[1]
    assert f'value="{token}"' in page.content.decode()


def test_photo_of_the_pass_checks_the_worker_in(client_for, world, fair):
    picture = Image.open(io.BytesIO(_pass_png(client_for, world, fair))).convert("RGB")
    photo = Image.new("RGB", (picture.width + 200, picture.height + 300), "#d8d2c4")
    photo.paste(picture, (90, 140))
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=85)
    upload = SimpleUploadedFile("pass.jpg", buffer.getvalue(), content_type="image/jpeg")
    response = client_for(world.users["county_a"]).post(url("desk", fair), {"photo": upload},
                                                        follow=True)
    assert f"Checked in: {world.worker_1.name}" in response.content.decode()
    assert FairCheckIn.objects.get().method == "pass_photo"


def test_photo_without_a_code_is_refused(client_for, world, fair):
    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(buffer, format="PNG")
    upload = SimpleUploadedFile("blank.png", buffer.getvalue(), content_type="image/png")
    response = client_for(world.users["county_a"]).post(url("desk", fair), {"photo": upload})
    assert response.status_code == 400 and "No QR code" in response.content.decode()


def test_desk_refuses_a_forged_pass_and_an_empty_form(client_for, world, fair):
    desk = client_for(world.users["county_a"])
    forged = desk.post(url("desk", fair), {"scanned": "https://example.org/?pass=abc:def"})
    assert forged.status_code == 400 and "not a fair pass" in forged.content.decode()
    empty = desk.post(url("desk", fair), {"scanned": ""})
    assert empty.status_code == 400 and "Scan the pass" in empty.content.decode()
    assert not FairCheckIn.objects.exists()


def test_desk_refuses_a_second_scan_of_the_same_pass(client_for, world, fair):
    scanned = read_qr(_pass_png(client_for, world, fair))
    desk = client_for(world.users["county_a"])
    desk.post(url("desk", fair), {"scanned": scanned})
    again = desk.post(url("desk", fair), {"scanned": scanned})
    assert again.status_code == 400 and "already checked in" in again.content.decode()
    assert FairCheckIn.objects.count() == 1
