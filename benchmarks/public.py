"""The public pages anyone may open, next to a trivial view (the same client and middleware, a
view that answers one line): the verification page and its API, and the registry's first page.

Goals (issue 19), as the time per request against the trivial view's: the verification page
and API at least half its rate (≤ 2x its time), the registry at least 0.3 of it (≤ 3.3x).
The pages are measured as kept for every visitor (reports.public_cache), and once more
built afresh, as after a change. Measured in-process with Django's test client (no HTTP
server), each request from another address (as visitors come; the per-address throttle never
answers 429 here).
"""

from __future__ import annotations

import itertools

from benchmarks.harness import interleaved, report

CALLS = 50


def run() -> str:
    from django.conf import settings
    from django.http import HttpResponse
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import path

    import config.urls
    from reports.models import Certificate, CertificateState

    certificate = Certificate.objects.filter(state=CertificateState.DONE).order_by("pk").first()
    if certificate is None:
        return "Public pages: no certificate issued by the benchmarks before this one; skipped"
    client = Client()
    addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count())

    def trivial(request):
        return HttpResponse("ok")

    def getter(url: str):
        def get(n: int) -> None:
            for _ in range(n):
                response = client.get(url, REMOTE_ADDR=next(addresses))
                assert response.status_code == 200, (url, response.status_code)

        return get

    urls = type("urls", (), {"urlpatterns": [path("trivial/", trivial), *config.urls.urlpatterns]})
    number = certificate.number
    pages = [
        ("GET /verify/<number>/", f"/verify/{number}/", 2),
        ("GET /api/v1/public/verify/<number>/", f"/api/v1/public/verify/{number}/", 2),
        ("GET /registry/ (first page)", "/registry/", 3.3),
    ]
    lines = []
    # Kept (reports.public_cache), as visitors meet them; then built afresh, as the first visitor
    # after a change meets them (no goal: what a change costs once).
    for kept, title in ((True, "Public page"), (False, "Public page, nothing kept")):
        cache_seconds = settings.PUBLIC_CACHE_SECONDS if kept else 0
        with override_settings(ROOT_URLCONF=urls, PUBLIC_CACHE_SECONDS=cache_seconds):
            for label, url, goal in pages:
                getter(url)(2)  # warm: templates, the first query of each kind
                subject, baseline = interleaved(
                    (label, getter(url)), ("GET of a trivial view", getter("/trivial/")), CALLS
                )
                lines.append(
                    report(f"{title}: {label}", subject, baseline, goal=goal if kept else None)
                )
    return "\n".join(lines)
