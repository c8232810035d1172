"""Generate the checked-in JSON Schema files from the pydantic models (the single source of truth)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from hadath_schemas.models import SCHEMA_VERSION, Article, DeadLetter, Event

JSON_DIR = Path(__file__).resolve().parents[1] / "json"
SCHEMA_BASE_URI = "https://hadath.invalid/schemas"  # an identifier, not a download location

MODELS: dict[str, type[BaseModel]] = {
    "article": Article,
    "event": Event,
    "dead_letter": DeadLetter,
}


def json_schema(name: str, model: type[BaseModel]) -> dict:
    schema = model.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE_URI}/{name}/{SCHEMA_VERSION}",
        "x-schema-version": SCHEMA_VERSION,
        **schema,
    }


def rendered() -> dict[Path, str]:
    """Every generated file and its exact content."""
    return {
        JSON_DIR / f"{name}.schema.json": json.dumps(json_schema(name, model), ensure_ascii=False, indent=2)
        + "\n"
        for name, model in MODELS.items()
    }


def write() -> list[Path]:
    JSON_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for path, content in rendered().items():
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written


def check() -> list[Path]:
    """Paths whose checked-in content differs from what the models generate."""
    return [
        path
        for path, content in rendered().items()
        if not path.exists() or path.read_text(encoding="utf-8") != content
    ]
