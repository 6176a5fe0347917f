"""Land files into the warehouse: parse, append raw rows and quarantine, remember the file.

Each file is loaded in one transaction together with its ``ops.ingested_files`` row, keyed
by the file's SHA-256, so a file is ingested once whatever its name, and a crash mid-file
leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from ingest.errors import UnknownSourceError
from ingest.parsed import ParsedFile
from ingest.schema import LINEAGE_COLUMNS, RAW_TABLES, ensure_schema
from ingest.sources import (
    addresses,
    billing_export,
    catalog,
    completions,
    disputes,
    inventory,
    orders,
    otdr_traces,
    payments,
    plant,
    technicians,
    visits,
)

__all__ = [
    "CHILD_TABLES",
    "SOURCES",
    "FileResult",
    "Source",
    "ingest_source",
    "landing_files",
    "load_file",
    "pending_files",
]


@dataclass(frozen=True)
class Source:
    """A kind of landing file: where it lands, how it parses, which raw tables it feeds."""

    name: str
    folder: str
    patterns: tuple[str, ...]
    parse: Callable[[bytes], ParsedFile]
    tables: tuple[str, ...]
    parse_file: Callable[[Path, bytes], ParsedFile] | None = None
    """Parser that also sees where the file landed (suffix, folder, sidecars); wins if set."""
    landing_patterns: tuple[str, ...] = ()
    """Further glob patterns relative to ``landing/`` itself (``leads/*.json``)."""


CHILD_TABLES = frozenset({"catalog_prices", "catalog_equipment_models", "order_items"})
"""Rows that belong to a landed record of another table and do not count as records."""

SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source(
            "addresses",
            "gis",
            ("addresses*.geojson", "addresses*.json"),
            addresses.parse,
            ("addresses",),
        ),
        Source(
            "plant",
            "gis",
            (
                "plant*.kmz",
                "plant*.kml",
                *(f"{plant.FEATURES_FOLDER}/*.{ext}" for ext in ("kmz", "kml", "geojson", "csv")),
                f"{plant.FEATURES_FOLDER}/*.json",
            ),
            plant.parse,
            ("olts", "pon_ports", "fdhs", "splitters", "gis_features"),
            parse_file=plant.parse_file,
        ),
        Source(
            "catalog",
            "catalog",
            ("*.yaml", "*.yml"),
            catalog.parse,
            ("catalog_offerings", "catalog_prices", "catalog_equipment_models"),
        ),
        Source(
            "orders",
            "orders",
            ("*.json", "*.csv"),
            orders.parse,
            ("order_events", "order_items", "order_disconnects", "leads"),
            parse_file=orders.parse_file,
            landing_patterns=("leads/*.json", "leads/*.csv"),
        ),
        Source("technicians", "technicians", ("*.json",), technicians.parse, ("technicians",)),
        Source("completions", "completions", ("*.json",), completions.parse, ("completions",)),
        Source("inventory", "inventory", ("*.csv",), inventory.parse, ("ont_inventory",)),
        Source("visits", "visits", ("*.json",), visits.parse, ("field_visits",)),
        Source(
            "billing_export",
            "billing",
            ("*.csv",),
            billing_export.parse,
            ("billing_subscriptions",),
        ),
        Source("payments", "payments", ("*.csv",), payments.parse, ("payments",)),
        Source("disputes", "disputes", ("*.csv",), disputes.parse, ("billing_disputes",)),
        Source(
            "otdr",
            "otdr",
            ("*.sor",),
            otdr_traces.parse,
            ("otdr_traces",),
            parse_file=otdr_traces.parse_file,
        ),
    )
}


@dataclass(frozen=True)
class FileResult:
    """What loading one file did."""

    source: str
    file_path: str
    sha256: str
    records: int
    raw_rows: int
    quarantined_rows: int
    skipped: bool = False


def _source(name: str) -> Source:
    try:
        return SOURCES[name]
    except KeyError:
        raise UnknownSourceError(f"unknown source {name!r}; known: {', '.join(SOURCES)}") from None


def landing_files(landing: Path, source: str) -> list[Path]:
    """The files of one source under ``landing/``, in name order."""
    spec = _source(source)
    folder = landing / spec.folder
    found: set[Path] = set()
    for pattern in spec.patterns:
        found.update(p for p in folder.glob(pattern) if p.is_file())
    for pattern in spec.landing_patterns:
        found.update(p for p in landing.glob(pattern) if p.is_file())
    return sorted(found)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def pending_files(con: duckdb.DuckDBPyConnection, landing: Path, source: str) -> list[Path]:
    """Files of a source whose content has not been ingested yet."""
    ensure_schema(con)
    known = {row[0] for row in con.execute("select sha256 from ops.ingested_files").fetchall()}
    return [p for p in landing_files(landing, source) if _sha256(p) not in known]


def _append(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict[str, object]]) -> None:
    columns = [*RAW_TABLES[table], *LINEAGE_COLUMNS]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    con.register("_incoming", frame)
    try:
        casts = ", ".join(
            f"cast({name} as {kind}) as {name}"
            for name, kind in {**RAW_TABLES[table], **LINEAGE_COLUMNS}.items()
        )
        names = ", ".join({**RAW_TABLES[table], **LINEAGE_COLUMNS})
        con.execute(f"insert into raw.{table} ({names}) select {casts} from _incoming")
    finally:
        con.unregister("_incoming")


def load_file(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    source: str,
    path: Path,
    schema_ready: bool = False,
) -> FileResult:
    """Ingest one landing file, unless a file with the same content already was.

    ``schema_ready``: the caller ran ``ensure_schema`` on this connection already.
    """
    spec = _source(source)
    if not schema_ready:
        ensure_schema(con)
    raw = path.read_bytes()
    sha = hashlib.sha256(raw).hexdigest()
    relative = path.relative_to(landing).as_posix() if path.is_relative_to(landing) else str(path)
    seen = con.execute(
        "select records, raw_rows, quarantined_rows from ops.ingested_files where sha256 = ?", [sha]
    ).fetchone()
    if seen is not None:
        records, raw_rows, quarantined = seen
        return FileResult(source, relative, sha, records, raw_rows, quarantined, skipped=True)

    parsed = spec.parse_file(path, raw) if spec.parse_file is not None else spec.parse(raw)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    raw_rows = sum(len(rows) for table, rows in parsed.rows.items() if table not in CHILD_TABLES)
    con.begin()
    try:
        for table, rows in parsed.rows.items():
            for row in rows:
                row["_source_file"] = relative
                row["_ingested_at"] = now
            _append(con, table, rows)
        for q in parsed.quarantined:
            con.execute(
                "insert into quarantine.records values (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    source,
                    relative,
                    q.record_index,
                    q.record_key,
                    q.field,
                    q.reason,
                    q.raw_record,
                    now,
                ],
            )
        con.execute(
            "insert into ops.ingested_files values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                source,
                relative,
                sha,
                len(raw),
                parsed.records,
                raw_rows,
                len(parsed.quarantined),
                now,
            ],
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return FileResult(source, relative, sha, parsed.records, raw_rows, len(parsed.quarantined))


def ingest_source(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    source: str,
    paths: Iterable[Path] | None = None,
) -> list[FileResult]:
    """Ingest every new file of a source (or the given files), in name order."""
    files = sorted(paths) if paths is not None else landing_files(landing, source)
    ensure_schema(con)
    return [load_file(con, landing, source, path, schema_ready=True) for path in files]
