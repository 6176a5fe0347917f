"""Poll 20 simulated OLTs x 512 ONTs: ONTs per second, our poller beside ``snmpbulkwalk``.

The simulated OLTs run in a child process (one pysnmp agent per OLT, one UDP port each), so
the pollers measured here never share the agents' interpreter. In the same run, on the same
agents and the same tables (ifTable, ifXTable and the Huawei ONT columns), with the same
GETBULK max-repetitions:

- ``fiberops``: ``ingest.telemetry.poll_inventory``, SNMPv2c and SNMPv3 authPriv, at most
  ``--concurrency`` OLTs at once and one request in flight per OLT (the default
  ``max_in_flight``); it walks the columns of a table together, so one request asks for
  columns x max-repetitions var-binds (``max_varbinds`` is set to allow that), and sizes its
  walks by ``ifNumber`` and by the rows of the previous poll (the untimed warm-up poll here;
  the warehouse's last poll on a schedule), as it does in production;
- ``snmpbulkwalk``: net-snmp (Debian's ``snmp`` package), v2c, one process per OLT and
  subtree, run one OLT at a time, then ``--concurrency`` OLTs at a time (one walk per OLT).

Each row also gives the CPU seconds the agents' process spent serving it and those the poller
spent (this process for ``fiberops``; the ``snmpbulkwalk`` children for net-snmp; Linux
only): whichever is close to the wall time is the bottleneck.

Usage::

    .venv/bin/python benchmarks/telemetry/poll_benchmark.py [--olts 20] [--onts 512]

Prints a table and writes ``benchmarks/telemetry/results.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ingest.telemetry import poll_inventory  # noqa: E402
from ingest.telemetry.inventory import Inventory, OltTarget  # noqa: E402
from simulator.network import AgentCredentials, AgentFleet, synthetic_network  # noqa: E402

__all__ = ["main"]

AT = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
WALKED_TOGETHER = 6
"""Most columns ``fiberops`` walks in one request (ifTable + ifXTable, the Huawei ONT table)."""
SUBTREES = ("1.3.6.1.2.1.2.2.1", "1.3.6.1.2.1.31.1.1.1", "1.3.6.1.4.1.2011.6.128.1.1.2")
CREDENTIALS = AgentCredentials(
    community="bench-community",
    v3_user="bench",
    v3_auth_key="bench-auth-1",
    v3_priv_key="bench-priv-1",
)
ENV = {
    "FIBEROPS_SNMP_COMMUNITY": CREDENTIALS.community,
    "FIBEROPS_SNMP_AUTH_KEY": CREDENTIALS.v3_auth_key,
    "FIBEROPS_SNMP_PRIV_KEY": CREDENTIALS.v3_priv_key,
}


def _serve(olts: int, onts: int, ready: Any, stop: Any) -> None:
    with AgentFleet(synthetic_network(olts, onts), CREDENTIALS) as fleet:
        fleet.set_time(AT)
        ready.send(fleet.endpoints)
        stop.wait()


def _inventory(
    endpoints: dict[str, tuple[str, int]], version: str, repetitions: int, concurrency: int
) -> Inventory:
    return Inventory(
        olts=tuple(
            OltTarget(
                olt_id=olt_id,
                host=host,
                port=port,
                version=version,  # type: ignore[arg-type]
                v3_user="bench" if version == "v3" else None,
                timeout_s=5.0,
                retries=1,
                max_repetitions=repetitions,
                max_varbinds=WALKED_TOGETHER * repetitions,
            )
            for olt_id, (host, port) in sorted(endpoints.items())
        ),
        max_concurrent_olts=concurrency,
    )


def _cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of process ``pid`` so far (None where /proc is missing)."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu_seconds() -> float:
    times = os.times()
    return times.children_user + times.children_system


def _walk_olt(host: str, port: int, repetitions: int) -> int:
    lines = 0
    for subtree in SUBTREES:
        out = subprocess.run(
            [
                "snmpbulkwalk",
                "-v2c",
                "-c",
                CREDENTIALS.community,
                "-On",
                "-Oq",
                f"-Cr{repetitions}",
                "-t",
                "5",
                "-r",
                "1",
                f"{host}:{port}",
                subtree,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        lines += out.count("\n")
    return lines


def _snmpbulkwalk(
    endpoints: dict[str, tuple[str, int]], repetitions: int, workers: int
) -> tuple[float, int]:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        lines = sum(pool.map(lambda e: _walk_olt(e[0], e[1], repetitions), endpoints.values()))
    return time.perf_counter() - started, lines


def _since(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else round(after - before, 2)


def main() -> None:
    """Run the benchmark and print ONTs per second for each poller."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--olts", type=int, default=20)
    parser.add_argument("--onts", type=int, default=512)
    parser.add_argument("--repetitions", type=int, default=25)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.json"))
    args = parser.parse_args()
    if shutil.which("snmpbulkwalk") is None:
        sys.exit("snmpbulkwalk not found: apt-get install -y snmp")
    onts = args.olts * args.onts
    receive, send = multiprocessing.Pipe(duplex=False)
    stop = multiprocessing.Event()
    agents = multiprocessing.Process(target=_serve, args=(args.olts, args.onts, send, stop))
    agents.start()
    results: list[dict[str, Any]] = []
    try:
        endpoints: dict[str, tuple[str, int]] = receive.recv()
        warm_up = poll_inventory(
            _inventory(endpoints, "v2c", args.repetitions, args.concurrency), ENV
        )
        expected = warm_up.row_counts()
        for version in ("v2c", "v3"):
            inventory = _inventory(endpoints, version, args.repetitions, args.concurrency)
            agent_cpu = _cpu_seconds(agents.pid)
            poller_cpu = time.process_time()
            started = time.perf_counter()
            result = poll_inventory(inventory, ENV, expected_rows=expected)
            seconds = time.perf_counter() - started
            assert len(result.ont_status) == onts, len(result.ont_status)
            results.append(
                {
                    "poller": f"fiberops {version}",
                    "olts_at_once": args.concurrency,
                    "seconds": seconds,
                    "onts": len(result.ont_status),
                    "requests": sum(e["requests"] for e in result.olt_poll_events),
                    "poller_cpu_s": round(time.process_time() - poller_cpu, 2),
                    "agent_cpu_s": _since(agent_cpu, _cpu_seconds(agents.pid)),
                }
            )
        for workers in (1, args.concurrency):
            agent_cpu = _cpu_seconds(agents.pid)
            poller_cpu = _children_cpu_seconds()
            seconds, lines = _snmpbulkwalk(endpoints, args.repetitions, workers)
            results.append(
                {
                    "poller": "snmpbulkwalk v2c",
                    "olts_at_once": workers,
                    "seconds": seconds,
                    "onts": onts,
                    "varbinds": lines,
                    "poller_cpu_s": round(_children_cpu_seconds() - poller_cpu, 2),
                    "agent_cpu_s": _since(agent_cpu, _cpu_seconds(agents.pid)),
                }
            )
    finally:
        stop.set()
        agents.join(30)
    print(
        f"{args.olts} OLTs x {args.onts} ONTs, max-repetitions {args.repetitions}, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"{'poller':<20}{'OLTs at once':>14}{'seconds':>10}{'ONTs/s':>10}"
        f"{'poller CPU s':>14}{'agent CPU s':>13}"
    )
    for row in results:
        row["onts_per_second"] = round(row["onts"] / row["seconds"], 1)
        print(
            f"{row['poller']:<20}{row['olts_at_once']:>14}{row['seconds']:>10.2f}"
            f"{row['onts_per_second']:>10.1f}{row['poller_cpu_s']!s:>14}{row['agent_cpu_s']!s:>13}"
        )
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
