"""Printed certificates read back with third-party tools: QR codes, PDFs, fonts, batch jobs."""

import base64
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import cbor2
import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from dualcert.core.models import AuditEntry
from dualcert.core.workflow import history
from dualcert.credentials.models import Certificate, PrintJob
from dualcert.credentials.printing import documents, fonts, jobs
from dualcert.credentials.signing import lists
from dualcert.credentials.signing.payload import fragment_url
from dualcert.credentials.tests.printing_helpers import Issued, issue_dual_and_single
from dualcert.credentials.tests.readback import (
    pdf_fonts,
    pdf_pages,
    pdf_text,
    pycose_verified_claims,
    rasterise,
    zbar_texts,
    zxing_texts,
)
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.fixture(autouse=True)
def _print_dir(settings: Any, tmp_path: Path) -> None:
    settings.PRINT_DIR = tmp_path / "prints"


@pytest.fixture
def issued(world: Any) -> Issued:
    return issue_dual_and_single(world)


def _url(name: str, obj: Any) -> str:
    return reverse(f"credentials:{name}", kwargs={"public_id": obj.public_id})


def _trust() -> str:
    return lists.latest("trust").document


def _expected_url(certificate: Certificate) -> str:
    return fragment_url(settings.PUBLIC_BASE_URL, certificate.signed_payload)


# -- QR codes --------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["skill", "permit"])
def test_qr_png_decodes_with_zxing_and_zbar_to_the_url_signed_under_the_trust_list(
    world, client_for, issued, kind
):
    certificate = getattr(issued, kind)
    response = client_for(world.users["bureau"]).get(_url("certificate_qr", certificate))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    expected = _expected_url(certificate)
    assert zxing_texts(response.content) == [expected]
    assert zbar_texts(response.content) == [expected]
    assert expected.startswith(f"{settings.PUBLIC_BASE_URL}/v/#DC1:")
    claims = pycose_verified_claims(expected, _trust())
    assert claims[-70001]["n"] == certificate.number


def test_pdf_page_rasterised_gives_back_the_qr_url_and_pycose_verifies_it(
    world, client_for, issued
):
    response = client_for(world.users["county_a"]).get(_url("certificate_pdf", issued.skill))
    page = rasterise(response.content, dpi=150)
    expected = _expected_url(issued.skill)
    assert zxing_texts(page) == [expected]
    assert zbar_texts(page) == [expected]
    claims = pycose_verified_claims(zxing_texts(page)[0], _trust())
    assert claims[-70001]["h"] == issued.skill.worker.name


def test_a_tampered_payload_fails_pycose_verification(issued):
    """The read-back check is real: one changed signature byte is refused."""
    url = _expected_url(issued.permit)
    body = url.split("DC1:", 1)[1]
    message = cbor2.loads(zlib.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))
    protected, unprotected, payload, signature = message.value
    forged = cbor2.CBORTag(18, [protected, unprotected, payload,
                                bytes([signature[0] ^ 1]) + signature[1:]])
    text = "DC1:" + base64.urlsafe_b64encode(zlib.compress(cbor2.dumps(forged))).decode()
    with pytest.raises(AssertionError, match="does not verify"):
        pycose_verified_claims(text, _trust())


# -- one certificate -------------------------------------------------------------------------

def test_skill_certificate_pdf_embeds_the_chinese_font_and_prints_the_signed_fields(
    world, client_for, issued
):
    response = client_for(world.users["bureau"]).get(_url("certificate_pdf", issued.skill))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    used = pdf_fonts(response.content)
    assert used and all(font["emb"] == "yes" for font in used)
    assert any("NotoSansCJKSC" in font["name"] for font in used)
    text = pdf_text(response.content)
    claims = pycose_verified_claims(_expected_url(issued.skill), _trust())[-70001]
    for value in ("职业技能等级证书", issued.skill.worker.name, issued.skill.number,
                  issued.skill.worker.id_number_masked, claims["l"], claims["ib"],
                  claims["o"], "2026年6月10日", "工种/职业方向"):
        assert value in text, value
    assert "五级/初级工" in text and "--" in text
    assert "已撤销" not in text and "已过期" not in text


