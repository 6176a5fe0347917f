"""Simulated OLTs as real SNMP agents (pysnmp 7, asyncio), one UDP port each on loopback.

Each agent answers GET, GETNEXT and GETBULK over SNMPv2c (a community) and SNMPv3 (a USM
user with HMAC-SHA authentication and AES-128 privacy), from a ``MibView`` of its OLT at the
fleet's current simulated time (or the wall clock when none is set). A stopped agent closes
its socket, so requests to it time out as they do for an OLT that fell off the network.

``AgentFleet`` runs every agent on one event loop in a background thread::

    with AgentFleet(network, credentials) as fleet:
        fleet.set_time(at)          # what the OLTs report, and which agents answer
        fleet.endpoints             # {olt_id: (host, port)}

Given a ``provisioning_log``, the fleet also serves the OLTs' provisioning API
(``simulator.network.provisioning``) for as long as the agents run, on ``provisioning_url``.
A command it applies changes the network's ``revision``, which every agent's cached view
is keyed on, so the next SNMP answer reflects it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import socket
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from pysnmp.carrier.asyncio.dgram import udp
from pysnmp.entity import config, engine
from pysnmp.entity.rfc3413 import cmdrsp, context
from pysnmp.proto import rfc1902, rfc1905
from pysnmp.smi import instrum

from simulator.network.mib import MibView, olt_view
from simulator.network.model import Network, OltNode
from simulator.network.provisioning import ProvisioningApi

__all__ = ["AgentCredentials", "AgentFleet", "free_udp_port", "free_udp_ports"]

T = TypeVar("T")
MAX_BULK_VARBINDS = 256
"""Most var-binds one GETBULK response carries (pysnmp's default is 64)."""
WALL_CLOCK_CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class AgentCredentials:
    """What a poller must present. Pass secrets in from the environment, never from code.

    Attributes:
        community: SNMPv2c community.
        v3_user: SNMPv3 USM user name (HMAC-SHA-96 authentication, AES-128 privacy).
        v3_auth_key: Authentication passphrase (at least 8 characters).
        v3_priv_key: Privacy passphrase (at least 8 characters).
    """

    community: str
    v3_user: str
    v3_auth_key: str
    v3_priv_key: str


def free_udp_port(host: str = "127.0.0.1") -> int:
    """A UDP port nobody listens on right now."""
    return free_udp_ports(1, host)[0]


def free_udp_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """``count`` different UDP ports nobody listens on right now.

    Every probe stays bound until all are picked: a probe closed before the next one binds can
    get the same port back, and at 100 OLTs two simulated agents then shared one port, each
    OLT's poll reading the other's ONTs.
    """
    with contextlib.ExitStack() as stack:
        probes = [
            stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
            for _ in range(count)
        ]
        for probe in probes:
            probe.bind((host, 0))
        return [int(probe.getsockname()[1]) for probe in probes]


class _ViewInstrumentation(instrum.AbstractMibInstrumController):
    """Answers reads from the current ``MibView`` of one OLT (read-only, whole tree)."""

    def __init__(self, view: Callable[[], MibView]) -> None:
        self._view = view

    def read_variables(self, *var_binds: Any, **_context: Any) -> list[tuple[Any, Any]]:
        view = self._view()
        out = []
        for name, _ in var_binds:
            value = view.get(tuple(name))
            out.append((name, rfc1905.noSuchInstance if value is None else value))
        return out

    def read_next_variables(self, *var_binds: Any, **_context: Any) -> list[tuple[Any, Any]]:
        view = self._view()
        out: list[tuple[Any, Any]] = []
        for name, _ in var_binds:
            found = view.next(tuple(name))
            if found is None:
                out.append((name, rfc1905.endOfMibView))
            else:
                out.append((rfc1902.ObjectName(found[0]), found[1]))
        return out


class _BulkResponder(cmdrsp.BulkCommandResponder):
    max_varbinds = MAX_BULK_VARBINDS


class _OltAgent:
    """One OLT's SNMP engine, bound to ``host:port`` while running."""

    def __init__(
        self,
        fleet: AgentFleet,
        olt: OltNode,
        host: str,
        port: int,
        credentials: AgentCredentials,
    ) -> None:
        self.olt = olt
        self.host, self.port = host, port
        self._fleet = fleet
        self._cache: tuple[tuple[object, int], MibView] | None = None
        # pysnmp gives each engine its own engine ID; an explicit one would be persisted in
        # the temp folder (and its file left open).
        self.engine = engine.SnmpEngine()
        config.add_v1_system(self.engine, "fiberops-area", credentials.community)
        config.add_vacm_user(self.engine, 2, "fiberops-area", "noAuthNoPriv", (1, 3, 6))
        config.add_v3_user(
            self.engine,
            credentials.v3_user,
            config.USM_AUTH_HMAC96_SHA,
            credentials.v3_auth_key,
            config.USM_PRIV_CFB128_AES,
            credentials.v3_priv_key,
        )
        config.add_vacm_user(self.engine, 3, credentials.v3_user, "authPriv", (1, 3, 6))
        snmp_context = context.SnmpContext(self.engine)
        snmp_context.unregister_context_name(b"")
        snmp_context.register_context_name(b"", _ViewInstrumentation(self.view))
        cmdrsp.GetCommandResponder(self.engine, snmp_context)
        cmdrsp.NextCommandResponder(self.engine, snmp_context)
        _BulkResponder(self.engine, snmp_context)
        self.running = False

    def view(self) -> MibView:
        at, clock = self._fleet.clock_key()
        key = (clock, self._fleet.network.revision)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, olt_view(self._fleet.network, self.olt, at))
        return self._cache[1]

    async def start(self) -> None:
        if self.running:
            return
        transport = udp.UdpAsyncioTransport().open_server_mode((self.host, self.port))
        config.add_transport(self.engine, udp.DOMAIN_NAME, transport)
        await asyncio.sleep(0)
        self.running = True

    async def stop(self) -> None:
        if not self.running:
            return
        transport = config.get_transport(self.engine, udp.DOMAIN_NAME)
        config.delete_transport(self.engine, udp.DOMAIN_NAME)
        if transport is not None:
            transport.close_transport()
        await asyncio.sleep(0)
        self.running = False


