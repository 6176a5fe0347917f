"""On simulated operators, what the rules send to review is exactly what the simulator injected."""

from __future__ import annotations

import collections
import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from fiberops import settings
from simulator import rules


def _serving(home: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(settings.serving_path(home)), read_only=True)


def _truth(home: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(settings.truth_dir(home) / f"{name}.csv", keep_default_na=False, dtype=str)


def _landed_submissions(home: Path) -> dict[str, dict[str, Any]]:
    malformed = {
        (row.source_file, int(row.record_index))
        for row in _truth(home, "quarantine")
        .rename(columns={"_source_file": "source_file", "_record_index": "record_index"})
        .itertuples()
    }
    landed: dict[str, dict[str, Any]] = {}
    landing = settings.landing_dir(home)
    for path in sorted((landing / "completions").glob("completions_*.json")):
        relative = path.relative_to(landing).as_posix()
        for index, record in enumerate(json.loads(path.read_text())):
            if (relative, index) not in malformed:
                landed.setdefault(record["submission_id"], record)
    return landed


def test_review_queue_per_rule_equals_the_injected_defects(built_operator: Path) -> None:
    defects = _truth(built_operator, "defects")
    expected = collections.defaultdict(set)
    for row in defects.itertuples():
        expected[row.defect].add(row.entity_id)
    with _serving(built_operator) as con:
        queue = con.execute("select submission_id, failed_rules from marts.review_queue").fetchall()
    sent = collections.defaultdict(set)
    for submission_id, failed in queue:
        for rule in failed.split(","):
            sent[rule].add(submission_id)
    assert set(sent) <= set(rules.RULES)
    for rule in rules.RULES:
        assert expected[rule], f"the simulator injected no {rule} on this seed"
        assert sent[rule] == expected[rule], rule


def test_rule_results_equal_the_simulators_own_rules_for_every_rule(built_operator: Path) -> None:
    landed = _landed_submissions(built_operator)
    with _serving(built_operator) as con:
        results = con.execute(
            "select submission_id, rule, severity, is_failed, reason "
            "from marts.completion_rule_results"
        ).fetchall()
        addresses = dict(
            con.execute(
                "select w.work_order_id, [a.lat, a.lon] from marts.work_orders w "
                "join marts.addresses a using (address_id)"
            ).fetchall()
        )
    assert len(results) == len(landed) * len(rules.ALL_RULES)
    failing = collections.Counter()
    for submission_id, rule, severity, is_failed, reason in results:
        record = landed[submission_id]
        lat, lon = addresses[record["work_order_id"]]
        expected = rules.evaluate(record, lat, lon)[rule]
        assert is_failed == expected, (submission_id, rule, reason)
        assert severity == rules.SEVERITY[rule]
        assert (reason is not None) == is_failed, (submission_id, rule)
        failing[rule] += is_failed
    assert sum(failing[rule] for rule in rules.WARN_RULES) > 0, "no warn rule was flagged"


def test_open_reviews_never_activate_and_a_valid_correction_releases(built_operator: Path) -> None:
    truth = _truth(built_operator, "completions")
    valid_versions = collections.defaultdict(list)
    for row in truth.itertuples():
        if row.is_valid == "true":
            valid_versions[row.work_order_id].append(int(row.version))
    with _serving(built_operator) as con:
        queue = con.execute(
            "select submission_id, work_order_id, version, review_status, "
            "released_by_submission_id from marts.review_queue"
        ).fetchall()
        activated = {
            r[0] for r in con.execute("select work_order_id from marts.activations").fetchall()
        }
        in_review = {
            r[0]
            for r in con.execute(
                "select work_order_id from marts.work_orders where status = 'in_review'"
            ).fetchall()
        }
    statuses = collections.Counter(row[3] for row in queue)
    assert statuses["open"] > 0 and statuses["released"] > 0, statuses
    for submission_id, work_order_id, version, status, released_by in queue:
        later_valid = [v for v in valid_versions[work_order_id] if v > version]
        assert (status == "released") == bool(later_valid), submission_id
        assert (released_by is not None) == bool(later_valid)
        if not valid_versions[work_order_id]:
            assert work_order_id not in activated
            assert work_order_id in in_review
