"""Errors raised while reading landing files."""

from __future__ import annotations

__all__ = ["IngestError", "RecordError", "UnknownSourceError"]


class IngestError(Exception):
    """Base class for ingest failures."""


class UnknownSourceError(IngestError):
    """A source name that ingest does not know."""


class RecordError(IngestError):
    """One landed record is unusable: names the field and what was wrong with it.

    Args:
        field: Dotted path of the offending field (``optical.ont_rx_power_dbm``), or ``""``
            when the record as a whole is unusable.
        reason: What was wrong, showing the offending value.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"field '{field}': {reason}" if field else reason)
        self.field = field
        self.reason = reason
