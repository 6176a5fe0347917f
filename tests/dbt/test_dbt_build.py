"""`dbt build` of dbt_project/ on the hand-made raw fixture, then checks of what the marts hold.

One build per module (about 15 s); every test reads the resulting warehouse read-only.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from make_raw_fixture import RAW_TABLES, build_raw_fixture

from actions.billing.config import dbt_vars, load_billing_config

pytestmark = pytest.mark.filterwarnings("error")

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


def _dbt_executable() -> str:
    beside_python = Path(sys.executable).parent / "dbt"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("dbt")
    if found is None:
        pytest.fail("dbt executable not found next to the interpreter or on PATH")
    return found


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Raw fixture built into a temp FIBEROPS_HOME, then `dbt build` run on it."""
    home = tmp_path_factory.mktemp("fiberops_home")
    db_path = build_raw_fixture(home / "warehouse.duckdb")
    env = {**os.environ, "FIBEROPS_HOME": str(home), "DO_NOT_TRACK": "1"}
    result = subprocess.run(
        [
            _dbt_executable(),
            "build",
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--target-path",
            str(home / "dbt_target"),
            "--log-path",
            str(home / "dbt_logs"),
            "--vars",
            json.dumps(dbt_vars(load_billing_config())),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"dbt build failed:\n{result.stdout[-6000:]}\n{result.stderr}"
    assert "WARN=0 ERROR=0 SKIP=0" in result.stdout, result.stdout[-6000:]
    return db_path


def _rows(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def _by_key(warehouse: Path, sql: str) -> dict[Any, tuple[Any, ...]]:
    return {row[0]: row[1:] for row in _rows(warehouse, sql)}


def test_marts_have_the_contract_columns(warehouse: Path) -> None:
    expected = {
        "addresses": "address_id, house_number, street, unit, city, postcode, region, lat, lon,"
        " serviceability, olt_id, pon_port_id, fdh_id, splitter_id, drop_distance_m",
        "orders": "order_id, customer_id, channel, address_id, region, offering_id, ordered_at,"
        " requested_start_at, state, cancelled_at, monthly_price_cents",
        "work_orders": "work_order_id, order_id, address_id, job_type, status, technician_id,"
        " completed_at, activated_at",
        "completions": "submission_id, work_order_id, version, technician_id, submitted_at,"
        " completed_at, ont_serial, offering_id_delivered, ont_rx_power_dbm, gps_distance_m,"
        " photo_count, failed_rules, is_valid",
        "activations": "work_order_id, order_id, address_id, customer_id, region, ont_serial,"
        " offering_id, activated_at, hours_order_to_activation",
        "kpi_daily": "kpi_date, orders, installs, activations, median_hours_order_to_activation",
        "review_hours_daily": "review_date, region, entered_review, released, still_open,"
        " hours_in_review, median_hours_in_review, mean_hours_in_review",
        "dispatch_to_completion_daily": "completion_date, region, work_orders_completed,"
        " median_hours_dispatch_to_completion, p90_hours_dispatch_to_completion,"
        " mean_hours_dispatch_to_completion, max_hours_dispatch_to_completion",
        "billing_dispute_rate_monthly": "invoice_month, region, invoices_issued,"
        " invoices_disputed, dispute_rate, disputes_open, credited_cents",
    }
    for table, columns in expected.items():
        rows = _rows(
            warehouse,
            "select column_name from information_schema.columns"
            f" where table_schema = 'marts' and table_name = '{table}' order by ordinal_position",
        )
        assert [name for (name,) in rows] == columns.split(", "), table


def test_mart_column_types(warehouse: Path) -> None:
    types = _by_key(
        warehouse,
        "select table_name || '.' || column_name, data_type from information_schema.columns"
        " where table_schema = 'marts'",
    )
    assert types["orders.monthly_price_cents"] == ("INTEGER",)
    assert types["orders.ordered_at"] == ("TIMESTAMP",)
    assert types["addresses.drop_distance_m"] == ("DOUBLE",)
    assert types["activations.hours_order_to_activation"] == ("DOUBLE",)
    assert types["kpi_daily.kpi_date"] == ("DATE",)
    assert types["completions.is_valid"] == ("BOOLEAN",)


def test_addresses_are_classified_by_nearest_splitter_within_reach(warehouse: Path) -> None:
    addresses = _by_key(
        warehouse,
        "select address_id, serviceability, splitter_id, olt_id, street, drop_distance_m"
        " from marts.addresses",
    )
    assert len(addresses) == 14
    assert addresses["ADR-000001"][:4] == ("serviceable", "SPL-0001", "OLT-01", "Maple Avenue")
    assert addresses["ADR-000001"][4] == pytest.approx(55.6, abs=0.1)
    assert addresses["ADR-000002"][:2] == ("pre_build", "SPL-0002")
    assert addresses["ADR-000003"] == ("out_of_footprint", None, None, "Maple Avenue", None)
    assert addresses["ADR-000004"][:2] == ("serviceable", "SPL-0001")
    assert addresses["ADR-000004"][4] == pytest.approx(275.3, abs=0.5)
    assert addresses["ADR-000005"][:2] == ("out_of_footprint", None)


def test_orders_carry_latest_state_and_tier(warehouse: Path) -> None:
    orders = _by_key(
        warehouse,
        "select order_id, state, cancelled_at, offering_id, monthly_price_cents, region"
        " from marts.orders",
    )
    assert len(orders) == 11
    assert orders["PO-000002"][:2] == ("cancelled", datetime(2026, 9, 2, 8, 55))
    assert orders["PO-000001"] == ("acknowledged", None, "fiber-500", 6500, "central")
    assert orders["PO-000005"][3] == 6500  # no price on the item: catalog price of the region


def test_completions_are_judged_rule_by_rule(warehouse: Path) -> None:
    completions = _by_key(
        warehouse, "select submission_id, is_valid, failed_rules from marts.completions"
    )
    assert len(completions) == 11  # SUB-0000001 was delivered twice
    assert completions["SUB-0000001"] == (True, "")
    assert completions["SUB-0000002"] == (False, "missing_photos")
    assert completions["SUB-0000004"] == (False, "gps_off_premise")
    assert completions["SUB-0000005"] == (False, "low_rx_power")
    assert completions["SUB-0000006"] == (False, "wrong_serial")
    assert completions["SUB-0000007"] == (
        False,
        "missing_photos,gps_off_premise,low_rx_power,wrong_serial",
    )


def test_activations_follow_the_spine_definition(warehouse: Path) -> None:
    activations = _by_key(
        warehouse,
        "select work_order_id, activated_at, offering_id, hours_order_to_activation, region"
        " from marts.activations",
    )
    assert set(activations) == {"WO-000001", "WO-000003", "WO-000008", "WO-000009", "WO-000010"}
    # Correction: v1 missed a photo, v2 is valid -> activated when v2 arrived.
    assert activations["WO-000003"][:2] == (datetime(2026, 9, 6, 9, 0), "fiber-500")
    assert activations["WO-000003"][2] == pytest.approx(96.0)
    # Two valid versions: earliest valid time, latest valid tier.
    assert activations["WO-000009"][:2] == (datetime(2026, 9, 6, 10, 30), "fiber-1000")
    # Late submission: activated when it reached the operator.
    assert activations["WO-000008"][0] == datetime(2026, 9, 7, 8, 0)
    # Upgrade on site: the delivered tier, not the ordered one.
    assert activations["WO-000010"][1] == "fiber-1000"
    assert activations["WO-000001"][3] == "central"


def test_work_order_statuses(warehouse: Path) -> None:
    work_orders = _by_key(
        warehouse, "select work_order_id, status, completed_at from marts.work_orders"
    )
    assert work_orders["WO-000001"] == ("completed", datetime(2026, 9, 3, 14, 30))
    assert work_orders["WO-000002"] == ("cancelled", None)
    assert work_orders["WO-000004"][0] == "in_review"
    # sold at a pre-build address: rejected, so no crew is sent
    assert work_orders["WO-000011"] == ("rejected", None)


def test_kpi_daily_has_every_day_with_zeros(warehouse: Path) -> None:
    rows = _rows(warehouse, "select * from marts.kpi_daily order by kpi_date")
    days = [row[0] for row in rows]
    assert days == [date(2026, 9, day) for day in range(1, 11)]
    kpi = {row[0].day: row[1:] for row in rows}
    assert kpi[1] == (2, 0, 0, None)
    assert kpi[5] == (4, 4, 0, None)
    assert kpi[6][:3] == (0, 1, 2)
    assert kpi[6][3] == pytest.approx((96.0 + 25.5) / 2)
    assert kpi[8] == (0, 0, 0, None)
    assert kpi[9] == (0, 0, 0, None)
    assert sum(row[1] for row in rows) == 11
    assert sum(row[3] for row in rows) == 5


def test_otdr_assessments_match_the_python_reader(warehouse: Path) -> None:
    """The SQL loss budget and verdict equal ``ingest.otdr``'s for every attached trace."""
    otdr = pytest.importorskip("ingest.otdr")
    columns = [
        name
        for (name,) in _rows(
            warehouse,
            "select column_name from information_schema.columns where table_schema ="
            " 'intermediate' and table_name = 'int_otdr_assessments' order by ordinal_position",
        )
    ]
    contract = (
        "submission_id, file_name, is_trace_found, is_passed, problems, expected_length_m,"
        " fibre_length_m, total_loss_db, loss_budget_db, wavelength_nm"
    )
    assert set(contract.split(", ")) <= set(columns)
    rows = _rows(
        warehouse,
        "select submission_id, file_name, wavelength_nm, expected_length_m, fibre_length_m,"
        " total_loss_db, loss_budget_db, is_passed, problems from marts.otdr_results",
    )
    assert len(rows) == 7
    for submission, file, wavelength, expected, length, loss, budget, passed, problems in rows:
        assert budget == otdr.loss_budget_db(expected, wavelength), (submission, file)
        assessment = otdr.assess(otdr.OtdrTrace(file, 2.0, wavelength, length, loss, ()), expected)
        assert (passed, problems, assessment.problems) == (True, None, []), (submission, file)
    nominal = _by_key(
        warehouse,
        "select file_name, nominal_wavelength_nm from intermediate.int_otdr_assessments",
    )
    assert nominal["WO-000009-v1.sor"] == (1310,)  # 1400 nm: half-way, the lower wins
    assert nominal["WO-000009-v2.sor"] == (1490,)  # 1520 nm
    assert nominal["WO-000010.sor"] == (1310,)  # 155 nm as written by the file


def test_otdr_model_equals_loss_budget_db_and_assess(warehouse: Path, tmp_path: Path) -> None:
    """int_otdr_assessments, run as compiled on a copy of the warehouse given many more traces,
    budgets and judges each exactly as ``ingest.otdr`` does (lengths, wavelengths, tolerances,
    budgets near the edge, traces without key events, files that never landed)."""
    otdr = pytest.importorskip("ingest.otdr")
    compiled = next(
        (warehouse.parent / "dbt_target" / "compiled").rglob("int_otdr_assessments.sql")
    )
    copy = tmp_path / warehouse.name  # same name: the compiled SQL names the database
    shutil.copyfile(warehouse, copy)
    if warehouse.with_suffix(".duckdb.wal").exists():
        shutil.copyfile(warehouse.with_suffix(".duckdb.wal"), copy.with_suffix(".duckdb.wal"))
    rng = random.Random(20260911)
    wavelengths = [155.0, 1307.0, 1310.0, 1400.0, 1490.0, 1520.0, 1548.6, 1550.0, 1625.0, 1651.3]
    cases: list[tuple[float, float, float | None, float | None, bool]] = []
    for i in range(120):
        expected = rng.choice([0.5, 1.0, 55.6, 250.0, 300.0]) if i < 10 else rng.uniform(1, 3000)
        wavelength = wavelengths[i % len(wavelengths)]
        allowed = max(25.0, 0.10 * expected)
        budget = otdr.loss_budget_db(expected, wavelength)
        length = round(expected + rng.choice([-1.2, -0.9, 0.5, 1.1]) * allowed, 2)
        loss = round(budget + rng.choice([-0.3, -0.001, 0.0, 0.001, 0.4]), 3)
        keyless, landed = i % 17 == 5, i % 13 != 7
        cases.append(
            (expected, wavelength, None if keyless else length, None if keyless else loss, landed)
        )
    with duckdb.connect(str(copy)) as connection:
        for i, (expected, wavelength, length, loss, landed) in enumerate(cases):
            file, submission = f"T-{i}.sor", f"SUB-T{i:04d}"
            connection.execute(
                "insert into intermediate.int_addresses_classified (address_id, drop_distance_m)"
                " values (?, ?)",
                [f"A-T{i}", expected],
            )
            connection.execute(
                "insert into intermediate.int_orders_latest (order_id, work_order_id, address_id)"
                " values (?, ?, ?)",
                [f"PO-T{i}", f"WO-T{i}", f"A-T{i}"],
            )
            payload = {"otdr_traces": [{"file": file, "wavelength_nm": 1310}]}
            connection.execute(
                "insert into raw.completions (submission_id, work_order_id, version, payload,"
                " _source_file, _record_index, _ingested_at) values (?, ?, 1, ?, 'c.json', ?, ?)",
                [submission, f"WO-T{i}", json.dumps(payload), i, datetime(2026, 9, 11)],
            )
            if landed:
                connection.execute(
                    "insert into raw.otdr_traces (file_name, sha256, wavelength_nm,"
                    " fibre_length_m, total_loss_db, _source_file, _record_index, _ingested_at)"
                    " values (?, ?, ?, ?, ?, ?, 0, ?)",
                    [
                        file,
                        f"{i:064x}",
                        wavelength,
                        length,
                        loss,
                        f"otdr/{file}",
                        datetime(2026, 9, 11),
                    ],
                )
        found = connection.execute(
            "select submission_id, is_trace_found, wavelength_nm, loss_budget_db, is_passed,"
            f" problems from ({compiled.read_text()}) where submission_id like 'SUB-T%'"
            " order by submission_id"
        ).fetchall()
    assert len(found) == len(cases)
    for i, (case, row) in enumerate(zip(cases, found, strict=True)):
        expected, wavelength, length, loss, landed = case
        _, is_found, used_wavelength, budget, passed, problems = row
        assert is_found == landed
        if not landed:
            assert (used_wavelength, passed) == (1310, False)
            assert problems == f"trace file T-{i}.sor has not landed or could not be read"
            continue
        assert budget == otdr.loss_budget_db(expected, wavelength), row
        assessment = otdr.assess(
            otdr.OtdrTrace(f"T-{i}.sor", 2.0, wavelength, length, loss, ()), expected
        )
        assert (passed, problems) == (assessment.passed, "; ".join(assessment.problems) or None), (
            row
        )


def test_fixture_matches_ingest_schema() -> None:
    """The hand-made raw tables have the columns and types ingest writes (when ingest exists)."""
    schema = pytest.importorskip("ingest.schema")
    for table, columns in schema.RAW_TABLES.items():
        if table not in RAW_TABLES:
            continue
        fixture = [column.strip().split(" ", 1) for column in RAW_TABLES[table].split(",")]
        assert [(name, kind) for name, kind in fixture] == list(columns.items()), table
