"""Certificates, reports and the public registry are built here (see the certificate issue)."""
