import io
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import segno
import zxingcpp
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from fpdf import FPDF
from PIL import Image, ImageFilter

from dualcert.credentials.models import PublishedList
from dualcert.credentials.printing.documents import dual_sheet_pdf
from dualcert.credentials.scanning import qr_texts_in_image
from dualcert.credentials.services import certificate_revoke
from dualcert.credentials.signing.lists import latest
from dualcert.credentials.signing.payload import fragment_url
from dualcert.credentials.tests.helpers import signed_certificate
from dualcert.credentials.tests.payloads import with_claim

pytestmark = pytest.mark.django_db

BASE = "https://cert.example.gov.cn"


def run(*args):
    """(exit status, stdout, stderr) of `dualcert verify` run in this process."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify", *args, stdout=out, stderr=err)
        status = 0
    except SystemExit as exc:
        status = exc.code
    except CommandError as exc:
        status, err = exc.returncode, io.StringIO(str(exc))
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def certs(world):
    return {
        "permit": signed_certificate(certificate_type=world.pathway_1.permit,
                                     worker=world.worker_1),
        "other": signed_certificate(certificate_type=world.pathway_2.permit,
                                    worker=world.worker_1, number="T2026000002"),
    }


def _qr_png(path: Path, text: str, *, scale: int = 6) -> Path:
    segno.make(text, error="m").save(str(path), kind="png", scale=scale, border=4)
    return path


def test_payload_argument_valid_exit_zero(world, certs):
    cert = certs["permit"]
    status, out, _err = run(cert.signed_payload)
    assert status == 0
    first, summary = out.splitlines()
    assert first.split("  ") == ["valid", cert.number, world.worker_1.name,
                                 cert.certificate_type.name, cert.signing_key.issuer_name,
                                 "[argument 1]"]
    assert summary == "1 certificate: 1 valid."


def test_url_argument_verified(world, certs):
    status, out, _err = run(fragment_url(BASE, certs["permit"].signed_payload))
    assert status == 0 and out.startswith("valid  T2026000001")


def test_altered_payload_exit_one_with_counts(world, certs):
    forged = with_claim(certs["permit"].signed_payload, "n", "T2026999999")
    status, out, _err = run(certs["permit"].signed_payload, forged, "DC1:garbage")
    assert status == 1
    lines = out.splitlines()
    assert [line.split("  ")[0] for line in lines[:3]] == ["valid", "forged or altered",
                                                           "unreadable"]
    assert lines[2] == "unreadable  [argument 3]"
    assert lines[3] == "3 certificates: 1 valid, 1 forged or altered, 1 unreadable."


def test_revoked_certificate_exit_one(world, certs):
    certificate_revoke(actor=world.users["dept_1"], certificate=certs["permit"], reason="吊销")
    status, out, _err = run(certs["permit"].signed_payload)
    assert status == 1 and out.startswith("revoked  T2026000001")


def test_png_of_the_qr_code_verified(world, certs, tmp_path):
    png = _qr_png(tmp_path / "qr.png", fragment_url(BASE, certs["permit"].signed_payload))
    status, out, _err = run(str(png))
    assert status == 0
    assert out.splitlines()[0].endswith(f"[{png}]") and out.startswith("valid  T2026000001")


def test_jpeg_photo_of_the_qr_code_verified(world, certs, tmp_path):
    png = _qr_png(tmp_path / "qr.png", fragment_url(BASE, certs["permit"].signed_payload))
    jpeg = tmp_path / "photo.jpg"
    with Image.open(png) as image:
        image.save(jpeg, "JPEG", quality=85)
    status, out, _err = run(str(jpeg))
    assert status == 0 and out.startswith("valid  T2026000001")


def test_soft_small_photo_read_on_the_second_look(world, certs, tmp_path):
    png = _qr_png(tmp_path / "qr.png", fragment_url(BASE, certs["permit"].signed_payload),
                  scale=2)
    jpeg = tmp_path / "photo.jpg"
    with Image.open(png) as image:
        image.convert("RGB").filter(ImageFilter.GaussianBlur(1.0)).save(jpeg, "JPEG",
                                                                          quality=85)
    with Image.open(jpeg) as photo:
        assert zxingcpp.read_barcodes(photo) == []  # a plain first look misses it
    status, out, _err = run(str(jpeg))
    assert status == 0 and out.startswith("valid  T2026000001")


def test_soft_small_photos_of_many_codes_all_read(certs, tmp_path):
    """Each signature makes a different pattern; none of them may be the unlucky one."""
    length = len(fragment_url(BASE, certs["permit"].signed_payload))
    for attempt in range(60):
        text = (BASE + "/v/#" + secrets.token_urlsafe(length))[:length]
        png = _qr_png(tmp_path / "qr.png", text, scale=2)
        with Image.open(png) as image:
            soft = image.convert("RGB").filter(ImageFilter.GaussianBlur(1.0))
        soft.save(tmp_path / "photo.jpg", "JPEG", quality=85)
        with Image.open(tmp_path / "photo.jpg") as photo:
            assert qr_texts_in_image(photo) == [text], attempt


def _two_qr_pdf(path: Path, tmp_path: Path, texts: list[str]) -> Path:
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_page()
    for index, text in enumerate(texts):
        image = _qr_png(tmp_path / f"code{index}.png", text, scale=4)
        pdf.image(str(image), x=20, y=20 + index * 130, w=60)
    pdf.output(str(path))
    return path


def test_pdf_with_two_qr_codes_verifies_both(world, certs, tmp_path):
    texts = [fragment_url(BASE, certs[name].signed_payload) for name in ("permit", "other")]
    pdf = _two_qr_pdf(tmp_path / "sheet.pdf", tmp_path, texts)
    status, out, _err = run(str(pdf))
    lines = out.splitlines()
    assert status == 0
    assert sorted(line.split("  ")[1] for line in lines[:2]) == ["T2026000001", "T2026000002"]
    assert all(line.endswith(f"[{pdf}, page 1]") for line in lines[:2])
    assert lines[2] == "2 certificates: 2 valid."


def test_printed_dual_sheet_pdf_verifies_both_certificates(world, certs, tmp_path):
    pdf = tmp_path / "dual.pdf"
    pdf.write_bytes(dual_sheet_pdf([certs["permit"], certs["other"]]))
    status, out, _err = run(str(pdf))
    assert status == 0
    assert sorted(line.split("  ")[1] for line in out.splitlines()[:2]) == [
        "T2026000001", "T2026000002"]


def test_from_file_reads_one_payload_a_line(world, certs, tmp_path):
    listing = tmp_path / "batch.txt"
    listing.write_text(f"{certs['permit'].signed_payload}\n\n"
                       f"{fragment_url(BASE, certs['other'].signed_payload)}\n", "utf-8")
    status, out, _err = run("--from-file", str(listing))
    lines = out.splitlines()
    assert status == 0
    assert lines[0].endswith(f"[{listing}:1]") and lines[1].endswith(f"[{listing}:3]")


def test_json_output_for_programs(world, certs):
    status, out, _err = run("--json", certs["permit"].signed_payload, "DC1:x")
    document = json.loads(out)
    assert status == 1
    assert [r["verdict"] for r in document["results"]] == ["valid", "unreadable"]
    assert document["results"][0]["certificate"]["holder_name"] == world.worker_1.name
    assert document["results"][0]["source"] == "argument 1"
    assert document["summary"] == {"total": 2, "valid": 1, "unreadable": 1}
    assert document["errors"] == []


def test_now_option_judges_expiry_at_that_moment(world, certs):
    status, out, _err = run("--now", "2040-01-01T00:00", certs["permit"].signed_payload)
    assert status == 1 and out.startswith("expired  T2026000001")


def test_missing_file_exit_two_with_a_clear_message(world, certs, tmp_path):
    status, out, err = run(certs["permit"].signed_payload, str(tmp_path / "nope.png"))
    assert status == 2
    assert out.startswith("valid  T2026000001")
    assert err.strip() == f"Cannot read {tmp_path / 'nope.png'}: there is no such file."


def test_picture_without_qr_code_exit_two(world, tmp_path):
    blank = tmp_path / "blank.png"
    Image.new("RGB", (400, 300), "white").save(blank)
    status, out, err = run(str(blank))
    assert status == 2
    assert err.strip() == f"Cannot read {blank}: no QR code was found in it."
    assert out.strip() == "0 certificates."


def test_garbage_file_exit_two(world, tmp_path):
    garbage = tmp_path / "scan.png"
    garbage.write_bytes(os.urandom(2048))
    broken_pdf = tmp_path / "broken.pdf"
    broken_pdf.write_bytes(b"%PDF-1.7\n" + os.urandom(512))
    status, _out, err = run(str(garbage), str(broken_pdf))
    assert status == 2
    assert err.splitlines() == [
        f"Cannot read {garbage}: the file is neither a picture (PNG, JPEG) nor a PDF.",
        f"Cannot read {broken_pdf}: the PDF file is damaged or protected.",
    ]


def test_no_input_at_all_refused(world):
    status, _out, err = run()
    assert status == 2 and "at least one payload" in err


def test_trust_list_without_revocation_list_refused(world, tmp_path):
    status, _out, err = run("--trust-list", str(tmp_path / "t.json"), "DC1:x")
    assert status == 2 and "both --trust-list and --revocations" in err


def _download_lists(tmp_path: Path) -> tuple[Path, Path]:
    trust, revocations = tmp_path / "trust.json", tmp_path / "revocations.json"
    trust.write_text(latest(PublishedList.Kind.TRUST).document, "utf-8")
    revocations.write_text(latest(PublishedList.Kind.REVOCATIONS).document, "utf-8")
    return trust, revocations


def _offline(*args: str) -> subprocess.CompletedProcess[str]:
    """The real `dualcert` console command, with a database it cannot open."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dualcert.settings",
           "DATABASE_URL": "sqlite:////nonexistent-folder/none.sqlite3"}
    return subprocess.run(
        [sys.executable, "-m", "dualcert", "verify", *args], env=env, capture_output=True,
        text=True, timeout=120, cwd=settings.BASE_DIR, check=False,
    )


