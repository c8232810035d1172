"""hadath's Arabic event extractor: ``extract(article) -> list[Event]``.

See README.md in this folder for the stages, the data files and how to extend them.
"""

from hadath.extractor.pipeline import EXTRACTOR_VERSION, extract

__all__ = ["EXTRACTOR_VERSION", "extract"]