def test_pdf_is_an_attachment_named_by_the_number_never_by_the_holder(world, client_for, issued):
    response = client_for(world.users["bureau"]).get(_url("certificate_pdf", issued.permit))
    disposition = response["Content-Disposition"]
    assert disposition == f'attachment; filename="{issued.permit.number}.pdf"'
    assert issued.permit.worker.name not in disposition
    assert response["Cache-Control"] == "private, no-store"


def test_permit_pdf_prints_its_item_number_department_and_validity(world, client_for, issued):
    content = client_for(world.users["dept_1"]).get(_url("certificate_pdf", issued.permit)).content
    text = pdf_text(content)
    for value in (issued.permit.certificate_type.name, issued.permit.number, world.dept_1.name,
                  "有效期至", "2032年6月9日", "应复审日期", "2029年6月10日",
                  issued.permit.worker.name):
        assert value in text, value
    assert all(font["emb"] == "yes" for font in pdf_fonts(content))


@pytest.mark.parametrize(("status", "mark"), [("revoked", "已撤销"), ("expired", "已过期")])
def test_a_certificate_that_is_not_valid_prints_with_a_mark(issued, status, mark):
    Certificate.objects.filter(pk=issued.permit.pk).update(status=status)
    issued.permit.refresh_from_db()
    text = pdf_text(documents.certificate_pdf(issued.permit))
    assert mark in text and "不是有效证书" in text


def test_a_certificate_past_its_date_prints_expired_before_the_nightly_run_marks_it(issued):
    with time_machine.travel(datetime(2032, 7, 1, tzinfo=ZoneInfo("Asia/Shanghai"))):
        text = pdf_text(documents.certificate_pdf(issued.permit))
    assert "已过期" in text


@pytest.mark.parametrize(("who", "skill", "permit"), [
    ("bureau", 200, 200), ("county_a", 200, 200), ("inst_1", 200, 200), ("eval_1", 200, 200),
    ("dept_1", 404, 200), ("county_b", 404, 404), ("dept_2", 404, 404), ("inst_2", 404, 404),
    ("employer_1", 404, 404), ("worker_1", 404, 404), ("outsider", 404, 404),
])
def test_certificate_pdf_and_qr_follow_certificate_scoping(
    world, client_for, issued, who, skill, permit
):
    client = client_for(world.users[who])
    for certificate, expected in ((issued.skill, skill), (issued.permit, permit)):
        assert client.get(_url("certificate_qr", certificate)).status_code == expected
        assert client.get(_url("certificate_pdf", certificate)).status_code == expected


def test_certificate_pdf_and_qr_need_sign_in(client, issued):
    for name in ("certificate_pdf", "certificate_qr", "certificate_dual_pdf"):
        response = client.get(_url(name, issued.skill))
        assert response.status_code == 302 and "/login" in response["Location"]


def test_an_unsigned_certificate_is_refused_with_how_to_sign_it(world, client_for, issued):
    Certificate.objects.filter(pk=issued.permit.pk).update(signed_payload="")
    client = client_for(world.users["bureau"])
    for name in ("certificate_pdf", "certificate_qr"):
        response = client.get(_url(name, issued.permit))
        assert response.status_code == 409
        assert "dualcert keys sign-missing" in response.content.decode()
        assert issued.permit.number in response.content.decode()


def test_certificate_page_links_pdf_qr_and_dual_sheet(world, client_for, issued):
    page = client_for(world.users["bureau"]).get(_url("certificate", issued.skill))
    content = page.content.decode()
    for name in ("certificate_pdf", "certificate_qr", "certificate_dual_pdf"):
        assert _url(name, issued.skill) in content
    single = client_for(world.users["bureau"]).get(_url("certificate", issued.single))
    assert _url("certificate_dual_pdf", issued.single) not in single.content.decode()


# -- the dual sheet --------------------------------------------------------------------------

