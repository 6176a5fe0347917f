"""The latency benchmark's machinery, without the daemon (a real run takes minutes).

Holding back and dropping completions run on a small simulated operator; the latency and
stage figures are computed from a ledger written through ``actions.ledger`` with known times.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from actions.fulfilment.plan import FulfilmentRequest, plan_actions
from actions.ledger import IssuedInvoice, Ledger, ledger_path
from benchmarks.fulfilment_latency import (
    COMPLETIONS_DIR,
    Fed,
    RunSpan,
    attach_runs,
    drop,
    hold_back,
    percentile,
    problems,
    read_timings,
    run_kind,
    stage_breakdown,
    summarise,
)
from ingest import landing_files
from ingest.sources import completions
from simulator import SimulationConfig, simulate

T0 = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def _request(order: str) -> FulfilmentRequest:
    return FulfilmentRequest(
        order_id=order,
        work_order_id=f"WO-{order}",
        customer_id="CUS-1",
        customer_name="A. Subscriber",
        customer_email=None,
        address_id="ADR-1",
        region="north",
        ont_serial=f"HWTC{order}",
        offering_id="fiber-300",
        offering_name="Fiber 300",
        download_mbps=300,
        upload_mbps=300,
        service_vlan_id=100,
        management_vlan_id=4000,
        voice_vlan_id=None,
        addon_ids=(),
        olt_id="OLT-1",
        olt_vendor="huawei",
        pon_port_id="PON-1",
        activated_at=T0,
    )


def _invoice(order: str) -> IssuedInvoice:
    return IssuedInvoice(
        invoice_id=f"INV-{order}",
        order_id=order,
        customer_id="CUS-1",
        region="north",
        offering_id="fiber-300",
        billing_period_start="2026-11-23",
        billing_period_end="2026-11-30",
        subtotal_cents=1000,
        tax_cents=0,
        amount_cents=1000,
        currency="USD",
        lines=[],
        tmf678={},
    )


def _at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture()
def ledger_home(tmp_path: Path) -> Path:
    """Three orders: A invoiced 40 s after landing, B 100 s, C provisioned, never confirmed."""
    with Ledger.open(tmp_path) as ledger:
        ledger.plan(plan_actions([_request(o) for o in ("A", "B", "C")]), at=_at(20))
        for order, sent, confirmed, billed in (("A", 22, 30, 40), ("B", 25, 80, 100)):
            provision = ledger.claim(f"provision:{order}:HWTC{order}", at=_at(sent))
            assert provision is not None
            ledger.record_sent(provision, {}, at=_at(sent))
            ledger.record_confirmed(provision, {}, at=_at(confirmed))
            bill = ledger.claim(f"bill:first:{order}", at=_at(billed))
            assert bill is not None
            ledger.record_confirmed(bill, {}, at=_at(billed), invoice=_invoice(order))
        provision = ledger.claim("provision:C:HWTCC", at=_at(26))
        assert provision is not None
        ledger.record_sent(provision, {}, at=_at(26))
    return tmp_path


def _fed() -> list[Fed]:
    return [Fed(f"SUB-{o}", o, f"field_SUB-{o}.json", _at(0).timestamp()) for o in "ABC"]


def test_latency_is_landing_to_invoice_and_the_never_invoiced_are_counted(
    ledger_home: Path,
) -> None:
    timings = read_timings(ledger_path(ledger_home), _fed())
    assert [t.latency_s for t in timings] == [40.0, 100.0, None]
    figures = summarise(timings, window_end=_at(300).timestamp())
    assert (figures["fed"], figures["invoiced"], figures["never_invoiced"]) == (3, 2, 1)
    assert (figures["p50_s"], figures["p95_s"], figures["max_s"]) == (70.0, 97.0, 100.0)
    assert figures["never_invoiced_reached"] == {"provision_sent": 1}
    assert figures["never_invoiced_orders"][0]["order_id"] == "C"
    # C counts as at least 300 s: the p95 over everything fed is bounded from below by it.
    assert figures["p95_all_fed_lower_bound_s"] == 280.0


def test_stages_come_from_the_ledger_and_the_runs(ledger_home: Path) -> None:
    timings = read_timings(ledger_path(ledger_home), _fed())
    t = lambda s: _at(s).timestamp()  # noqa: E731
    runs = [
        RunSpan("early", "ingest_completions", "SUCCESS", t(-10), t(-9), t(-5)),
        RunSpan("ingest", "ingest_completions", "SUCCESS", t(3), t(5), t(8)),
        RunSpan("dbt-old", "dbt", "SUCCESS", t(4), t(6), t(12)),
        RunSpan("dbt", "dbt", "SUCCESS", t(9), t(10), t(19)),
    ]
    attach_runs(timings, runs, marts_built=[(t(11), "dbt-old"), (t(18), "dbt")])
    a = timings[0]
    assert (a.ingest_requested_at, a.ingested_at, a.marts_built_at) == (t(3), t(8), t(18))
    stages = stage_breakdown(timings)
    assert stages["landed_to_ingest_requested"]["p50_s"] == 3.0
    assert stages["marts_built_to_planned"]["max_s"] == 2.0
    assert stages["provision_sent_to_confirmed"] == {
        "n": 2,
        "p50_s": 31.5,
        "p95_s": 52.6,
        "max_s": 55.0,
    }
    assert stages["confirmed_to_invoiced"]["n"] == 2


def test_one_run_from_ingest_to_the_marts_is_split_at_its_materialisations(
    ledger_home: Path,
) -> None:
    """The completions sensor's run ingests, builds the marts and plans in one run."""
    timings = read_timings(ledger_path(ledger_home), _fed())
    t = lambda s: _at(s).timestamp()  # noqa: E731
    lane = RunSpan("lane", "ingest_completions+dbt+fulfilment", "SUCCESS", t(2), t(9), t(30))
    attach_runs(timings, [lane], marts_built=[(t(15), "lane")], ingested=[(t(11), "lane")])
    a = timings[0]
    assert (a.ingest_requested_at, a.run_started_at, a.ingested_at, a.marts_built_at) == (
        t(2),
        t(9),
        t(11),
        t(15),
    )
    stages = stage_breakdown(timings)
    assert stages["ingest_requested_to_run_started"]["p50_s"] == 7.0
    assert stages["run_started_to_ingested"]["p50_s"] == 2.0
    assert stages["marts_built_to_planned"]["p50_s"] == 5.0


