"""Ingest: parse landing files into ``raw.*`` tables, with bad records kept in quarantine."""

from ingest.errors import IngestError, RecordError, UnknownSourceError
from ingest.loader import (
    SOURCES,
    FileResult,
    ingest_source,
    landing_files,
    load_file,
    pending_files,
)
from ingest.schema import ensure_schema

__all__ = [
    "SOURCES",
    "FileResult",
    "IngestError",
    "RecordError",
    "UnknownSourceError",
    "ensure_schema",
    "ingest_source",
    "landing_files",
    "load_file",
    "pending_files",
]