def test_dual_sheet_is_one_page_with_both_certificates_and_two_readable_qr_codes(
    world, client_for, issued
):
    response = client_for(world.users["inst_1"]).get(_url("certificate_dual_pdf", issued.permit))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{issued.skill.number}_{issued.permit.number}.pdf"')
    assert pdf_pages(response.content) == 1
    assert all(font["emb"] == "yes" for font in pdf_fonts(response.content))
    text = pdf_text(response.content)
    assert text.index("职业技能等级证书") < text.index(issued.permit.number)
    assert issued.skill.number in text and issued.skill.worker.name in text
    page = rasterise(response.content, dpi=150)
    expected = {_expected_url(issued.skill), _expected_url(issued.permit)}
    assert set(zxing_texts(page)) == expected
    assert set(zbar_texts(page)) == expected
    for url in expected:
        pycose_verified_claims(url, _trust())


@pytest.mark.parametrize(("who", "which"), [
    ("bureau", "single"), ("dept_1", "permit"), ("outsider", "skill"), ("county_b", "skill"),
])
def test_dual_sheet_is_404_without_a_pair_the_user_may_see(world, client_for, issued, who, which):
    response = client_for(world.users[who]).get(
        _url("certificate_dual_pdf", getattr(issued, which)))
    assert response.status_code == 404


# -- the font ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "index", "face", "name"), [
    (NOTO, -1, 2, "NotoSansCJKSC"), (NOTO, 0, 0, "NotoSansCJKJP"),
    (Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"), -1, 0, "DroidSans"),
])
def test_cjk_font_setting_chooses_the_file_and_face(settings, issued, path, index, face, name):
    settings.CJK_FONT, settings.CJK_FONT_INDEX = str(path), index
    assert fonts.cjk_font() == fonts.CjkFont(path=path, index=face)
    used = pdf_fonts(documents.certificate_pdf(issued.skill))
    assert [f["emb"] for f in used] == ["yes"] and name in used[0]["name"]


def test_without_a_font_printing_is_refused_naming_the_setting_and_package(
    world, client_for, issued, settings, monkeypatch
):
    settings.CJK_FONT = ""
    monkeypatch.setattr(fonts, "SEARCHED", ("/nonexistent/NotoSansCJK-Regular.ttc",))
    response = client_for(world.users["bureau"]).get(_url("certificate_pdf", issued.skill))
    assert response.status_code == 503
    content = response.content.decode()
    assert "DUALCERT_CJK_FONT" in content and "fonts-noto-cjk" in content


@pytest.mark.parametrize(("configured", "words"), [
    ("/nonexistent/font.ttc", "does not exist"),
    (str(DEJAVU), "has no Chinese characters"),
    (__file__, "is not a font file"),
])
def test_a_wrong_font_setting_is_refused_with_a_clear_message(settings, configured, words):
    settings.CJK_FONT = configured
    with pytest.raises(Exception, match=words) as caught:
        fonts.cjk_font()
    assert "DUALCERT_CJK_FONT" in str(caught.value)


def test_a_face_number_the_collection_lacks_is_refused(settings):
    settings.CJK_FONT, settings.CJK_FONT_INDEX = str(NOTO), 40
    with pytest.raises(Exception, match="no face number 40"):
        fonts.cjk_font()


# -- batch printing ----------------------------------------------------------------------------

def _start(client: Any, project: Any, capture: Any) -> Any:
    with capture(execute=True):
        return client.post(_url("project_print_start", project))


def test_batch_print_makes_one_pdf_with_a_dual_sheet_per_pair_and_a_page_per_single(
    world, client_for, issued, django_capture_on_commit_callbacks
):
    client = client_for(world.users["county_a"])
    response = _start(client, issued.project, django_capture_on_commit_callbacks)
    job = PrintJob.objects.get()
    assert response.status_code == 302 and response["Location"] == _url("print_job", job)
    assert (job.status, job.total, job.done, job.certificates) == ("done", 2, 2, 3)
    assert job.finished_at is not None and job.requested_by == world.users["county_a"]
    assert [(c.from_state, c.to_state) for c in history(job)] == [
        ("queued", "running"), ("running", "done")]
    assert jobs.print_file(job).is_file()
    assert AuditEntry.objects.filter(action="print_job.request", object_pk=job.pk,
                                     actor=world.users["county_a"]).exists()
    download = client.get(_url("print_job_download", job))
    content = b"".join(download.streaming_content)
    assert download["Content-Type"] == "application/pdf"
    assert issued.project.code in download["Content-Disposition"]
    assert pdf_pages(content) == 2
    assert all(font["emb"] == "yes" for font in pdf_fonts(content))
    text = pdf_text(content)
    for certificate in (issued.skill, issued.permit, issued.single):
        assert certificate.number in text and certificate.worker.name in text
    assert set(zxing_texts(rasterise(content, page=1))) == {
        _expected_url(issued.skill), _expected_url(issued.permit)}
    assert zbar_texts(rasterise(content, page=2)) == [_expected_url(issued.single)]


