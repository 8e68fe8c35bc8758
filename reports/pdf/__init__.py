"""The PDF layer: certificate and report rendering, QR code, chart and PAdES signing.

Pure functions over the dataclasses in ``reports.pdf.data``: nothing here reads or writes the
database, so the services that issue certificates decide what is rendered and what is stored.
"""
