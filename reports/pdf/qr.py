"""The verification URL as a QR code, inline SVG for the certificate template."""

import segno


def qr_svg(url: str) -> str:
    """An ``<svg>`` element (no XML declaration) that scales to the box CSS gives it.

    Error correction at least M (segno raises it when that fits in the same symbol size) so a
    crease or a smudge on a printed certificate still scans; the quiet zone of four modules is
    the minimum the standard asks for.
    """
    code = segno.make(url, error="m", micro=False)
    return code.svg_inline(scale=1, border=4, omitsize=True, dark="#000", light="#fff")
