"""hadath: geopolitical events from Arabic news, articles topic -> Faust agent -> events topic."""

__version__ = "0.2.0"
"""The one place the version is written: the package metadata (pyproject.toml reads it), the
`extractor` field of every event, `hadath --version` and the image tags follow it."""

EXTRACTOR_VERSION = f"hadath/{__version__}"
"""The ``extractor`` field of every event: which build of the pure extractor produced it."""
