"""The simulator's billing export and its ``truth/leaks.csv`` agree, on several seeds.

An independent reconciliation written here from the contract (the export against
``truth/activations.csv``, ``truth/invoices.csv`` for region and add-ons, and the catalog's
prices) must find exactly the leaks the simulator says it injected. No pipeline runs: each
operator is simulated in a fraction of a second.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import math
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from simulator import SimulationConfig, simulate
from simulator.legacy_billing import EXPORT_COLUMNS, EXPORT_PATH, LEAK_TYPES
from simulator.truth_files import README

SEEDS = (1, 2, 3, 7, 11)
CATALOG_YAML = Path(__file__).resolve().parents[2] / "catalog" / "catalog.yaml"


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _simulate(root: Path, seed: int, billing_leaks: int = 3) -> Path:
    home = root / f"seed{seed}-leaks{billing_leaks}"
    config = SimulationConfig(
        passings=800, days=20, seed=seed, start=dt.date(2026, 9, 1), billing_leaks=billing_leaks
    )
    simulate(config, home)
    return home


def _prices() -> dict[tuple[str, str], int]:
    catalog = yaml.safe_load(CATALOG_YAML.read_text())
    return {
        (o["offering_id"], region): cents
        for o in catalog["offerings"]
        for region, cents in o["monthly_price_cents"].items()
    }


def _reconcile(home: Path) -> set[tuple[str, str, int]]:
    """Leaks of the export by the contract's definitions, computed here on their own."""
    prices = _prices()
    bad = {
        int(q["_record_index"])
        for q in _csv(home / "truth" / "quarantine.csv")
        if q["source"] == "billing_export"
    }
    export = _csv(home / "landing" / EXPORT_PATH)
    rows_of: dict[str, list[dict[str, str]]] = {}
    for index, row in enumerate(export):
        if index not in bad and row["status"] == "active":
            rows_of.setdefault(row["order_id"], []).append(row)
    leaks: set[tuple[str, str, int]] = set()
    billed: dict[str, dict[str, str]] = {}
    for order_id, rows in rows_of.items():
        first, *extra = sorted(rows, key=lambda r: (r["billing_start_date"], r["account_id"]))
        billed[order_id] = first
        if extra:
            cents = sum(int(r["monthly_price_cents"]) for r in extra)
            leaks.add((order_id, "billed_twice", cents))
    invoices = {i["order_id"]: i for i in _csv(home / "truth" / "invoices.csv")}
    for activation in _csv(home / "truth" / "activations.csv"):
        order_id = activation["order_id"]
        region = invoices[order_id]["region"]
        addons = sorted(a for a in invoices[order_id]["addon_ids"].split(",") if a)
        owed = prices[(activation["offering_id"], region)] + sum(
            prices[(a, region)] for a in addons
        )
        row = billed.pop(order_id, None)
        if row is None:
            leaks.add((order_id, "delivered_not_billed", owed))
            continue
        if row["offering_id_billed"] != activation["offering_id"]:
            leaks.add((order_id, "tier_mismatch", owed - int(row["monthly_price_cents"])))
        elif sorted(a for a in row["addon_ids_billed"].split(";") if a) != addons:
            leaks.add((order_id, "addon_mismatch", owed - int(row["monthly_price_cents"])))
        day = dt.date.fromisoformat(activation["activated_at"][:10])
        late = (dt.date.fromisoformat(row["billing_start_date"]) - day).days
        if late > 0:
            month_days = calendar.monthrange(day.year, day.month)[1]
            cents = math.floor(Fraction(owed * late, month_days) + Fraction(1, 2))
            leaks.add((order_id, "billed_late", cents))
    for order_id, row in billed.items():
        leaks.add((order_id, "billed_not_delivered", int(row["monthly_price_cents"])))
    return leaks


def _injected(home: Path) -> list[dict[str, str]]:
    return _csv(home / "truth" / "leaks.csv")


@pytest.mark.parametrize("seed", SEEDS)
def test_truth_lists_exactly_the_leaks_the_export_holds(tmp_path: Path, seed: int) -> None:
    home = _simulate(tmp_path, seed)
    injected = _injected(home)
    assert {(r["order_id"], r["leak_type"], int(r["amount_cents"])) for r in injected} == (
        _reconcile(home)
    )
    causes = {r["cause"]: 0 for r in injected}
    for row in injected:
        causes[row["cause"]] += 1
    assert causes["no_billing_row"] == 3
    assert causes["billing_without_activation"] == 3
    assert causes["wrong_tier_keyed"] == 3
    assert causes["late_start"] == 3
    assert 1 <= causes["tier_changed_on_site"] <= 3
    assert 1 <= causes["addon_not_keyed"] <= 3
    assert causes["duplicate_account"] == 3
    assert {r["leak_type"] for r in injected} == set(LEAK_TYPES)


def test_without_leaks_the_export_reconciles_clean(tmp_path: Path) -> None:
    home = _simulate(tmp_path, 7, billing_leaks=0)
    assert _injected(home) == []
    assert _reconcile(home) == set()


def test_export_header_and_cancelled_rows(tmp_path: Path) -> None:
    home = _simulate(tmp_path, 11)
    with (home / "landing" / EXPORT_PATH).open(newline="") as handle:
        assert tuple(next(csv.reader(handle))) == EXPORT_COLUMNS
    rows = _csv(home / "landing" / EXPORT_PATH)
    cancelled = [r for r in rows if r["status"] == "cancelled"]
    assert cancelled, "some cancelled orders carry a never-billed BSS row"
    assert all(r["billing_start_date"] == "" for r in cancelled)
    for row in rows:  # the customer's account, or the duplicate one double billing it
        number = int(row["order_id"][3:])
        assert row["account_id"] in {f"ACC-{number:06d}", f"ACC-{800_000 + number:06d}"}


def test_truth_and_mart_define_amount_cents_identically() -> None:
    models = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "marts" / "leakage"
    document = yaml.safe_load((models / "_leakage__models.yml").read_text())
    [model] = [m for m in document["models"] if m["name"] == "revenue_leakage"]
    [column] = [c for c in model["columns"] if c["name"] == "amount_cents"]

    def definition(text: str) -> str:
        start = text.index("Prices are the catalog's")
        return " ".join(text[start:].split("\n## ")[0].split())

    assert definition(column["description"]) == definition(README.split("## leaks.csv")[1])
