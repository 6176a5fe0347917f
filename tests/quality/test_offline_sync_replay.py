"""Offline sync: a shuffled replay with re-deliveries yields the same marts as the ordered one."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from fiberops import settings
from orchestration.headless import run_once

MARTS = {
    "completions": "submission_id",
    "review_queue": "submission_id",
    "completion_rule_results": "submission_id, rule",
    "work_orders": "work_order_id",
    "activations": "work_order_id",
    "kpi_daily": "kpi_date",
}


def _marts(home: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(settings.serving_path(home)), read_only=True) as con:
        return {
            name: con.execute(f"select * from marts.{name} order by {key}").df()
            for name, key in MARTS.items()
        }


def _shuffle_completions(landing: Path, rng: random.Random) -> int:
    """Rename the daily files into a shuffled arrival order and add a file of re-deliveries.

    Returns:
        How many records were delivered again.
    """
    folder = landing / "completions"
    files = sorted(folder.glob("completions_*.json"))
    contents = [path.read_bytes() for path in files]
    for path in files:
        path.unlink()
    order = list(range(len(files)))
    rng.shuffle(order)
    for position, index in enumerate(order):
        (folder / f"completions_batch_{position * 2 + 1:04d}.json").write_bytes(contents[index])
    records = [r for content in contents for r in json.loads(content)]
    again = rng.sample(records, max(1, len(records) // 5))
    # Arrives before most batches: some re-deliveries precede their first delivery.
    (folder / "completions_batch_0002.json").write_text(json.dumps(again[::-1]))
    return len(again)


def test_shuffled_replay_with_duplicates_gives_the_same_marts(
    built_operator: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    replay = tmp_path / "replay"
    shutil.copytree(settings.landing_dir(built_operator), settings.landing_dir(replay))
    again = _shuffle_completions(settings.landing_dir(replay), random.Random(built_operator.name))
    monkeypatch.setenv("FIBEROPS_HOME", str(replay))

    result = run_once(replay)

    assert result.success, result.failed_checks
    ordered, shuffled = _marts(built_operator), _marts(replay)
    for name in MARTS:
        assert len(ordered[name]) > 0, name
        pd.testing.assert_frame_equal(shuffled[name], ordered[name], obj=f"marts.{name}")
    with duckdb.connect(str(settings.warehouse_path(replay)), read_only=True) as con:
        delivered = con.execute("select count(*) from raw.completions").fetchone()[0]
    with duckdb.connect(str(settings.warehouse_path(built_operator)), read_only=True) as con:
        before = con.execute("select count(*) from raw.completions").fetchone()[0]
    assert before < delivered <= before + again
