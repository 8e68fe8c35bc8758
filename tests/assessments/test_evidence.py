"""Evidence files: the type is read from the content (never the name), the size is limited, the
file goes through Django's storage, a refused file leaves nothing behind, and a file is served
only to those who may see its application."""

import hashlib
import io
import random
import struct
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from PIL import Image

from assessments import services
from assessments.models import AssignmentStatus, Evidence
from assessments.services.evidence import UploadTooLarge, max_upload_bytes
from labelling.exceptions import ActionForbidden, InvalidInput, ServiceError, TransitionRefused
from labelling.models import ApplicationState as S
from tests import factories

PDF = factories.PDF_BYTES
CSV = b"code,value,comment\nSTR-1,42,letters\nSTR-2,40,register\n"


# --- Small real files, built the way their format defines them ------------------------------


def _zip(*members: tuple[str, bytes], first_stored: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, (name, data) in enumerate(members):
            stored = first_stored and n == 0
            archive.writestr(name, data, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _ooxml(part: str) -> bytes:
    """An Office Open XML package. libmagic knows it by "[Content_Types].xml" first, then a
    member under the part's folder ("xl/", "word/") after "_rels/.rels", as Office writes it."""
    return _zip(
        ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
        ("_rels/.rels", b'<?xml version="1.0"?><Relationships/>'),
        (part, b'<?xml version="1.0"?><root/>'),
    )


def _odt() -> bytes:
    """An OpenDocument text: its first member "mimetype", stored uncompressed, names the type."""
    return _zip(
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", b'<?xml version="1.0"?><office:document-content/>'),
        first_stored=True,
    )


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(buffer, kind)
    return buffer.getvalue()


def _elf() -> bytes:
    """The header of a 64-bit Linux executable."""
    return b"\x7fELF\x02\x01\x01\x00" + bytes(8) + struct.pack("<HHI", 2, 0x3E, 1) + bytes(100)


def _pe() -> bytes:
    """A Windows executable: an MS-DOS stub pointing at a PE header."""
    stub = bytearray(0x40)
    stub[0:2] = b"MZ"
    struct.pack_into("<H", stub, 0x18, 0x40)
    struct.pack_into("<I", stub, 0x3C, 0x40)
    header = b"PE\x00\x00" + struct.pack("<HHIIIHH", 0x14C, 1, 0, 0, 0, 0xE0, 0x102)
    return bytes(stub) + header + b"\x0b\x01" + bytes(300)


# --- Fixtures and helpers ------------------------------------------------------------------


@pytest.fixture
def draft(organisation, manager):
    """A BRONZE draft with no answer and no file yet."""
    return factories.ApplicationFactory(
        organisation=organisation, created_by=manager, self_assessed=False
    )


@pytest.fixture
def unassigned_expert(db):
    return factories.ExpertFactory(email="unassigned@example.org")


@pytest.fixture
def assessed(organisation, manager, lead_expert):
    """An application in assessment with ``lead_expert`` assigned; its self-assessment carries
    a PDF for STR-1 and GOV-1."""
    application = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.IN_ASSESSMENT
    )
    factories.AssignmentFactory(
        application=application, expert=lead_expert, status=AssignmentStatus.ACCEPTED
    )
    return application


@pytest.fixture
def pdf_evidence(assessed):
    return assessed.evidence.get(indicator__code="STR-1")


def _upload(application, actor, content: bytes, name: str, code="STR-1", **kwargs) -> Evidence:
    return services.evidence_upload(
        application=application,
        actor=actor,
        upload=ContentFile(content),
        name=name,
        indicator=application.methodology.indicators.get(code=code),
        **kwargs,
    )


def _stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _nothing_stored() -> bool:
    return not Evidence.objects.exists() and not _stored_files()


# --- Upload: accepted files ----------------------------------------------------------------


def test_evidence_upload_of_a_valid_pdf_is_stored_through_the_storage(draft, manager):
    evidence = _upload(draft, manager, PDF, "members.pdf")

    evidence.refresh_from_db()
    assert (evidence.original_name, evidence.content_type, evidence.uploaded_by) == (
        "members.pdf",
        "application/pdf",
        manager,
    )
    assert evidence.indicator.code == "STR-1"
    assert evidence.file.storage.exists(evidence.file.name)
    with evidence.file.open("rb") as stored:
        assert stored.read() == PDF
    assert _stored_files() == [Path(settings.MEDIA_ROOT) / evidence.file.name]


def test_evidence_upload_records_the_sha256_and_size(draft, manager):
    evidence = _upload(draft, manager, PDF, "members.pdf")

    assert (evidence.sha256, evidence.size) == (hashlib.sha256(PDF).hexdigest(), len(PDF))


def test_evidence_upload_stores_under_a_random_name_not_the_uploaders(draft, manager):
    evidence = _upload(draft, manager, PDF, "../../etc/members.pdf")

    assert evidence.file.name.startswith(f"evidence/{draft.pk}/")
    assert "members" not in evidence.file.name
    assert ".." not in evidence.file.name


@pytest.mark.parametrize(
    ("name", "build", "content_type"),
    [
        ("logo.png", lambda: _image("PNG"), "image/png"),
        ("board.jpg", lambda: _image("JPEG"), "image/jpeg"),
        (
            "members.xlsx",
            lambda: _ooxml("xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "strategy.docx",
            lambda: _ooxml("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("strategy.odt", _odt, "application/vnd.oasis.opendocument.text"),
        ("members.csv", lambda: CSV, "text/csv"),
    ],
    ids=["png", "jpeg", "xlsx", "docx", "odt", "csv"],
)
def test_evidence_upload_accepts_each_accepted_kind_of_file(
    draft, manager, name, build, content_type
):
    evidence = _upload(draft, manager, build(), name)

    assert evidence.content_type == content_type
    assert len(_stored_files()) == 1


# Zip-based documents are told apart by their members, not by the order a program wrote them in
# (libmagic reads the first bytes only) nor by their name.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = ("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
RELS = ("_rels/.rels", b'<?xml version="1.0"?><Relationships/>')
# Beyond the first 8 KB that libmagic reads: a picture does not compress.
THUMBNAIL = ("docProps/thumbnail.jpeg", random.Random(0).randbytes(16 * 1024))


@pytest.mark.parametrize(
    ("members", "content_type"),
    [
        ((RELS, CONTENT_TYPES, ("xl/workbook.xml", b"<workbook/>")), XLSX),
        ((CONTENT_TYPES, RELS, THUMBNAIL, ("xl/workbook.xml", b"<workbook/>")), XLSX),
        ((CONTENT_TYPES, RELS, THUMBNAIL, ("word/document.xml", b"<document/>")), DOCX),
    ],
    ids=["xlsx-relations-first", "xlsx-large-member-first", "docx-large-member-first"],
)
def test_evidence_upload_recognises_an_office_file_whatever_the_order_of_its_members(
    draft, manager, members, content_type
):
    evidence = _upload(draft, manager, _zip(*members), "figures.bin")

    assert evidence.content_type == content_type


def test_evidence_upload_of_an_xlsx_named_docx_is_recognised_as_xlsx(draft, manager):
    workbook = _zip(RELS, CONTENT_TYPES, ("xl/workbook.xml", b"<workbook/>"))

    evidence = _upload(draft, manager, workbook, "strategy.docx")

    assert evidence.content_type == XLSX


def test_evidence_upload_recognises_an_odt_whose_mimetype_member_is_compressed(draft, manager):
    document = _zip(
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", b'<?xml version="1.0"?><office:document-content/>'),
    )

    evidence = _upload(draft, manager, document, "strategy.odt")

    assert evidence.content_type == "application/vnd.oasis.opendocument.text"


@pytest.mark.parametrize(
    ("members", "detected"),
    [
        (
            (CONTENT_TYPES, RELS, ("ppt/presentation.xml", b"<presentation/>")),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        (
            (("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),),
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
        (
            (CONTENT_TYPES, ("word/document.xml", b"<d/>"), ("xl/workbook.xml", b"<w/>")),
            "application/zip",
        ),
    ],
    ids=["pptx", "ods", "both-word-and-xl"],
)
def test_evidence_upload_of_a_zip_based_file_not_accepted_names_what_it_is(
    draft, manager, members, detected
):
    with pytest.raises(InvalidInput) as refused:
        _upload(draft, manager, _zip(*members), "members.xlsx")

    assert f"(its content is {detected})" in refused.value.message
    assert _nothing_stored()


def test_evidence_upload_at_exactly_the_size_limit_is_accepted(draft, manager, settings):
    settings.EVIDENCE_MAX_BYTES = len(PDF)

    evidence = _upload(draft, manager, PDF, "members.pdf", declared_size=len(PDF))

    assert evidence.size == settings.EVIDENCE_MAX_BYTES


# --- Upload: refused files store nothing ---------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "detected"),
    [
        (_elf(), "members.pdf", "application/x-executable"),
        (_pe(), "strategy.docx", "application/vnd.microsoft.portable-executable"),
    ],
    ids=["elf-as-pdf", "pe-as-docx"],
)
def test_evidence_upload_of_a_renamed_executable_is_refused_and_stores_nothing(
    draft, manager, content, name, detected
):
    with pytest.raises(InvalidInput) as refused:
        _upload(draft, manager, content, name)

    assert refused.value.message == (
        f"This file is not an accepted kind of document (its content is {detected}). "
        "Accepted: PDF, PNG, JPEG, XLSX, DOCX, ODT, CSV."
    )
    assert (refused.value.field, refused.value.status_code) == ("file", 400)
    assert _nothing_stored()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"Just some notes, not a document.\n", "notes.pdf"),
        (CSV, "members.txt"),
        (b"code,value\nSTR-1,\x00\x00\n", "members.csv"),
        (_zip(("notes.txt", b"hello")), "members.xlsx"),
    ],
    ids=["text-as-pdf", "csv-named-txt", "binary-as-csv", "plain-zip-as-xlsx"],
)
def test_evidence_upload_judges_the_content_not_the_name(draft, manager, content, name):
    with pytest.raises(InvalidInput) as refused:
        _upload(draft, manager, content, name)

    assert refused.value.message.startswith("This file is not an accepted kind of document")
    assert _nothing_stored()


def test_evidence_upload_of_an_empty_file_is_refused_and_stores_nothing(draft, manager):
    with pytest.raises(InvalidInput) as refused:
        _upload(draft, manager, b"", "members.pdf")

    assert (refused.value.message, refused.value.field) == ("The file is empty.", "file")
    assert _nothing_stored()


def test_evidence_upload_of_an_oversized_file_is_refused_with_413_and_stores_nothing(
    draft, manager, settings
):
    settings.EVIDENCE_MAX_BYTES = 1024
    oversized = PDF + b"%" * (1025 - len(PDF))

    with pytest.raises(UploadTooLarge) as refused:
        _upload(draft, manager, oversized, "members.pdf")

    assert refused.value.status_code == 413
    assert refused.value.message == f"The file is larger than {filesizeformat(1024)}."
    assert _nothing_stored()


def test_evidence_upload_declared_larger_than_the_limit_is_refused_before_reading(
    draft, manager, settings
):
    settings.EVIDENCE_MAX_BYTES = 1024

    with pytest.raises(UploadTooLarge):
        _upload(draft, manager, PDF, "members.pdf", declared_size=1025)

    assert _nothing_stored()


def test_evidence_upload_limit_defaults_to_20_mb(settings):
    del settings.EVIDENCE_MAX_BYTES

    assert max_upload_bytes() == 20 * 1024 * 1024


def test_evidence_upload_by_another_organisations_manager_is_denied_and_stores_nothing(
    draft, other_manager
):
    with pytest.raises(ActionForbidden) as refused:
        _upload(draft, other_manager, PDF, "members.pdf")

    assert refused.value.message == "Only the organisation's managers add evidence."
    assert _nothing_stored()


def test_evidence_upload_to_the_self_assessment_by_an_assigned_expert_is_denied(
    assessed, lead_expert
):
    before = len(_stored_files())

    with pytest.raises(ActionForbidden) as refused:
        _upload(assessed, lead_expert, PDF, "members.pdf")

    assert refused.value.status_code == 403
    assert len(_stored_files()) == before


def test_evidence_upload_after_submission_is_refused_and_stores_nothing(organisation, manager):
    submitted = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.SUBMITTED, self_assessed=False
    )

    with pytest.raises(TransitionRefused) as refused:
        _upload(submitted, manager, PDF, "members.pdf")

    assert refused.value.status_code == 409
    assert refused.value.message == (
        "Evidence can be added to the self-assessment only while the application is a draft."
    )
    assert _nothing_stored()


# --- Delete ----------------------------------------------------------------------------------


def test_evidence_delete_removes_the_row_and_after_commit_the_file(
    draft, manager, django_capture_on_commit_callbacks
):
    evidence = _upload(draft, manager, PDF, "members.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_delete(evidence=evidence, actor=manager)

    assert _nothing_stored()


def test_evidence_delete_after_submission_is_denied_and_keeps_the_file(
    organisation, manager, django_capture_on_commit_callbacks
):
    submitted = factories.ApplicationFactory(
        organisation=organisation, created_by=manager, state=S.SUBMITTED
    )
    evidence = submitted.evidence.first()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ActionForbidden):
        services.evidence_delete(evidence=evidence, actor=manager)

    assert Evidence.objects.filter(pk=evidence.pk).exists()
    assert evidence.file.storage.exists(evidence.file.name)


def test_evidence_delete_by_another_organisations_manager_is_denied(draft, manager, other_manager):
    evidence = _upload(draft, manager, PDF, "members.pdf")

    with pytest.raises(ActionForbidden):
        services.evidence_delete(evidence=evidence, actor=other_manager)

    assert Evidence.objects.filter(pk=evidence.pk).exists()


# --- Open (the service behind the download) ------------------------------------------------


@pytest.mark.parametrize("viewer", ["manager", "lead_expert", "secretariat"])
def test_evidence_open_gives_the_file_to_those_who_may_see_the_application(
    pdf_evidence, request, viewer
):
    with services.evidence_open(evidence=pdf_evidence, viewer=request.getfixturevalue(viewer)) as f:
        assert f.read() == PDF


@pytest.mark.parametrize("viewer", ["other_manager", "unassigned_expert", "outsider"])
def test_evidence_open_by_anyone_else_is_denied(pdf_evidence, request, viewer):
    with pytest.raises(ActionForbidden):
        services.evidence_open(evidence=pdf_evidence, viewer=request.getfixturevalue(viewer))


def test_evidence_open_by_an_expert_who_declined_is_denied(assessed, pdf_evidence, second_expert):
    factories.AssignmentFactory(
        application=assessed, expert=second_expert, status=AssignmentStatus.DECLINED
    )

    with pytest.raises(ActionForbidden):
        services.evidence_open(evidence=pdf_evidence, viewer=second_expert)


def test_evidence_open_of_a_file_missing_from_the_storage_says_so(pdf_evidence, manager):
    pdf_evidence.file.storage.delete(pdf_evidence.file.name)

    with pytest.raises(ServiceError) as refused:
        services.evidence_open(evidence=pdf_evidence, viewer=manager)

    assert refused.value.message == "The stored file is missing; please tell the secretariat."


# --- Download page ---------------------------------------------------------------------------


def _download_url(evidence: Evidence) -> str:
    return reverse("evidence_download", args=[evidence.application_id, evidence.pk])


@pytest.mark.parametrize("viewer", ["manager", "lead_expert", "secretariat"])
def test_evidence_download_serves_the_file_as_an_attachment_to_allowed_people(
    client, pdf_evidence, request, viewer
):
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(_download_url(pdf_evidence))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="STR-1.pdf"'
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("viewer", ["other_manager", "unassigned_expert", "outsider"])
def test_evidence_download_by_anyone_else_is_not_found(client, pdf_evidence, request, viewer):
    client.force_login(request.getfixturevalue(viewer))

    response = client.get(_download_url(pdf_evidence))

    assert response.status_code == 404


def test_evidence_download_when_logged_out_redirects_to_the_login(client, pdf_evidence):
    url = _download_url(pdf_evidence)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('account_login')}?next={url}"


def test_evidence_download_through_another_application_is_not_found(
    client, pdf_evidence, organisation, manager
):
    other = factories.ApplicationFactory(organisation=organisation, created_by=manager)
    client.force_login(manager)

    response = client.get(reverse("evidence_download", args=[other.pk, pdf_evidence.pk]))

    assert response.status_code == 404
