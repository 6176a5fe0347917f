"""Injected network events, polled over SNMP, become the right incidents, tickets and statuses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from conftest import churn_poll_times, poll_times

from fiberops import settings
from ingest.telemetry import previous_row_counts
from simulator.network import Network


def _query(home: Path, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(settings.warehouse_path(home)), read_only=True) as con:
        return con.execute(sql).df()


def _truth(home: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(settings.truth_dir(home) / f"{name}.csv", dtype=str)


def test_each_fibre_cut_is_exactly_one_incident_with_the_right_onts(
    polled_operator: tuple[Path, Network, str],
) -> None:
    home, network, _stopped = polled_operator
    truth = _truth(home, "incidents")
    incidents = _query(home, "select * from marts.incidents")
    assert len(truth) == len(network.scenario.cuts) == 3
    assert sorted(zip(incidents["scope"], incidents["scope_id"], strict=True)) == sorted(
        zip(truth["scope"], truth["scope_id"], strict=True)
    )
    assert set(incidents["status"]) == {"resolved"}
    subscribers = _query(
        home,
        "select i.scope, i.scope_id, s.ont_serial, s.address_id from marts.incident_subscribers s"
        " join marts.incidents i using (incident_id)",
    )
    expected = _truth(home, "incident_onts")
    key = ["scope", "scope_id", "ont_serial", "address_id"]
    assert sorted(map(tuple, subscribers[key].values)) == sorted(map(tuple, expected[key].values))
    counts = dict(zip(incidents["scope_id"], incidents["affected_subscribers"], strict=True))
    assert counts == {
        s: int(n) for s, n in zip(truth["scope_id"], truth["affected_onts"], strict=True)
    }


def test_an_unreachable_olt_is_stale_never_an_outage(
    polled_operator: tuple[Path, Network, str],
) -> None:
    home, network, stopped = polled_operator
    incidents = _query(home, "select * from marts.incidents")
    assert stopped not in set(incidents["olt_id"])
    latest = _query(
        home, "select olt_id, status, count(*) as n from marts.ont_status_latest group by all"
    )
    by_olt: dict[str, dict[str, Any]] = {}
    for row in latest.itertuples():
        by_olt.setdefault(row.olt_id, {})[row.status] = row.n
    assert set(by_olt[stopped]) == {"stale"}
    assert by_olt[stopped]["stale"] == len(
        [o for o in network.olts[stopped].onts if o.registered_at <= poll_times()[-1]]
    )
    others = {status for olt, statuses in by_olt.items() if olt != stopped for status in statuses}
    assert others == {"online"}
    events = _query(home, "select event, count(*) as n from raw.olt_poll_events group by 1")
    assert dict(zip(events["event"], events["n"], strict=True))["unreachable"] == 3


def test_degradations_become_tickets_and_nothing_else_does(
    polled_operator: tuple[Path, Network, str],
) -> None:
    home, _network, _stopped = polled_operator
    truth = _truth(home, "proactive_tickets")
    tickets = _query(home, "select ont_serial, address_id, reason from marts.proactive_tickets")
    key = ["ont_serial", "address_id", "reason"]
    assert sorted(map(tuple, tickets[key].values)) == sorted(map(tuple, truth[key].values))


def test_activations_are_confirmed_by_the_network(
    polled_operator: tuple[Path, Network, str],
) -> None:
    home, network, _stopped = polled_operator
    confirmations = _query(
        home,
        "select ont_serial, confirmation_status, minutes_to_register"
        " from marts.activation_confirmations",
    )
    seen = {
        ont.serial
        for olt in network.olts.values()
        for ont in olt.onts
        if ont.registered_at <= poll_times()[-1]
    }
    confirmed = confirmations[confirmations["confirmation_status"] == "confirmed"]
    assert set(confirmed["ont_serial"]) == seen
    assert confirmed["minutes_to_register"].between(1, 11).all()
    assert set(confirmations["confirmation_status"]) == {"confirmed", "not_seen"}
    history = _query(
        home, "select rx_band, count(*) as n from marts.optical_health_history group by 1"
    )
    assert set(history["rx_band"]) <= {"ok", "marginal", "no_reading"}


def test_the_next_poll_is_sized_by_each_olts_last_answered_poll(
    polled_operator: tuple[Path, Network, str],
) -> None:
    home, network, stopped = polled_operator
    with duckdb.connect(str(settings.warehouse_path(home)), read_only=True) as con:
        counts = previous_row_counts(con)
    # the stopped OLT last answered the last scheduled poll; the others the poll after it
    answered = {olt_id: poll_times()[-1] + dt.timedelta(minutes=10) for olt_id in network.olts}
    answered[stopped] = poll_times()[-1]
    assert set(counts) == set(network.olts)
    for olt_id, olt in network.olts.items():
        served = sum(network.reading(ont, answered[olt_id]) is not None for ont in olt.onts)
        assert counts[olt_id] == {
            "ont_status": served,
            "interface_counters": len(olt.pon_ports) + olt.uplinks,
            "pon_port_optics": 0,
        }
    assert counts[stopped]["ont_status"] > 0


def test_disconnects_carry_the_network_signals_of_their_last_30_days(
    polled_operator: tuple[Path, Network, str],
) -> None:
    home, network, _stopped = polled_operator
    gone = _query(
        home,
        "select ont_serial, requested_at, proactive_tickets_30d, low_rx_readings_30d,"
        " incidents_30d from marts.disconnects",
    )
    incidents = _truth(home, "incidents").merge(_truth(home, "incident_onts"))
    incidents["started_at"] = pd.to_datetime(incidents["started_at"]).dt.tz_localize(None)
    tickets = _truth(home, "proactive_tickets")
    tickets["started_at"] = pd.to_datetime(tickets["started_at"]).dt.tz_localize(None)
    onts = {ont.serial: ont for olt in network.olts.values() for ont in olt.onts}
    polls = [*churn_poll_times(network.scenario.cuts[0]), *poll_times()]
    assert len(gone) == len(_truth(home, "disconnects"))
    for row in gone.itertuples():
        since = row.requested_at - pd.Timedelta(days=30)
        ont = onts[row.ont_serial]
        within = incidents["started_at"].between(since, row.requested_at)
        assert row.incidents_30d == (within & (incidents["ont_serial"] == ont.serial)).sum()
        mine = tickets["ont_serial"] == ont.serial
        assert (
            row.proactive_tickets_30d == (mine & (tickets["started_at"] <= row.requested_at)).sum()
        )
        low = 0
        for at in polls:
            if not since <= at.replace(tzinfo=None) <= row.requested_at:
                continue
            reading = network.reading(ont, at) if network.agent_up(ont.olt_id, at) else None
            if reading is not None and reading.rx_dbm is not None and reading.rx_dbm < -25:
                low += 1
        assert row.low_rx_readings_30d == low
    # the cut two days before a request is in that subscriber's signals
    assert gone["incidents_30d"].sum() >= 1
