"""Injected network events and the ground truth they imply.

``default_scenario`` picks, deterministically from a seed, one splitter fibre cut, one PON port
failure, two optical degradations and one stopped agent (on an OLT other than the cut ones).
``write_network_truth`` writes what the marts should find, keyed like them:

- ``truth/incidents.csv``: scope, scope_id, olt_id, started_at, ended_at, affected_onts
  (one row per cut: exactly one incident each);
- ``truth/incident_onts.csv``: scope, scope_id, ont_serial, address_id (ONTs registered
  before the cut started, behind the cut element);
- ``truth/proactive_tickets.csv``: ont_serial, address_id, reason (``rx_trending_down``),
  started_at, db_per_day;
- ``truth/olt_outages.csv``: olt_id, started_at, ended_at (must yield no incident).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from pathlib import Path

from simulator.network.model import (
    AgentStop,
    FibreCut,
    Network,
    OntNode,
    OpticalDegradation,
    Scenario,
)
from simulator.timefmt import iso
from simulator.writers import write_csv

__all__ = ["DEGRADABLE_MIN_RX_DBM", "affected_onts", "default_scenario", "write_network_truth"]

DEGRADABLE_MIN_RX_DBM = -18.0
"""Degradations go to ONTs at least this strong: three days at 2 dB a day then leave them above
the -25 dBm ticket level, so the trend is the only ticket they raise (the truth's one)."""


def affected_onts(network: Network, cut: FibreCut) -> list[OntNode]:
    """ONTs a cut takes down: behind its element and registered before it started."""
    attribute = {"splitter": "splitter_id", "pon_port": "pon_port_id", "fdh": "fdh_id"}[cut.scope]
    return [
        ont
        for olt in network.olts.values()
        for ont in olt.onts
        if getattr(ont, attribute) == cut.scope_id and ont.registered_at <= cut.start
    ]


def default_scenario(network: Network, start: dt.datetime, seed: int = 7) -> Scenario:
    """One splitter cut, one PON port failure, two degradations and one stopped agent.

    Every event starts at ``start``; cuts and the agent stop last two hours. Needs at least
    two OLTs with ONTs registered by ``start``; with fewer, fewer events are injected.
    """
    rng = random.Random(f"fiberops:{seed}:network-scenario")
    live = [ont for olt in network.olts.values() for ont in olt.onts if ont.registered_at <= start]
    by_splitter: dict[str, list[OntNode]] = defaultdict(list)
    for ont in live:
        by_splitter[ont.splitter_id].append(ont)
    by_port: dict[str, set[str]] = defaultdict(set)
    for ont in live:
        by_port[ont.pon_port_id].add(ont.splitter_id)
    candidates = sorted(s for s, onts in by_splitter.items() if len(onts) >= 3)
    end = start + dt.timedelta(hours=2)
    cuts: list[FibreCut] = []
    cut_olts: set[str] = set()
    if candidates:
        splitter = rng.choice(candidates)
        cuts.append(FibreCut("splitter", splitter, start, end))
        cut_olts.add(by_splitter[splitter][0].olt_id)
        ports = sorted(
            p
            for p, splitters in by_port.items()
            if splitter not in splitters and sum(len(by_splitter[s]) for s in splitters) >= 3
        )
        if ports:
            port = rng.choice(ports)
            cuts.append(FibreCut("pon_port", port, start, end))
            cut_olts.add(next(o.olt_id for o in live if o.pon_port_id == port))
    cut_serials = {o.serial for c in cuts for o in affected_onts(network, c)}
    healthy = sorted(
        (o.olt_id not in cut_olts, o.serial)
        for o in live
        if o.serial not in cut_serials and o.base_rx_dbm >= DEGRADABLE_MIN_RX_DBM
    )
    # On the cut OLTs when they have room, so another OLT is left for the agent stop.
    near = [serial for elsewhere, serial in healthy if not elsewhere]
    pool = near if len(near) >= 2 else [serial for _, serial in healthy]
    degradations = tuple(
        OpticalDegradation(serial, start - dt.timedelta(days=3), db_per_day=2.0)
        for serial in rng.sample(pool, min(2, len(pool)))
    )
    degraded_olts = {o.olt_id for o in live if o.serial in {d.ont_serial for d in degradations}}
    spare = sorted(set(network.olts) - cut_olts - degraded_olts)
    stops = (AgentStop(rng.choice(spare), start, end),) if spare else ()
    return Scenario(cuts=tuple(cuts), degradations=degradations, agent_stops=stops)


def _iso(at: dt.datetime | None) -> str:
    return iso(at) if at is not None else ""


def write_network_truth(truth_dir: Path, network: Network) -> None:
    """Write the truth of ``network.scenario`` (see the module docstring)."""
    scenario = network.scenario
    olt_of_port = {p.pon_port_id: o.olt_id for o in network.olts.values() for p in o.pon_ports}
    incidents, incident_onts = [], []
    for cut in scenario.cuts:
        onts = affected_onts(network, cut)
        olt = onts[0].olt_id if onts else olt_of_port.get(cut.scope_id, "")
        incidents.append([cut.scope, cut.scope_id, olt, _iso(cut.start), _iso(cut.end), len(onts)])
        incident_onts += [[cut.scope, cut.scope_id, o.serial, o.address_id] for o in onts]
    address_of = {o.serial: o.address_id for olt in network.olts.values() for o in olt.onts}
    tickets = [
        [
            d.ont_serial,
            address_of.get(d.ont_serial, ""),
            "rx_trending_down",
            _iso(d.start),
            d.db_per_day,
        ]
        for d in scenario.degradations
    ]
    outages = [[s.olt_id, _iso(s.start), _iso(s.end)] for s in scenario.agent_stops]
    write_csv(
        truth_dir / "incidents.csv",
        ["scope", "scope_id", "olt_id", "started_at", "ended_at", "affected_onts"],
        incidents,
    )
    write_csv(
        truth_dir / "incident_onts.csv",
        ["scope", "scope_id", "ont_serial", "address_id"],
        incident_onts,
    )
    write_csv(
        truth_dir / "proactive_tickets.csv",
        ["ont_serial", "address_id", "reason", "started_at", "db_per_day"],
        tickets,
    )
    write_csv(truth_dir / "olt_outages.csv", ["olt_id", "started_at", "ended_at"], outages)