class AgentFleet:
    """Every OLT of a network as an SNMP agent on its own UDP port, in a background thread.

    Args:
        network: The simulated network the agents report.
        credentials: Community and SNMPv3 user every agent accepts.
        host: Address to bind (loopback by default).
        ports: Port per OLT id; free ports are picked for the others.
        provisioning_log: With a path, also serve the provisioning API (on ``host``, a free
            port), its command log at that path, replayed into ``network`` on start.
    """

    def __init__(
        self,
        network: Network,
        credentials: AgentCredentials,
        host: str = "127.0.0.1",
        ports: dict[str, int] | None = None,
        provisioning_log: Path | None = None,
    ) -> None:
        self.network = network
        self.credentials = credentials
        self.host = host
        self._ports = dict(ports or {})
        self.provisioning = (
            ProvisioningApi(network, provisioning_log, self.now, host)
            if provisioning_log is not None
            else None
        )
        self._time: dt.datetime | None = None
        self._manual_stops: set[str] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._agents: dict[str, _OltAgent] = {}
        self._frozen = False

    @property
    def endpoints(self) -> dict[str, tuple[str, int]]:
        """``(host, port)`` of every OLT's agent, by OLT id."""
        return {olt_id: (a.host, a.port) for olt_id, a in self._agents.items()}

    @property
    def provisioning_url(self) -> str | None:
        """``http://host:port`` of the provisioning API; None when the fleet serves none."""
        return self.provisioning.url if self.provisioning is not None else None

    def clock_key(self) -> tuple[dt.datetime, object]:
        """The instant the agents report, and a key that changes when their view must."""
        if self._time is not None:
            return self._time, self._time
        now = dt.datetime.now(dt.UTC)
        return now, int(now.timestamp() // WALL_CLOCK_CACHE_SECONDS)

    def now(self) -> dt.datetime:
        """The instant the agents report (simulated time if set, else the wall clock)."""
        return self.clock_key()[0]

    def _call(self, make: Callable[[], Coroutine[Any, Any, T]]) -> T:
        if self._loop is None:
            raise RuntimeError("the agent fleet is not started")
        return asyncio.run_coroutine_threadsafe(make(), self._loop).result(timeout=60)

    def start(self) -> AgentFleet:
        """Start the provisioning API if any, the event loop thread and every running agent.

        Does nothing when the fleet is already started (``with`` on a started fleet is fine).
        """
        if self._loop is not None:
            return self
        if self.provisioning is not None:
            self.provisioning.start()
        try:
            self._start_agents()
        except BaseException:
            self.close()
            raise
        self._freeze_heap()
        return self

    def _freeze_heap(self) -> None:
        """Take what lives as long as the fleet out of the cyclic garbage collector's sight.

        Each agent's SNMP engine holds pysnmp's MIB tree, some 10,000 objects; with them in
        the oldest generation, every full collection walked them all. Serving a GETBULK
        makes enough short-lived objects to trigger such collections, the more the larger
        the answer: over 20 OLTs, 1.8 of the 6 CPU seconds the agents spent on a poll.
        ``gc.freeze`` after a collection leaves them out until ``close`` unfreezes.
        """
        gc.collect()
        gc.freeze()
        self._frozen = True

    def _start_agents(self) -> None:
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="fiberops-olt-agents", daemon=True)
        self._thread.start()
        ready.wait(10)

        unassigned = sorted(set(self.network.olts) - set(self._ports))
        picked = free_udp_ports(len(unassigned), self.host)
        ports = {**self._ports, **dict(zip(unassigned, picked, strict=True))}

        async def build() -> None:
            for olt_id, olt in sorted(self.network.olts.items()):
                self._agents[olt_id] = _OltAgent(
                    self, olt, self.host, ports[olt_id], self.credentials
                )
            await self._sync()

        self._call(build)

    async def _sync(self) -> None:
        at = self.now()
        for olt_id, agent in self._agents.items():
            up = olt_id not in self._manual_stops and self.network.agent_up(olt_id, at)
            await (agent.start() if up else agent.stop())

    def set_time(self, at: dt.datetime | None) -> None:
        """Report the network as of ``at`` (None: the wall clock); apply scheduled stops."""
        self._time = at
        self._call(self._sync)

    def stop_agent(self, olt_id: str) -> None:
        """Stop one OLT's agent (it no longer answers) until ``start_agent``."""
        self._manual_stops.add(olt_id)
        self._call(self._sync)

    def start_agent(self, olt_id: str) -> None:
        """Start again an agent stopped by ``stop_agent``."""
        self._manual_stops.discard(olt_id)
        self._call(self._sync)

    def close(self) -> None:
        """Stop every agent, the event loop and the provisioning API."""
        if self.provisioning is not None:
            self.provisioning.close()
        if self._loop is None:
            return

        async def shutdown() -> None:
            for agent in self._agents.values():
                await agent.stop()
                agent.engine.close_dispatcher()

        self._call(shutdown)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop.close()
        self._loop = None
        if self._frozen:
            gc.unfreeze()
            self._frozen = False

    def __enter__(self) -> AgentFleet:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
