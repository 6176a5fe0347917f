"""Marts and truth files as frames of text, so a mart compares cell for cell with its truth."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from fiberops import settings

__all__ = ["mart_frame", "truth_frame"]


def truth_frame(home: Path, name: str) -> pd.DataFrame:
    """``truth/<name>.csv`` of the operator at ``home``, every cell as text (empty = null)."""
    return pd.read_csv(settings.truth_dir(home) / f"{name}.csv", keep_default_na=False, dtype=str)


def mart_frame(home: Path, sql: str) -> pd.DataFrame:
    """The rows of ``sql`` on the serving copy as text, as truth CSV cells read (null = empty)."""
    with duckdb.connect(str(settings.serving_path(home)), read_only=True) as con:
        cursor = con.execute(sql)
        names = [column[0] for column in cursor.description]
        rows = [["" if v is None else str(v) for v in row] for row in cursor.fetchall()]
    return pd.DataFrame(rows, columns=names)
