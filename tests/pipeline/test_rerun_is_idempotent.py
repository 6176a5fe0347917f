"""Running the pipeline again over the same landing files changes nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from fiberops import settings
from ingest.schema import RAW_TABLES
from orchestration.headless import run_once


def _counts(home: Path) -> dict[str, int]:
    with duckdb.connect(str(settings.warehouse_path(home)), read_only=True) as con:
        counts = {t: con.execute(f"select count(*) from raw.{t}").fetchone()[0] for t in RAW_TABLES}
        counts["quarantine"] = con.execute("select count(*) from quarantine.records").fetchone()[0]
        counts["activations"] = con.execute("select count(*) from marts.activations").fetchone()[0]
    return counts


def test_second_run_ingests_nothing_twice(built_operator: Path, tmp_path: Path) -> None:
    home = tmp_path / "operator"  # a copy: other tests read the built operator meanwhile
    shutil.copytree(built_operator, home, ignore=shutil.ignore_patterns("*.duckdb.wal"))
    before = _counts(home)
    result = run_once(home)
    assert result.success
    assert _counts(home) == before
