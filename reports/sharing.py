"""Sharing a label: its image for link previews and embedding (made once per certificate, then
served from storage), the Open Graph card, and LinkedIn's "add to profile" link.

The image is drawn with Pillow (already there for WeasyPrint) in the DejaVu fonts the PDFs use;
the organisation's name is text on a bitmap, so nothing a person typed is interpreted.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from labelling.notifications import site_url
from reports.documents import organisation_language, verify_url
from reports.models import Certificate
from reports.pdf.render import LEVEL_COLOURS, printable

#: The size link previews expect (Open Graph, LinkedIn, X): 1.91 : 1.
WIDTH, HEIGHT = 1200, 630
INK, MUTED = "#1f2933", "#52606d"
LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    # Pillow finds the system's DejaVu fonts (the package the PDFs need) by file name.
    return ImageFont.truetype(name, size)


def _fitted(draw: ImageDraw.ImageDraw, text: str, name: str, size: int, width: int):
    """The font size at which ``text`` fits ``width``, shortened with an ellipsis if even the
    smallest does not."""
    while size > 22:
        font = _font(name, size)
        if draw.textlength(text, font=font) <= width:
            return text, font
        size -= 4
    font = _font(name, size)
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text + "…", font


def badge_png(certificate: Certificate) -> bytes:
    """The label's image: level, organisation, validity and number, in the organisation's
    language."""
    label = certificate.label
    colour = LEVEL_COLOURS.get(label.level, "#6B7280")
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, WIDTH - 1, HEIGHT - 1], outline=colour, width=24)
    with translation.override(organisation_language(label.organisation)):
        scheme = _("Cluster Management Excellence Label").upper()
        level = label.get_level_display()
        validity = _("Valid until %(date)s") % {"date": label.valid_until.isoformat()}
    draw.text((80, 80), scheme, font=_font("DejaVuSans.ttf", 30), fill=MUTED)
    draw.rounded_rectangle([80, 150, 520, 270], radius=12, fill=colour)
    draw.text((300, 210), level, font=_font("DejaVuSans-Bold.ttf", 72), fill=INK, anchor="mm")
    name, font = _fitted(
        draw, printable(label.organisation.name), "DejaVuSerif-Bold.ttf", 60, WIDTH - 160
    )
    draw.text((80, 330), name, font=font, fill=INK)
    draw.text((80, 450), validity, font=_font("DejaVuSans.ttf", 34), fill=MUTED)
    draw.text((80, 520), certificate.number, font=_font("DejaVuSansMono.ttf", 30), fill=MUTED)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def badge_url(certificate: Certificate) -> str:
    return site_url(reverse("verify_badge", args=[certificate.number]))


def badge_path(certificate: Certificate) -> str:
    return f"badges/{certificate.number}.png"


def badge_file(certificate: Certificate):
    """The stored image, drawn the first time it is asked for (then served as it is)."""
    path = badge_path(certificate)
    if not default_storage.exists(path):
        default_storage.save(path, ContentFile(badge_png(certificate)))
    return default_storage.open(path, "rb")


def linkedin_url(certificate: Certificate) -> str:
    """LinkedIn's "add to profile" link for a certification: its name, the issuer, the issue
    and expiry months, the certificate number and the verification address."""
    label = certificate.label
    issued = certificate.issued_at or label.valid_from
    return (
        LINKEDIN_ADD
        + "?"
        + urlencode(
            {
                "startTask": "CERTIFICATION_NAME",
                "name": _("Cluster Management Excellence Label %(level)s")
                % {"level": label.get_level_display()},
                "organizationName": settings.CERTIFICATE_ISSUER_NAME,
                "issueYear": issued.year,
                "issueMonth": issued.month,
                "expirationYear": label.valid_until.year,
                "expirationMonth": label.valid_until.month,
                "certUrl": verify_url(certificate.number),
                "certId": certificate.number,
            }
        )
    )
