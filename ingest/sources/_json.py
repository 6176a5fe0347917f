"""Loading JSON landing files whose top level is an array of records."""

from __future__ import annotations

import json
from typing import Any

from ingest.errors import RecordError

__all__ = ["load_json_array"]


def load_json_array(raw: bytes, what: str) -> list[Any]:
    """The records of a JSON array file.

    Raises:
        RecordError: The file is not JSON, or its top level is not an array.
    """
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise RecordError("", f"not valid JSON: {error}") from None
    if not isinstance(data, list):
        raise RecordError("", f"expected a JSON array of {what}, got {type(data).__name__}")
    return data
