"""Evidence files: checked by their content (not their name), stored through Django's storage
API (so S3 works by configuration), and served only to those who may see the application."""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from typing import IO

import magic
from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import ClarificationQuestion, Evidence, Indicator
from assessments.services.retention import EvidencePurged
from labelling.exceptions import (
    ActionForbidden,
    InvalidInput,
    ServiceError,
    TransitionRefused,
    UploadTooLarge,
)
from labelling.models import Application, ApplicationState, User
from labelling.rules import can, is_manager_of

#: The content type of each accepted kind of file (``_detect_type``), and the name shown to
#: people.
ACCEPTED_TYPES: dict[str, str] = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "text/csv": "CSV",
}
# libmagic often reports a CSV as plain text; it is accepted as CSV when the name says so.
TEXT_TYPES = {"text/plain", "text/csv"}
SNIFF_BYTES = 8192
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def max_upload_bytes() -> int:
    return getattr(settings, "EVIDENCE_MAX_BYTES", DEFAULT_MAX_BYTES)


#: An Office Open XML package's kind, by the folder of its main part.
OOXML_FOLDERS: dict[str, str] = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
ODF_PREFIX = "application/vnd.oasis.opendocument."
ZIP_SIGNATURE = b"PK\x03\x04"
#: What zipfile raises on a damaged, encrypted or exotic archive.
UNREADABLE_ZIP = (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError)


def _zip_package_type(upload: IO[bytes]) -> str:
    """The kind of a zip-based document, from its members: an Office Open XML package lists
    ``[Content_Types].xml`` and keeps its main part under ``word/``, ``xl/`` or ``ppt/``; an
    OpenDocument file names its type in its ``mimetype`` member. libmagic reads only the first
    bytes, so that the order a program wrote the members in (or a large first member) decided
    the kind. Any other zip, or one that is both, is ``application/zip``. Only the names and
    the first bytes of ``mimetype`` are read: nothing large is decompressed."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    declared = member.read(100).decode("ascii", "replace").strip()
                if declared.startswith(ODF_PREFIX):
                    return declared
    except (*UNREADABLE_ZIP, EOFError, OSError, ValueError, zlib.error):
        return "application/zip"
    if "[Content_Types].xml" in names:
        kinds = {
            kind
            for folder, kind in OOXML_FOLDERS.items()
            if any(name.startswith(folder) for name in names)
        }
        if len(kinds) == 1:
            return kinds.pop()
    return "application/zip"


def _detect_type(upload: IO[bytes], name: str) -> str:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if head.startswith(ZIP_SIGNATURE):
        detected = _zip_package_type(upload)
        upload.seek(0)
        return detected
    detected = magic.from_buffer(head, mime=True)
    if detected in TEXT_TYPES:
        if not name.lower().endswith(".csv") or b"\x00" in head:
            detected = "text/plain"
        else:
            detected = "text/csv"
    return detected


def digest_and_size(upload: IO[bytes]) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file, read in chunks; the file is left at its start."""
    upload.seek(0)
    digest = hashlib.sha256()
    size = 0
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    return digest.hexdigest(), size


def check_upload(
    upload: IO[bytes], name: str, declared_size: int | None = None
) -> tuple[str, str, int]:
    """Content type, SHA-256 and size of an acceptable file; ``InvalidInput`` for anything else."""
    limit = max_upload_bytes()
    if declared_size is not None and declared_size > limit:
        raise UploadTooLarge.over(limit)
    digest, size = digest_and_size(upload)
    if size == 0:
        raise InvalidInput(_("The file is empty."), field="file")
    if size > limit:
        raise UploadTooLarge.over(limit)
    content_type = _detect_type(upload, name)
    if content_type not in ACCEPTED_TYPES:
        raise InvalidInput(
            _(
                "This file is not an accepted kind of document (its content is %(type)s). "
                "Accepted: %(kinds)s."
            )
            % {"type": content_type, "kinds": ", ".join(ACCEPTED_TYPES.values())},
            field="file",
        )
    return content_type, digest, size


def _may_add_evidence(
    application: Application, actor: User, question: ClarificationQuestion | None
) -> None:
    if question is not None:
        allowed = can(actor, "assessments.answer_question", application) and application.state in (
            ApplicationState.IN_ASSESSMENT,
            ApplicationState.CONSENSUS,
        )
    else:
        allowed = can(actor, "assessments.edit_self_assessment", application)
    if not allowed:
        if question is None and is_manager_of(actor, application):
            raise TransitionRefused(
                _(
                    "Evidence can be added to the self-assessment only while the application "
                    "is a draft."
                ),
                current_state=application.state,
            )
        raise ActionForbidden(_("Only the organisation's managers add evidence."))


def evidence_upload(
    *,
    application: Application,
    actor: User,
    upload: IO[bytes],
    name: str,
    indicator: Indicator | None = None,
    question: ClarificationQuestion | None = None,
    declared_size: int | None = None,
) -> Evidence:
    """Check and store one file. Nothing is stored when the file is refused, and a file
    already written is removed again if the database row cannot be saved."""
    _may_add_evidence(application, actor, question)
    if indicator is not None and indicator.methodology_id != application.methodology_id:
        raise InvalidInput(
            _("This indicator is not part of the application's methodology."), field="indicator"
        )
    if question is not None and question.application_id != application.pk:
        raise InvalidInput(_("This question belongs to another application."), field="question")
    content_type, digest, size = check_upload(upload, name, declared_size)
    evidence = Evidence(
        application=application,
        indicator=indicator,
        question=question,
        original_name=name[-255:],
        content_type=content_type,
        size=size,
        sha256=digest,
        uploaded_by=actor,
    )
    evidence.file.save(name, File(upload), save=False)
    try:
        with transaction.atomic():
            evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, actor: User) -> None:
    if not can(actor, "assessments.edit_self_assessment", evidence.application):
        raise ActionForbidden(
            _("Evidence can be removed only by a manager while the application is a draft.")
        )
    name = evidence.file.name
    storage = evidence.file.storage
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))


def evidence_open(*, evidence: Evidence, viewer: User) -> File:
    """The stored file, for someone allowed to see the application; else ``ActionForbidden``
    (``EvidencePurged`` once the retention period removed it)."""
    if not can(viewer, "labelling.view_application", evidence.application):
        raise ActionForbidden(_("You may not see this application's evidence."))
    if evidence.purged_at is not None:
        raise EvidencePurged(
            _("This file was removed after the retention period; its record stays.")
        )
    try:
        return evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise ServiceError(_("The stored file is missing; please tell the secretariat.")) from exc
