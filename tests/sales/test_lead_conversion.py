"""A pre-build lead whose address goes live becomes an order exactly once.

The sensor fires twice, and the conversion run is retried: one order file, one ledger row.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from fiberops import settings, warehouse
from ingest.sources import orders
from orchestration.defs.leads import LEAD_TAG, lead_conversion_sensor, lead_conversions
from orchestration.resources import FiberOpsHome

LEADS_DDL = """
create schema if not exists marts;
create or replace table marts.leads as select * from (values
    ('LEAD-1', 'ADR-000101', 'Ann Lee', 'ann@example.net', 'fiber-500', 'web', 6500,
     'PO-LEAD-1', 'ready_to_convert'),
    ('LEAD-2', 'ADR-000102', 'Bo Li', 'bo@example.net', 'fiber-1000', 'retail', 8000,
     'PO-LEAD-2', 'waiting_for_build')
) as t(lead_id, address_id, customer_name, customer_email, offering_id, channel,
       monthly_price_cents, conversion_order_id, lead_status)
"""


@pytest.fixture
def home(tmp_path: Path) -> Path:
    root = tmp_path / "operator"
    (root / "landing" / "orders").mkdir(parents=True)
    with warehouse.connect(settings.warehouse_path(root)) as con:
        con.execute(LEADS_DDL)
    warehouse.publish_marts(settings.warehouse_path(root), settings.serving_path(root))
    return root


def _resources(home: Path) -> dict[str, object]:
    return {"fiberops": FiberOpsHome(home=str(home))}


def _tick(instance: dg.DagsterInstance, home: Path, cursor: str | None) -> dg.SensorResult:
    with dg.build_sensor_context(
        instance=instance, cursor=cursor, resources=_resources(home)
    ) as context:
        result = lead_conversion_sensor(context)
    assert isinstance(result, dg.SensorResult)
    return result


@pytest.fixture
def instance() -> Iterator[dg.DagsterInstance]:
    with dg.DagsterInstance.ephemeral() as ephemeral:
        yield ephemeral


def test_sensor_requests_each_ready_lead_once(home: Path, instance: dg.DagsterInstance) -> None:
    first = _tick(instance, home, None)
    assert [r.run_key for r in first.run_requests or []] == ["lead-conversion:LEAD-1"]
    assert [r.tags[LEAD_TAG] for r in first.run_requests or []] == ["LEAD-1"]
    second = _tick(instance, home, first.cursor)
    assert not second.run_requests
    again_without_cursor = _tick(instance, home, None)
    assert [r.run_key for r in again_without_cursor.run_requests or []] == [
        "lead-conversion:LEAD-1"
    ], "the run key is deterministic, so the daemon drops a re-fired request"


def test_a_retried_conversion_run_creates_one_order(
    home: Path, instance: dg.DagsterInstance
) -> None:
    request = (_tick(instance, home, None).run_requests or [])[0]
    for _attempt in range(2):
        result = dg.materialize(
            [lead_conversions],
            resources=_resources(home),
            instance=instance,
            tags=request.tags,
        )
        assert result.success
    files = sorted((home / "landing" / "orders").glob("*.json"))
    assert [f.name for f in files] == ["lead_order_LEAD-1.json"]
    with duckdb.connect(str(settings.warehouse_path(home)), read_only=True) as con:
        ledger = con.execute("select lead_id, order_id from ops.lead_conversions").fetchall()
    assert ledger == [("LEAD-1", "PO-LEAD-1")]
    parsed = orders.parse_file(files[0], files[0].read_bytes())
    assert not parsed.quarantined
    [event] = parsed.rows["order_events"]
    assert (event["order_id"], event["address_id"], event["channel"]) == (
        "PO-LEAD-1",
        "ADR-000101",
        "web",
    )
    [item] = parsed.rows["order_items"]
    assert (item["offering_id"], item["recurring_price_cents"]) == ("fiber-500", 6500)
    stored = json.loads(files[0].read_text())
    assert stored[0]["event"]["productOrder"]["externalId"] == "LEAD-1"


def test_an_untagged_run_converts_every_ready_lead_and_only_those(home: Path) -> None:
    result = dg.materialize([lead_conversions], resources=_resources(home))
    assert result.success
    names = [f.name for f in (home / "landing" / "orders").glob("*.json")]
    assert names == ["lead_order_LEAD-1.json"]
