"""Build the simulated network from a simulated operator's files, or synthetically.

``network_from_operator`` reads what the simulator wrote under an operator's home:
``landing/gis/plant.kmz`` (OLTs, PON ports, splitters, parsed by ``ingest.sources.plant``)
and ``truth/activations.csv`` + ``truth/addresses.csv`` (which subscriber got which ONT
serial, behind which splitter). Those files exist before any pipeline runs, so the agents can
start first and the warehouse is never read by the simulator.

Each activated work order's ONT registers on the PON port of its splitter a few minutes
(1 to 10, deterministic) after its activation; its healthy receive power falls with the drop
length and a per-ONT constant, always inside the GPON class B+ window.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

from ingest.sources import plant as plant_parser
from simulator.errors import SimulatorError
from simulator.network.model import Network, OltNode, OntNode, PonNode, stable_unit
from simulator.plant import OLT_MODELS

__all__ = ["network_from_operator", "synthetic_network"]


def _read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        raise SimulatorError(f"{path} is missing: simulate the operator first")
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _base_rx(serial: str, drop_m: float) -> float:
    """Healthy receive power: -14 to -23 dBm (class B+ keeps -8 to -27)."""
    return round(-14.0 - min(drop_m, 300.0) / 300.0 * 3.0 - stable_unit(serial, "rx") * 6.0, 2)


def network_from_operator(home: Path) -> Network:
    """The network of the operator simulated under ``home``.

    Raises:
        SimulatorError: The plant or the truth files are missing.
    """
    kmz = home / "landing" / "gis" / "plant.kmz"
    if not kmz.exists():
        raise SimulatorError(f"{kmz} is missing: simulate the operator first")
    parsed = plant_parser.parse(kmz.read_bytes())
    olt_rows = {r["olt_id"]: r for r in parsed.rows.get("olts", [])}
    pons = {
        r["pon_port_id"]: PonNode(r["pon_port_id"], r["olt_id"], int(r["slot"]), int(r["port"]))
        for r in parsed.rows.get("pon_ports", [])
    }
    splitters = {r["splitter_id"]: r for r in parsed.rows.get("splitters", [])}
    addresses = {r["address_id"]: r for r in _read_csv(home / "truth" / "addresses.csv")}
    activations = sorted(
        _read_csv(home / "truth" / "activations.csv"),
        key=lambda r: (r["activated_at"], r["work_order_id"]),
    )
    by_port: dict[str, list[OntNode]] = defaultdict(list)
    for row in activations:
        address = addresses.get(row["address_id"])
        if address is None or not address.get("splitter_id"):
            continue
        splitter = splitters[address["splitter_id"]]
        pon = pons[splitter["pon_port_id"]]
        serial = row["ont_serial"]
        delay = dt.timedelta(minutes=1 + int(stable_unit(serial, "provision") * 10))
        by_port[pon.pon_port_id].append(
            OntNode(
                serial=serial,
                olt_id=pon.olt_id,
                pon_port_id=pon.pon_port_id,
                pon_if_index=pon.if_index,
                ont_id=len(by_port[pon.pon_port_id]),
                splitter_id=splitter["splitter_id"],
                fdh_id=splitter["fdh_id"],
                address_id=row["address_id"],
                registered_at=_time(row["activated_at"]) + delay,
                base_rx_dbm=_base_rx(serial, float(address.get("drop_distance_m") or 0.0)),
            )
        )
    olts: dict[str, OltNode] = {}
    for olt_id in sorted(olt_rows):
        ports = tuple(sorted((p for p in pons.values() if p.olt_id == olt_id), key=_port_key))
        onts = tuple(o for p in ports for o in by_port.get(p.pon_port_id, []))
        row = olt_rows[olt_id]
        olts[olt_id] = OltNode(olt_id, row["vendor"], row["model"], ports, onts)
    return Network(olts)


def _port_key(pon: PonNode) -> tuple[int, int]:
    return pon.slot, pon.port


def synthetic_network(
    olt_count: int = 20,
    onts_per_olt: int = 512,
    onts_per_port: int = 32,
    registered_at: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
) -> Network:
    """A network of identical OLTs, full of registered ONTs (for benchmarks and tests).

    Each PON port feeds one splitter of ``onts_per_port`` ONTs; 16 ports per slot; two
    splitters per FDH cabinet.
    """
    olts: dict[str, OltNode] = {}
    vendors = list(OLT_MODELS)
    for n in range(1, olt_count + 1):
        olt_id = f"OLT-{n:02d}"
        ports = [
            PonNode(f"{olt_id}-{1 + i // 16}-{i % 16:02d}", olt_id, 1 + i // 16, i % 16)
            for i in range(-(-onts_per_olt // onts_per_port))
        ]
        prefix = OLT_MODELS[vendors[(n - 1) % len(vendors)]][1]
        onts: list[OntNode] = []
        for i in range(onts_per_olt):
            pon = ports[i // onts_per_port]
            serial = f"{prefix}{n:02X}{i:06X}"
            splitter = f"SPL-{n:02d}{i // onts_per_port:03d}"
            onts.append(
                OntNode(
                    serial=serial,
                    olt_id=olt_id,
                    pon_port_id=pon.pon_port_id,
                    pon_if_index=pon.if_index,
                    ont_id=i % onts_per_port,
                    splitter_id=splitter,
                    fdh_id=f"FDH-{n:02d}{i // onts_per_port // 2:02d}",
                    address_id=f"ADR-{n:02d}{i:05d}",
                    registered_at=registered_at,
                    base_rx_dbm=_base_rx(serial, 150.0),
                )
            )
        vendor = vendors[(n - 1) % len(vendors)]
        olts[olt_id] = OltNode(olt_id, vendor, OLT_MODELS[vendor][0], tuple(ports), tuple(onts))
    return Network(olts)