def test_batch_progress_is_told_page_by_page_up_to_the_total(issued: Issued) -> None:
    pages = documents.sheets(Certificate.objects.select_related(
        "certificate_type", "worker", "result").order_by("result__score_id", "number"))
    told: list[int] = []
    documents.batch_pdf(pages, title="t", on_page=told.append)
    assert [len(page) for page in pages] == [2, 1]
    assert told == [1, 2]


def test_department_batch_holds_only_its_own_permits(
    world, client_for, issued, django_capture_on_commit_callbacks
):
    _start(client_for(world.users["dept_1"]), issued.project, django_capture_on_commit_callbacks)
    job = PrintJob.objects.get()
    assert (job.status, job.total, job.certificates) == ("done", 1, 1)
    text = pdf_text(jobs.print_file(job).read_bytes())
    assert issued.permit.number in text and issued.skill.number not in text


@pytest.mark.parametrize(("who", "status"), [
    ("bureau", 302), ("county_a", 302), ("dept_1", 302), ("inst_1", 302),
    ("eval_1", 403), ("employer_1", 403),
    ("county_b", 404), ("dept_2", 404), ("inst_2", 404), ("worker_1", 404), ("outsider", 404),
])
def test_who_may_start_a_batch_print(
    world, client_for, issued, django_capture_on_commit_callbacks, who, status
):
    client = client_for(world.users[who])
    assert _start(client, issued.project, django_capture_on_commit_callbacks).status_code == status
    assert client.get(_url("project_prints", issued.project)).status_code == (
        200 if status == 302 else status)
    assert PrintJob.objects.count() == (1 if status == 302 else 0)


def test_batch_print_start_needs_post_and_sign_in(world, client, client_for, issued):
    assert client.post(_url("project_print_start", issued.project)).status_code == 302
    assert client_for(world.users["bureau"]).get(
        _url("project_print_start", issued.project)).status_code == 405
    assert not PrintJob.objects.exists()


