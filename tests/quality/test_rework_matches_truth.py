"""Truck rolls, rework and first-visit completion equal the simulator's truth on every seed.

The simulator sends some installs out twice (nobody home, no ONT on the van, a drop that fails
its light-level test) and logs every roll; its truth says which rolls are rework and why.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from fiberops import settings
from tests.truth_tables import mart_frame, truth_frame


def _rows(frame: pd.DataFrame) -> set[tuple[str, ...]]:
    return set(frame.itertuples(index=False, name=None))


def test_every_landed_truck_roll_is_one_row_with_its_address(built_operator: Path) -> None:
    truth = truth_frame(built_operator, "field_visits")
    mart = mart_frame(
        built_operator,
        "select visit_id, work_order_id, address_id, region, technician_id,"
        " strftime(arrived_at, '%Y-%m-%dT%H:%M:%SZ') as arrived_at,"
        " strftime(departed_at, '%Y-%m-%dT%H:%M:%SZ') as departed_at,"
        " outcome, exception_cause from marts.field_visits",
    )
    assert len(mart) == len(truth)
    assert _rows(mart) == _rows(truth)
    assert (truth["outcome"] == "incomplete").any(), "no unfinished roll on this seed"


def test_rework_is_every_repeat_roll_with_its_cause(built_operator: Path) -> None:
    truth = truth_frame(built_operator, "rework")
    mart = mart_frame(
        built_operator,
        "select visit_id, address_id, previous_visit_id, cause, days_since_previous"
        " from marts.rework",
    )
    assert len(truth) > 0, "no rework on this seed"
    assert _rows(mart) == _rows(truth)


def test_first_visit_completion_per_day_and_region(built_operator: Path) -> None:
    truth = truth_frame(built_operator, "first_visit_completion")
    mart = mart_frame(
        built_operator,
        "select strftime(visit_date, '%Y-%m-%d') as visit_date, region, first_visits,"
        " completed_on_first_visit, first_visit_completion_rate"
        " from marts.first_visit_completion",
    )
    assert _rows(mart.drop(columns="first_visit_completion_rate")) == _rows(truth)
    for row in mart.itertuples():
        rate = int(row.completed_on_first_visit) / int(row.first_visits)
        assert float(row.first_visit_completion_rate) == pytest.approx(rate, abs=5e-5)
    first = mart["first_visits"].astype(int).sum()
    done = mart["completed_on_first_visit"].astype(int).sum()
    assert 0 < done < first, "every first roll completed or none did"


def test_an_unfinished_roll_activates_nothing_and_its_return_visit_does(
    built_operator: Path,
) -> None:
    with duckdb.connect(str(settings.serving_path(built_operator)), read_only=True) as con:
        rows = con.execute(
            "select v.work_order_id, v.departed_at, a.activated_at"
            " from marts.field_visits v join marts.activations a using (work_order_id)"
            " where v.outcome = 'incomplete'"
        ).fetchall()
    assert rows, "no activated work order had an unfinished roll on this seed"
    for work_order_id, left_at, activated_at in rows:
        assert activated_at > left_at, work_order_id
