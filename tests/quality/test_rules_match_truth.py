"""On simulated operators, what the rules send to review is exactly what the simulator injected."""

from __future__ import annotations

import collections
import csv
import json
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from fiberops import settings
from ingest.otdr import OtdrError, read_trace
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


def _inventory(home: Path) -> set[str]:
    """Serials of the landed ONT inventory rows the truth does not quarantine."""
    malformed = {
        int(row.record_index)
        for row in _truth(home, "quarantine")
        .rename(columns={"_record_index": "record_index"})
        .itertuples()
        if row.source == "inventory"
    }
    path = settings.landing_dir(home) / "inventory" / "ont_inventory.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {row["serial_number"] for i, row in enumerate(rows) if i not in malformed}


def _traces(home: Path) -> dict[str, rules.TraceFacts]:
    """What each landed OTDR trace shows, read with the product's parser; unreadable ones absent."""
    facts = {}
    for path in sorted((settings.landing_dir(home) / "otdr").glob("*.sor")):
        try:
            trace = read_trace(path.read_bytes(), path.name)
        except OtdrError:
            continue
        if trace.fibre_length_m is not None and trace.total_loss_db is not None:
            facts[path.name] = rules.TraceFacts(
                trace.fibre_length_m, trace.total_loss_db, round(trace.wavelength_nm)
            )
    return facts


def _drop_lengths(home: Path) -> dict[str, float]:
    truth = _truth(home, "addresses")
    return {row.address_id: float(row.drop_distance_m or 0) for row in truth.itertuples()}


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
        addresses = {
            work_order_id: (lat, lon, address_id)
            for work_order_id, lat, lon, address_id in con.execute(
                "select w.work_order_id, a.lat, a.lon, address_id from marts.work_orders w "
                "join marts.addresses a using (address_id)"
            ).fetchall()
        }
    inventory = _inventory(built_operator)
    traces = _traces(built_operator)
    drops = _drop_lengths(built_operator)
    assert traces, "no OTDR trace landed"
    assert len(results) == len(landed) * len(rules.ALL_RULES)
    failing = collections.Counter()
    for submission_id, rule, severity, is_failed, reason in results:
        record = landed[submission_id]
        lat, lon, address_id = addresses[record["work_order_id"]]
        expected = rules.evaluate(record, lat, lon, inventory, drops[address_id], traces)[rule]
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