def test_a_file_landing_while_a_run_waits_goes_to_that_run(ledger_home: Path) -> None:
    """The sensor asks for no run while one of its runs is queued: the queued run takes it."""
    timings = read_timings(ledger_path(ledger_home), _fed())
    t = lambda s: _at(s).timestamp()  # noqa: E731
    runs = [
        RunSpan("queued", "ingest_completions", "SUCCESS", t(-3), t(4), t(18)),
        RunSpan("next", "ingest_completions", "SUCCESS", t(6), t(19), t(30)),
    ]
    attach_runs(timings, runs, marts_built=[(t(12), "queued")], ingested=[(t(5), "queued")])
    a = timings[0]
    assert (a.ingest_requested_at, a.run_started_at, a.ingested_at, a.marts_built_at) == (
        t(0),
        t(4),
        t(5),
        t(12),
    )


def test_no_ledger_yet_means_nothing_planned(tmp_path: Path) -> None:
    timings = read_timings(ledger_path(tmp_path), _fed())
    assert all(t.reached == "landed" for t in timings)
    assert summarise(timings, window_end=_at(10).timestamp())["never_invoiced"] == 3


def test_percentile_interpolates_between_ranks() -> None:
    assert percentile([], 95) is None
    assert percentile([5.0], 95) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5


def test_held_back_completions_leave_the_daily_files_and_land_one_per_file(
    tmp_path: Path,
) -> None:
    home = tmp_path / "operator"
    simulate(SimulationConfig(passings=300, days=20, seed=7, start=dt.date(2026, 9, 1)), home)
    held = hold_back(home, 5)
    assert len(held) == 5
    assert held == sorted(held, key=lambda h: h.submitted_at)
    ids = {h.submission_id for h in held}
    left = [
        r["submission_id"]
        for path in sorted((home / COMPLETIONS_DIR).glob("*.json"))
        for r in json.loads(path.read_text())
        if isinstance(r, dict)
    ]
    assert not ids & set(left)
    fed = drop(home, held[0])
    path = home / COMPLETIONS_DIR / fed.file
    assert path in landing_files(home / "landing", "completions")
    assert not list((home / COMPLETIONS_DIR).glob(".*"))
    parsed = completions.parse(path.read_bytes())
    assert not parsed.quarantined
    assert [r["submission_id"] for r in parsed.rows["completions"]] == [held[0].submission_id]
    with pytest.raises(SystemExit, match="can be held back"):
        hold_back(home, 10_000)


def test_a_daemon_that_never_ingests_and_failed_runs_are_reported(ledger_home: Path) -> None:
    timings = read_timings(ledger_path(ledger_home), _fed())
    failed = RunSpan("f", "fulfilment", "FAILURE", 1.0, 2.0, 3.0, error="CredentialError: unset")
    stopped = RunSpan("s", "dbt", "FAILURE", 1.0, 2.0, 11.0, error="ExecutionInterruptedError")
    queued = RunSpan("q", "ingest_completions", "QUEUED", 4.0, None, None)
    found = problems(timings, [failed, stopped, queued], window_end=10.0)
    assert "landing sensor does not see" in found[0]
    assert "1 runs failed" in found[1] and "CredentialError: unset" in found[1]
    assert "1 run(s) interrupted when the benchmark stopped" in found[2]
    assert "1 of 3 runs requested in the window were still waiting" in found[3]


def test_runs_are_named_by_what_they_did() -> None:
    assert run_kind("__anonymous_asset_job_landing_completions_sensor", []) == "ingest_completions"
    assert run_kind("__anonymous_asset_job_landing_orders_sensor", []) == "ingest_other"
    assert run_kind("__anonymous_asset_job_poll_olts_every_5_minutes", []) == "telemetry_poll"
    automation = [("marts", "fulfilment_requests"), ("raw", "action_ledger"), ("raw", "invoices")]
    assert run_kind("__ASSET_JOB", automation) == "dbt+fulfilment"
    lane = [("raw", "completions"), ("marts", "fulfilment_requests"), ("raw", "invoices")]
    assert (
        run_kind("__anonymous_asset_job_landing_completions_sensor", lane)
        == "ingest_completions+dbt+fulfilment"
    )
