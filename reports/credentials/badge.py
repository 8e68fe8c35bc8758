"""A label as an Open Badges 3.0 ``OpenBadgeCredential``: built from the label, signed with
the scheme's current key, kept as signed, and served as JSON or baked into the label's PNG.

- issuer: the secretariat's profile, identified by the site's ``did:web``;
- subject: the organisation (its name, website and country as OB identity objects);
- achievement: the level of the methodology version, with its criteria, one per level and
  version (its ``id`` resolves to it);
- validity: the label's, from its first to its last day;
- status: its entries in the revocation and the suspension list.

The texts are in the organisation's language, like its certificate.
"""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pyld.jsonld import JsonLdError

from labelling.models import Level
from labelling.notifications import site_url
from reports import did, sharing
from reports.credentials import proof, status
from reports.documents import organisation_language
from reports.models import Certificate, Credential

#: The PNG text chunk of a baked badge (Open Badges 3.0, "Baking": iTXt, this keyword).
BAKED_KEYWORD = "openbadgecredential"
MEDIA_TYPE = "application/vc"


def credential_url(number: str) -> str:
    return site_url(reverse("credential", args=[number]))


def achievement_url(methodology, level: str) -> str:
    return site_url(reverse("achievement", args=[methodology.code, methodology.version, level]))


def issuer_profile() -> dict:
    return {
        "id": did.scheme_did(),
        "type": ["Profile"],
        "name": settings.CERTIFICATE_ISSUER_NAME,
        "url": site_url("/"),
    }


def _criteria(methodology, level: str) -> str:
    if level == Level.GOLD:
        return _(
            "Two accredited experts from at least %(countries)d countries assessed the cluster "
            "management organisation on site against the GOLD indicators of %(methodology)s: "
            "every minimum requirement is met and the score is at least %(score)s %% of the "
            "maximum."
        ) % {
            "countries": methodology.gold_min_expert_countries,
            "methodology": methodology.name,
            "score": format(Decimal(methodology.gold_min_score_pct).normalize(), "f"),
        }
    if level == Level.SILVER:
        return _(
            "A second benchmarking against %(methodology)s after a BRONZE label: at least "
            "%(areas)d improvement areas validated by the experts and every GOLD minimum "
            "requirement met."
        ) % {"methodology": methodology.name, "areas": methodology.silver_min_improvement_areas}
    return _(
        "An expert benchmarked the cluster management organisation against %(methodology)s: "
        "the assessment is complete and every eligibility criterion is met."
    ) % {"methodology": methodology.name}


def achievement(methodology, level: str, language: str) -> dict:
    """The achievement a label of ``level`` under ``methodology`` stands for."""
    url = achievement_url(methodology, level)
    with translation.override(language):
        level_name = Level(level).label
        return {
            "id": url,
            "type": ["Achievement"],
            "achievementType": "QualityAssuranceCredential",
            "name": _("Cluster Management Excellence Label %(level)s") % {"level": level_name},
            "description": _(
                "Quality label of a cluster management organisation, awarded by %(issuer)s "
                "after an assessment by accredited experts."
            )
            % {"issuer": settings.CERTIFICATE_ISSUER_NAME},
            "criteria": {
                "id": url,
                "narrative": _criteria(methodology, level),
            },
            "image": {"id": site_url(static("img/scheme-logo.svg")), "type": "Image"},
            "version": methodology.version,
            "inLanguage": language,
        }


