"""The JSON Schema of ``eventlens.event/1`` and a validator for it."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator


def event_schema() -> dict[str, Any]:
    text = resources.files("eventlens.schema").joinpath("event.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@lru_cache(maxsize=1)
def event_validator() -> Draft202012Validator:
    """A validator for one event object (cached: the schema is immutable package data)."""
    return Draft202012Validator(event_schema())


def validate_event(obj: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` if ``obj`` is not a valid event."""
    event_validator().validate(obj)