def test_offline_from_downloaded_lists_with_real_exit_codes(world, certs, tmp_path):
    certificate_revoke(actor=world.users["bureau"], certificate=certs["other"], reason="吊销")
    trust, revocations = _download_lists(tmp_path)
    lists = ["--trust-list", str(trust), "--revocations", str(revocations)]
    valid = _offline(*lists, certs["permit"].signed_payload)
    revoked = _offline(*lists, "--json", certs["permit"].signed_payload,
                       certs["other"].signed_payload)
    unreadable = _offline(*lists, str(tmp_path / "missing.jpg"))
    assert valid.returncode == 0, valid.stderr
    assert "T2026000001" in valid.stdout
    assert revoked.returncode == 1, revoked.stderr
    assert [r["verdict"] for r in json.loads(revoked.stdout)["results"]] == ["valid", "revoked"]
    assert unreadable.returncode == 2 and "missing.jpg" in unreadable.stderr


def test_damaged_list_file_refused(world, certs, tmp_path):
    trust, revocations = _download_lists(tmp_path)
    document = json.loads(revocations.read_text("utf-8"))
    document["signature"] = document["signature"][::-1]
    revocations.write_text(json.dumps(document), "utf-8")
    status, _out, err = run("--trust-list", str(trust), "--revocations", str(revocations),
                            certs["permit"].signed_payload)
    assert status == 2 and "download both again" in err


def test_bad_now_value_refused_with_an_example(world):
    with pytest.raises(CommandError, match="'soon' is not a date and time such as"):
        call_command("verify", "--now", "soon", "DC1:x", stdout=io.StringIO())


def test_nothing_readable_reported_without_needing_the_lists(world, tmp_path):
    missing = tmp_path / "gone.pdf"
    status, out, _err = run("--json", "--trust-list", str(tmp_path / "t.json"),
                            "--revocations", str(tmp_path / "r.json"), str(missing))
    document = json.loads(out)
    assert status == 2 and document["results"] == []
    assert document["errors"] == [{"source": str(missing), "message": "there is no such file"}]
    assert document["trust_list_version"] is None