def test_batch_print_without_font_ends_failed_and_shows_why(
    world, client_for, issued, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CJK_FONT = ""
    monkeypatch.setattr(fonts, "SEARCHED", ())
    client = client_for(world.users["bureau"])
    _start(client, issued.project, django_capture_on_commit_callbacks)
    job = PrintJob.objects.get()
    assert job.status == "failed" and "fonts-noto-cjk" in job.error
    assert job.finished_at is not None and not jobs.print_file(job).exists()
    page = client.get(_url("print_job", job)).content.decode()
    assert "fonts-noto-cjk" in page and "every 1s" not in page
    assert client.get(_url("print_job_download", job)).status_code == 404


def test_batch_print_with_an_unsigned_certificate_ends_failed_naming_it(
    world, client_for, issued, django_capture_on_commit_callbacks
):
    Certificate.objects.filter(pk=issued.single.pk).update(signed_payload="")
    _start(client_for(world.users["bureau"]), issued.project, django_capture_on_commit_callbacks)
    job = PrintJob.objects.get()
    assert job.status == "failed"
    assert issued.single.number in job.error and "sign-missing" in job.error
    assert [(c.from_state, c.to_state) for c in history(job)] == [
        ("queued", "running"), ("running", "failed")]


def test_batch_print_of_a_project_without_certificates_ends_failed(
    world, client_for, django_capture_on_commit_callbacks
):
    _start(client_for(world.users["bureau"]), world.project_2, django_capture_on_commit_callbacks)
    job = PrintJob.objects.get()
    assert job.status == "failed" and "no certificates" in job.error


def test_a_job_delivered_twice_prints_once(world, issued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.print_job_request(actor=world.users["bureau"], project=issued.project)
    assert jobs.print_job_run(job_id=job.pk) is None
    assert len(history(job)) == 2


def test_a_print_job_is_seen_by_its_requester_and_the_bureau_only(
    world, client_for, issued, django_capture_on_commit_callbacks
):
    _start(client_for(world.users["county_a"]), issued.project, django_capture_on_commit_callbacks)
    job = PrintJob.objects.get()
    for who, status in (("county_a", 200), ("bureau", 200), ("inst_1", 404), ("dept_1", 404),
                        ("outsider", 404)):
        client = client_for(world.users[who])
        assert client.get(_url("print_job", job)).status_code == status
        assert client.get(_url("print_job_download", job)).status_code == status
    listing = client_for(world.users["inst_1"]).get(_url("project_prints", issued.project))
    assert _url("print_job", job) not in listing.content.decode()


def test_job_page_polls_with_htmx_and_refreshes_without_js_until_finished(
    world, client_for, issued
):
    client = client_for(world.users["bureau"])
    # Not captured: the test's transaction never commits, so the job stays queued.
    job = jobs.print_job_request(actor=world.users["bureau"], project=issued.project)
    page = client.get(_url("print_job", job)).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'http-equiv="refresh"' in page
    partial = client.get(_url("print_job", job), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in partial and "<html" not in partial
    assert "0 of 0 pages" in partial
    jobs.print_job_run(job_id=job.pk)
    done = client.get(_url("print_job", job), headers={"HX-Request": "true"}).content.decode()
    assert "every 1s" not in done and _url("print_job_download", job) in done
    assert "2 of 2 pages" in done and 'value="100"' in done
    page = client.get(_url("print_job", job)).content.decode()
    assert 'http-equiv="refresh"' not in page


def test_project_page_links_printing_for_those_who_may_print(world, client_for, issued):
    link = _url("project_prints", issued.project)
    project_url = reverse("training:project", args=[issued.project.public_id])
    for who, shown in (("bureau", True), ("inst_1", True), ("eval_1", False),
                       ("employer_1", False)):
        page = client_for(world.users[who]).get(project_url)
        assert page.status_code == 200
        assert (link in page.content.decode()) == shown, who


def test_print_jobs_page_lists_the_recent_jobs_newest_first(
    world, client_for, issued, django_capture_on_commit_callbacks
):
    client = client_for(world.users["bureau"])
    for _ in range(2):
        _start(client, issued.project, django_capture_on_commit_callbacks)
    older, newer = PrintJob.objects.order_by("created_at", "id")
    content = client.get(_url("project_prints", issued.project)).content.decode()
    assert content.index(_url("print_job", newer)) < content.index(_url("print_job", older))
    assert content.count(_url("print_job_download", older)) == 1
    assert "3 certificates of this project can be printed by you." in content


# The worker closes its database connection after a batch, as a worker process does: that
# needs committed data rather than the test's open transaction.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_the_job_waits_for_a_worker_process(
    world, client_for, issued, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_for(world.users["county_a"])
    _start(client, issued.project, django_capture_on_commit_callbacks)
    job = PrintJob.objects.get()
    assert job.status == "queued"
    assert 'hx-trigger="every 1s"' in client.get(_url("print_job", job)).content.decode()
    run_queued_tasks()
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 2, 2)
    page = client.get(_url("print_job", job)).content.decode()
    assert _url("print_job_download", job) in page and "every 1s" not in page


def test_a_damaged_stored_payload_is_refused_not_crashed(world, client_for, issued):
    Certificate.objects.filter(pk=issued.permit.pk).update(signed_payload="DC1:not-a-payload")
    response = client_for(world.users["bureau"]).get(_url("certificate_pdf", issued.permit))
    assert response.status_code == 409
    assert "cannot be read" in response.content.decode()


def test_an_unexpected_error_ends_the_job_failed_and_is_logged(
    world, issued, settings, tmp_path, caplog, django_capture_on_commit_callbacks
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the print folder should be")
    settings.PRINT_DIR = blocker
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.print_job_request(actor=world.users["bureau"], project=issued.project)
    job.refresh_from_db()
    assert job.status == "failed" and "error in the system" in job.error
    assert f"print job {job.public_id} failed" in caplog.text
    assert issued.skill.worker.name not in caplog.text
