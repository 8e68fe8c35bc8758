"""Fixtures of the PDF layer: a throwaway signing key and the command-line image tools."""

import os
import shutil

import pytest
from django.test import override_settings

from reports.pdf.signing import write_self_signed_credentials


@pytest.fixture(scope="session")
def signing_files(tmp_path_factory):
    """A key and certificate for the tests, never the development key under var/."""
    return write_self_signed_credentials(
        tmp_path_factory.mktemp("signing"), common_name="Test labelling secretariat"
    )


@pytest.fixture(scope="module")
def signing_settings(signing_files):
    """The settings name ``signing_files`` for a whole module, so its renders can be shared."""
    key, cert = signing_files
    with override_settings(
        CERTIFICATE_SIGNING_KEY=str(key),
        CERTIFICATE_SIGNING_CERT=str(cert),
        CERTIFICATE_SIGNING_LOCATION="Brussels",
    ):
        yield


@pytest.fixture
def pdf_image_tools():
    """pdftoppm and zbarimg: the test skips without them locally and fails under CI (env CI)."""
    missing = [name for name in ("pdftoppm", "zbarimg") if shutil.which(name) is None]
    if missing:
        message = (
            f"needs {', '.join(missing)} (Debian packages poppler-utils and zbar-tools; "
            ".ci/run installs them)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