def _day_start(day: datetime.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _day_end(day: datetime.date) -> str:
    return f"{day.isoformat()}T23:59:59Z"


def _subject(certificate: Certificate, language: str) -> dict:
    organisation = certificate.label.organisation
    identifiers = [("name", organisation.legal_name or organisation.name)]
    identifiers.append(("ext:countryCode", str(organisation.country.code)))
    subject = {
        "type": ["AchievementSubject"],
        "name": organisation.name,
        "identifier": [
            {"type": "IdentityObject", "identityType": kind, "hashed": False, "identityHash": value}
            for kind, value in identifiers
        ],
        "achievement": achievement(
            certificate.label.application.methodology, certificate.label.level, language
        ),
    }
    if organisation.website:
        subject["url"] = organisation.website
    return subject


def unsigned_credential(certificate: Certificate, number: int, index: int) -> dict:
    label = certificate.label
    language = organisation_language(label.organisation)
    subject = _subject(certificate, language)
    return {
        "@context": [proof.VC_V2, proof.OB_V3],
        "id": credential_url(certificate.number),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": subject["achievement"]["name"],
        "issuer": issuer_profile(),
        "validFrom": _day_start(label.valid_from),
        "validUntil": _day_end(label.valid_until),
        "awardedDate": proof.xsd_datetime(certificate.issued_at),
        "image": {"id": sharing.badge_url(certificate), "type": "Image"},
        "credentialSubject": subject,
        "credentialStatus": status.entries(number, index),
    }


def _signed(certificate: Certificate, number: int, index: int) -> dict:
    method, key = did.current_method()
    return proof.sign(
        unsigned_credential(certificate, number, index),
        key=key,
        verification_method=method,
        created=proof.xsd_datetime(timezone.now()),
    )


def issue(certificate: Certificate) -> Credential:
    """The certificate's credential, signed now unless it has one of its current revision.

    A certificate rendered again gets its credential signed again, at the same place in the
    status lists (so a revocation still reaches every copy)."""
    existing = Credential.objects.filter(certificate=certificate).first()
    if existing is not None:
        if existing.revision != certificate.revision:
            existing.document = _signed(certificate, existing.status_list, existing.status_index)
            existing.revision = certificate.revision
            existing.save(update_fields=["document", "revision"])
        return existing

    def build(number: int, index: int) -> Credential:
        return Credential(
            certificate=certificate,
            status_list=number,
            status_index=index,
            revision=certificate.revision,
            document=_signed(certificate, number, index),
        )

    try:
        return status.place_and_create(build)
    except IntegrityError:
        # Issued meanwhile by a concurrent request or worker (the certificate is unique).
        existing = Credential.objects.filter(certificate=certificate).first()
        if existing is None:
            raise
        return existing


def baked_png(credential: Credential) -> bytes:
    """The label's image with its credential inside (an iTXt chunk, as Open Badges bakes)."""
    with sharing.badge_file(credential.certificate) as handle:
        image = Image.open(handle)
        image.load()
    info = PngInfo()
    info.add_itxt(BAKED_KEYWORD, json.dumps(credential.document, ensure_ascii=False), zip=False)
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def public_key(method: str):
    """The scheme's key (current or retired) behind a verification method, or ``None``."""
    for key in did.signing_keys():
        if did.method_id(key) == method:
            return key.public_key()
    return None


def check(document: dict) -> dict:
    """This site's own reading of a credential: whether the proof holds and what its status
    lists say now (the independent check is the interoperability test's)."""
    try:
        proof.verify(document, public_key=public_key)
    except (proof.ProofError, JsonLdError, KeyError, TypeError, ValueError) as exc:
        return {"verified": False, "error": str(exc), "revoked": None, "suspended": None}
    flags = {}
    for entry in document.get("credentialStatus", []):
        number = int(entry["statusListCredential"].rstrip("/").rsplit("/", 1)[-1])
        published = status.published(entry["statusPurpose"], number)
        bits = status.decode(published.document["credentialSubject"]["encodedList"])
        flags[entry["statusPurpose"]] = status.is_set(bits, int(entry["statusListIndex"]))
    revoked, suspended = flags.get("revocation", False), flags.get("suspension", False)
    # A set suspension bit fails verification while it is set, as a revocation bit does for
    # good (Bitstring Status List: "suspension" is a temporary invalidation), and as the
    # independent verifier of tests/interop answers.
    verified = not (revoked or suspended)
    return {"verified": verified, "error": "", "revoked": revoked, "suspended": suspended}
