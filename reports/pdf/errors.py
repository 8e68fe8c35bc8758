"""The rendering errors a person may read (kept apart so that reading them loads no WeasyPrint)."""


class PdfRenderingError(Exception):
    """A document could not be rendered, e.g. it refers to a file that is missing. Its message
    is meant for the secretariat: it names no path and holds no trace."""
