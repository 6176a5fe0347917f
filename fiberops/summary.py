"""Counts a person checks after a run: landed records per source, rows per mart."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fiberops.warehouse import read_only

__all__ = ["SourceCounts", "landing_summary", "mart_counts"]


@dataclass(frozen=True)
class SourceCounts:
    """Per source: files ingested, records landed, and where they went."""

    source: str
    files: int
    records: int
    raw: int
    quarantined: int


def landing_summary(warehouse: Path) -> list[SourceCounts]:
    """Landed, raw and quarantined record counts per source, from ``ops.ingested_files``."""
    if not warehouse.exists():
        return []
    with read_only(warehouse) as con:
        rows = con.execute(
            "select source, count(*), sum(records), sum(raw_rows), sum(quarantined_rows) "
            "from ops.ingested_files group by source order by source"
        ).fetchall()
    return [SourceCounts(str(r[0]), *(int(v) for v in r[1:])) for r in rows]


def mart_counts(serving: Path) -> dict[str, int]:
    """Rows per published mart."""
    if not serving.exists():
        return {}
    with read_only(serving) as con:
        tables = con.execute(
            "select schema_name || '.' || table_name, estimated_size from duckdb_tables() "
            "order by 1"
        ).fetchall()
        return {
            name: int(con.execute(f"select count(*) from {name}").fetchone()[0])  # type: ignore[index]
            for name, _ in tables
        }
