"""What parsing one landing file yields: rows for raw tables and quarantined records."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ingest.errors import RecordError

__all__ = [
    "ParsedFile",
    "Quarantined",
    "Rows",
    "parse_csv",
    "parse_records",
    "unreadable_file",
]

Rows = dict[str, list[dict[str, Any]]]
"""Rows to append, by raw table name (without the lineage columns)."""


@dataclass(frozen=True)
class Quarantined:
    """A landed record that could not become a raw row, and why."""

    record_index: int
    record_key: str | None
    field: str
    reason: str
    raw_record: str


@dataclass
class ParsedFile:
    """The outcome of parsing one landing file.

    Attributes:
        records: How many records the file landed (raw rows of the counted table plus
            quarantined records).
        rows: Rows for each raw table; child rows (order items, prices) carry the
            position of their parent record.
        quarantined: Records kept aside with the field and the reason.
    """

    records: int = 0
    rows: Rows = field(default_factory=dict)
    quarantined: list[Quarantined] = field(default_factory=list)

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows.setdefault(table, []).append(row)


def _as_text(record: Any) -> str:
    try:
        return json.dumps(record, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr(record)


def _key_of(record: Any, key_fields: tuple[str, ...]) -> str | None:
    if not isinstance(record, dict):
        return None
    for name in key_fields:
        value: Any = record
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, (str, int)) and not isinstance(value, bool):
            return str(value)
    return None


def parse_records(
    records: Iterable[tuple[int, Any]],
    parse_one: Callable[[Any, int, ParsedFile], None],
    *,
    key_fields: tuple[str, ...],
) -> ParsedFile:
    """Parse records one by one; a record that raises ``RecordError`` is quarantined.

    Args:
        records: ``(position in file, record)`` pairs.
        parse_one: Adds the record's rows to the ``ParsedFile`` or raises ``RecordError``.
            It must add nothing before it has validated the whole record.
        key_fields: Dotted paths tried in turn for a readable record id.
    """
    parsed = ParsedFile()
    for index, record in records:
        parsed.records += 1
        staged = ParsedFile()
        try:
            if not isinstance(record, dict):
                raise RecordError("", f"expected an object, got {type(record).__name__}")
            parse_one(record, index, staged)
        except RecordError as error:
            parsed.quarantined.append(
                Quarantined(
                    record_index=index,
                    record_key=_key_of(record, key_fields),
                    field=error.field,
                    reason=error.reason,
                    raw_record=_as_text(record),
                )
            )
            continue
        for table, rows in staged.rows.items():
            for row in rows:
                parsed.add(table, {**row, "_record_index": index})
    return parsed


def unreadable_file(reason: str, raw: bytes) -> ParsedFile:
    """A file that cannot be opened at all: one landed record, quarantined whole."""
    return ParsedFile(
        records=1,
        quarantined=[
            Quarantined(
                record_index=-1,
                record_key=None,
                field="",
                reason=reason,
                raw_record=raw[:2000].decode("utf-8", errors="replace"),
            )
        ],
    )


def parse_csv(
    raw: bytes,
    what: str,
    columns: Sequence[str],
    parse_one: Callable[[Any, int, ParsedFile], None],
    key_fields: tuple[str, ...],
) -> ParsedFile:
    """Parse a UTF-8 CSV file with a header: each data row is one landed record.

    A file that is not UTF-8, or whose header lacks one of ``columns`` (any order, extra
    columns allowed), is quarantined whole, the reason naming ``what`` it should have been.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return unreadable_file(f"not UTF-8 CSV text: {error}", raw)
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        return unreadable_file(f"{what} lacks the columns {missing}", raw)
    return parse_records(enumerate(reader), parse_one, key_fields=key_fields)
