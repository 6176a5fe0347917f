"""Start a simulated operator's OLTs and write the files that point FiberOps at them.

``serve_operator(home)`` builds the network of the operator simulated under ``home``,
starts one SNMP agent per OLT on loopback and the OLTs' provisioning API, and writes
``home/network/olts.yaml`` naming the environment variables that hold the credentials, and
``home/network/provisioning.yaml`` naming the provisioning driver and the API's URL (its
command log, ``home/network/provisioning-commands.jsonl``, survives restarts). The secrets
themselves come from the environment (``FIBEROPS_SNMP_COMMUNITY``, ``FIBEROPS_SNMP_V3_USER``,
``FIBEROPS_SNMP_AUTH_KEY``, ``FIBEROPS_SNMP_PRIV_KEY``); when unset, random ones are made
for this process and put in ``os.environ``, so the poller of the same process finds them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import Literal

from actions.provisioning.driver import write_driver_config
from ingest.telemetry.inventory import (
    DEFAULT_COMMUNITY_ENV,
    DEFAULT_V3_AUTH_KEY_ENV,
    DEFAULT_V3_PRIV_KEY_ENV,
    Inventory,
    OltTarget,
    inventory_path,
    write_inventory,
)
from simulator.network.agent import AgentCredentials, AgentFleet
from simulator.network.build import network_from_operator
from simulator.network.model import Network
from simulator.network.scenario import default_scenario, write_network_truth

__all__ = [
    "V3_USER_ENV",
    "command_log_path",
    "credentials_from_env",
    "fleet_inventory",
    "serve_operator",
    "simulated_olts",
]

V3_USER_ENV = "FIBEROPS_SNMP_V3_USER"


def command_log_path(home: Path) -> Path:
    """The simulated OLTs' command log, ``home/network/provisioning-commands.jsonl``."""
    return home / "network" / "provisioning-commands.jsonl"


def credentials_from_env(environ: MutableMapping[str, str] | None = None) -> AgentCredentials:
    """Agent credentials from the environment, generating (and exporting) missing ones."""
    env = os.environ if environ is None else environ
    for variable, make in (
        (DEFAULT_COMMUNITY_ENV, lambda: secrets.token_hex(8)),
        (V3_USER_ENV, lambda: "fiberops"),
        (DEFAULT_V3_AUTH_KEY_ENV, lambda: secrets.token_hex(12)),
        (DEFAULT_V3_PRIV_KEY_ENV, lambda: secrets.token_hex(12)),
    ):
        if not env.get(variable):
            env[variable] = make()
    return AgentCredentials(
        community=env[DEFAULT_COMMUNITY_ENV],
        v3_user=env[V3_USER_ENV],
        v3_auth_key=env[DEFAULT_V3_AUTH_KEY_ENV],
        v3_priv_key=env[DEFAULT_V3_PRIV_KEY_ENV],
    )


def fleet_inventory(
    fleet: AgentFleet,
    version: Literal["v2c", "v3"] = "v2c",
    timeout_s: float = 1.0,
    retries: int = 1,
    max_concurrent_olts: int = 8,
) -> Inventory:
    """An inventory of every agent of ``fleet`` (credentials by environment variable name)."""
    return Inventory(
        olts=tuple(
            OltTarget(
                olt_id=olt_id,
                host=host,
                port=port,
                vendor="huawei",
                version=version,
                v3_user=fleet.credentials.v3_user if version == "v3" else None,
                timeout_s=timeout_s,
                retries=retries,
            )
            for olt_id, (host, port) in sorted(fleet.endpoints.items())
        ),
        max_concurrent_olts=max_concurrent_olts,
    )


def serve_operator(
    home: Path,
    at: dt.datetime | None = None,
    network: Network | None = None,
    version: Literal["v2c", "v3"] = "v3",
) -> AgentFleet:
    """Start the simulated OLTs of the operator at ``home`` and write its inventory.

    Besides the SNMP agents, serves the OLTs' provisioning API (its command log under
    ``home/network``, replayed first) and writes ``provisioning.yaml`` for ``driver_for``.
    Whether ONTs wait for provisioning to come online is ``network.require_provisioning``.

    Args:
        home: The simulated operator's home (``FIBEROPS_HOME``).
        at: Simulated instant the agents report (and the API stamps); None for the wall clock.
        network: The network to serve (default: built from ``home``'s files).
        version: SNMP version written in the inventory.

    Returns:
        The started fleet; ``close()`` it (or use it as a context manager) when done.
    """
    fleet = AgentFleet(
        network or network_from_operator(home),
        credentials_from_env(),
        provisioning_log=command_log_path(home),
    )
    fleet.start()
    try:
        if at is not None:
            fleet.set_time(at)
        write_inventory(inventory_path(home), fleet_inventory(fleet, version))
        write_driver_config(home, "simulated", url=fleet.provisioning_url)
    except BaseException:
        fleet.close()
        raise
    return fleet


def _is_simulated(home: Path) -> bool:
    return (home / "truth" / "activations.csv").exists() and (
        home / "landing" / "gis" / "plant.kmz"
    ).exists()


@contextlib.contextmanager
def simulated_olts(home: Path, inject: bool = True) -> Iterator[AgentFleet | None]:
    """The simulated OLTs of the operator at ``home``, for the lifetime of a ``with`` block.

    Does nothing (yields None) when ``home`` is not a simulated operator. Otherwise serves
    the network on the wall clock with ``require_provisioning`` on (an ONT comes online only
    once FiberOps applied its profile through the provisioning API), writes
    ``home/network/olts.yaml`` (SNMPv3) and ``home/network/provisioning.yaml``, and, with
    ``inject``, injects ``default_scenario`` starting now (a splitter cut and a PON port
    failure for two hours, two degrading ONTs, one agent stopped for two hours) and writes
    its truth under ``home/truth/``.
    """
    if not _is_simulated(home):
        yield None
        return
    network = network_from_operator(home)
    network.require_provisioning = True
    if inject:
        network.scenario = default_scenario(network, dt.datetime.now(dt.UTC))
        write_network_truth(home / "truth", network)
    fleet = serve_operator(home, network=network)
    try:
        yield fleet
    finally:
        fleet.close()
