"""The simulated access network: OLTs, their PON ports and ONTs, and the events injected.

Everything here is a pure function of the network and a point in simulated time, so the same
network answers the same SNMP values at the same instant, whoever asks. That includes the
provisioning commands the OLTs applied: each carries the instant it took effect, and a reading
at ``at`` only sees the commands applied by then.

Units: optical power in dBm (floats here; hundredths of dBm on the wire), times are aware UTC
``datetime`` values, rates in octets per second.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "CUT_SCOPES",
    "AgentStop",
    "FibreCut",
    "Network",
    "OltNode",
    "OntAdminState",
    "OntCommand",
    "OntNode",
    "OntReading",
    "OpticalDegradation",
    "PonNode",
    "ProvisioningCommand",
    "Scenario",
    "huawei_pon_if_index",
    "stable_unit",
]

CutScope = Literal["splitter", "pon_port", "fdh"]
CUT_SCOPES: tuple[str, ...] = ("splitter", "pon_port", "fdh")
ProvisioningCommand = Literal["apply", "suspend", "restore", "remove"]

LOS_DBM = -30.0
"""Below this receive power the ONT loses the downstream signal and goes offline."""


def huawei_pon_if_index(slot: int, port: int) -> int:
    """The ifIndex a Huawei MA5800 gives GPON port ``0/slot/port`` (frame 0)."""
    return 4194304000 + slot * 8192 + port * 256


def stable_unit(*parts: object) -> float:
    """A deterministic number in [0, 1) from the given parts."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


@dataclass(frozen=True, slots=True)
class OntNode:
    """An ONT at a subscriber's premises, as its OLT knows it.

    Attributes:
        serial: ONT serial, vendor prefix + 8 hex digits (``HWTC1A2B3C4D``).
        olt_id: OLT the ONT is registered on.
        pon_port_id: Plant id of the PON port (``OLT-01-1-03``).
        pon_if_index: ifIndex of that PON port on the OLT.
        ont_id: ONT id on the PON port (0-based, as Huawei numbers them).
        splitter_id: Splitter the drop starts from.
        fdh_id: FDH cabinet feeding the splitter.
        address_id: Service address.
        registered_at: When the ONT is physically connected and first ranges on its port (a
            few minutes after activation); with ``Network.require_provisioning`` it comes
            online only once provisioned too.
        base_rx_dbm: Healthy downstream receive power at the ONT.
    """

    serial: str
    olt_id: str
    pon_port_id: str
    pon_if_index: int
    ont_id: int
    splitter_id: str
    fdh_id: str
    address_id: str
    registered_at: dt.datetime
    base_rx_dbm: float


@dataclass(frozen=True, slots=True)
class PonNode:
    """A GPON port of an OLT."""

    pon_port_id: str
    olt_id: str
    slot: int
    port: int

    @property
    def if_index(self) -> int:
        """The port's ifIndex (Huawei numbering)."""
        return huawei_pon_if_index(self.slot, self.port)

    @property
    def if_descr(self) -> str:
        """The port's ifDescr, as a Huawei OLT writes it."""
        return f"GPON 0/{self.slot}/{self.port}"


@dataclass(frozen=True, slots=True)
class OltNode:
    """An OLT with its PON ports and the ONTs registered on them."""

    olt_id: str
    vendor: str
    model: str
    pon_ports: tuple[PonNode, ...]
    onts: tuple[OntNode, ...]
    uplinks: int = 2


@dataclass(frozen=True, slots=True)
class FibreCut:
    """Fibre cut from ``start`` (inclusive) to ``end`` (exclusive, None = not repaired).

    A cut on a ``splitter`` or ``fdh`` takes every ONT behind it offline; a ``pon_port``
    failure also takes the OLT port itself down (ifOperStatus down).
    """

    scope: CutScope
    scope_id: str
    start: dt.datetime
    end: dt.datetime | None = None

    def active(self, at: dt.datetime) -> bool:
        """Whether the cut is in effect at ``at``."""
        return self.start <= at and (self.end is None or at < self.end)


@dataclass(frozen=True, slots=True)
class OpticalDegradation:
    """An ONT whose receive power drifts down by ``db_per_day`` from ``start`` on."""

    ont_serial: str
    start: dt.datetime
    db_per_day: float

    def loss_db(self, at: dt.datetime) -> float:
        """Extra loss at ``at``, in dB (0 before ``start``)."""
        days = (at - self.start).total_seconds() / 86400
        return max(0.0, days) * self.db_per_day


@dataclass(frozen=True, slots=True)
class AgentStop:
    """The SNMP agent of ``olt_id`` does not answer from ``start`` to ``end`` (exclusive)."""

    olt_id: str
    start: dt.datetime
    end: dt.datetime | None = None

    def active(self, at: dt.datetime) -> bool:
        """Whether the agent is down at ``at``."""
        return self.start <= at and (self.end is None or at < self.end)


@dataclass(frozen=True)
class Scenario:
    """The events injected into a network."""

    cuts: tuple[FibreCut, ...] = ()
    degradations: tuple[OpticalDegradation, ...] = ()
    agent_stops: tuple[AgentStop, ...] = ()


@dataclass(frozen=True, slots=True)
class OntCommand:
    """A provisioning command an OLT applied to one of its ONTs.

    Attributes:
        ont_serial: The ONT the command is for.
        command: ``apply`` (bind a service profile), ``suspend``, ``restore`` or ``remove``
            (delete the configuration: the ONT is unprovisioned again).
        applied_at: When the OLT applied it (the OLT's clock: simulated time when set).
        request_id: The request that carried it (unique per command).
    """

    ont_serial: str
    command: ProvisioningCommand
    applied_at: dt.datetime
    request_id: str


@dataclass(frozen=True, slots=True)
class OntAdminState:
    """What the provisioning commands applied by one instant make of an ONT.

    Attributes:
        provisioned_at: When its first profile was applied; None while never provisioned.
        suspended_at: When it was suspended; None unless it is suspended now.
        restored_at: When the last restore lifted a suspension; None if none did.
    """

    provisioned_at: dt.datetime | None = None
    suspended_at: dt.datetime | None = None
    restored_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class OntReading:
    """What an OLT reports for one ONT at one instant.

    Attributes:
        online: ONT run status is online.
        rx_dbm: ONT downstream receive power, None without a reading.
        tx_dbm: ONT upstream transmit power, None without a reading.
        olt_rx_dbm: Upstream power received at the OLT from this ONT, None without a reading.
        last_up_at: When the ONT last came online.
    """

    online: bool
    rx_dbm: float | None
    tx_dbm: float | None
    olt_rx_dbm: float | None
    last_up_at: dt.datetime


@dataclass
class Network:
    """A whole simulated access network with its injected events.

    Attributes:
        olts: OLTs by id, in id order.
        scenario: Events in effect (cuts, degradations, agent stops).
        booted_at: When every agent booted (counters and sysUpTime start here).
        require_provisioning: An ONT comes online only once a profile is applied to it and
            while it is not suspended, as on a real OLT. False (the default): every ONT comes
            online at its physical ``registered_at``, whatever was provisioned.
        commands: Provisioning commands applied, by ONT serial, in the order they took
            effect; change it only through ``record``.
        revision: Bumped by every ``record``, so a cached view of the network can tell it is
            out of date.
    """

    olts: dict[str, OltNode]
    scenario: Scenario = field(default_factory=Scenario)
    booted_at: dt.datetime = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    require_provisioning: bool = False
    commands: dict[str, tuple[OntCommand, ...]] = field(default_factory=dict)
    revision: int = 0
    _lock: threading.Lock = field(
        default_factory=threading.Lock, init=False, repr=False, compare=False
    )

    def ont_count(self) -> int:
        """ONTs in the network, registered or not yet."""
        return sum(len(o.onts) for o in self.olts.values())

    def find_ont(self, olt_id: str, serial: str) -> OntNode | None:
        """The ONT with ``serial`` physically on a PON port of ``olt_id``; None if none is."""
        olt = self.olts.get(olt_id)
        return next((o for o in olt.onts if o.serial == serial), None) if olt else None

    def record(self, command: OntCommand) -> None:
        """Apply a provisioning command; readers see the new state or the old, never half.

        Commands taking effect at the same instant keep the order they were recorded in; a
        command whose request id is already recorded for that ONT changes nothing.
        """
        with self._lock:
            history = self.commands.get(command.ont_serial, ())
            if any(c.request_id == command.request_id for c in history):
                return
            ordered = sorted((*history, command), key=lambda c: c.applied_at)
            self.commands[command.ont_serial] = tuple(ordered)
            self.revision += 1

    def admin_state(self, serial: str, at: dt.datetime) -> OntAdminState:
        """What the commands applied to ``serial`` by ``at`` make of it."""
        provisioned_at = suspended_at = restored_at = None
        for command in self.commands.get(serial, ()):
            if command.applied_at > at:
                break
            if command.command == "apply" and provisioned_at is None:
                provisioned_at = command.applied_at
            elif command.command == "suspend" and suspended_at is None:
                suspended_at = command.applied_at
            elif command.command == "restore" and suspended_at is not None:
                suspended_at, restored_at = None, command.applied_at
            elif command.command == "remove":
                provisioned_at = suspended_at = restored_at = None
        return OntAdminState(provisioned_at, suspended_at, restored_at)

    def _cuts_at(self, at: dt.datetime) -> list[FibreCut]:
        return [c for c in self.scenario.cuts if c.active(at)]

    def pon_port_up(self, pon: PonNode, at: dt.datetime) -> bool:
        """Whether the OLT port itself is up at ``at``."""
        return not any(
            c.scope == "pon_port" and c.scope_id == pon.pon_port_id for c in self._cuts_at(at)
        )

    def agent_up(self, olt_id: str, at: dt.datetime) -> bool:
        """Whether the OLT's SNMP agent answers at ``at``."""
        return not any(s.olt_id == olt_id and s.active(at) for s in self.scenario.agent_stops)

    def _cut_down_since(self, ont: OntNode, at: dt.datetime) -> tuple[bool, dt.datetime | None]:
        """Whether a cut holds the ONT down at ``at``; else when its last cut ended."""
        last_end: dt.datetime | None = None
        for cut in self.scenario.cuts:
            hits = {"splitter": ont.splitter_id, "pon_port": ont.pon_port_id, "fdh": ont.fdh_id}
            if hits[cut.scope] != cut.scope_id or cut.start > at:
                continue
            if cut.active(at):
                return True, None
            if cut.end is not None and (last_end is None or cut.end > last_end):
                last_end = cut.end
        return False, last_end

    def reading(self, ont: OntNode, at: dt.datetime) -> OntReading | None:
        """What the OLT reports for ``ont`` at ``at``; None before it is physically connected.

        With ``require_provisioning``, a connected ONT that was never provisioned is not in the
        ONT table at all (a real OLT lists it among auto-found ONTs only); a suspended one is
        listed offline without optical readings. An ONT comes online at the later of its
        connection and its first profile applied, and again when restored; its last-up time
        is then that instant.
        """
        if at < ont.registered_at:
            return None
        down, last_cut_end = self._cut_down_since(ont, at)
        last_up = max(ont.registered_at, last_cut_end or ont.registered_at)
        if self.require_provisioning:
            state = self.admin_state(ont.serial, at)
            if state.provisioned_at is None:
                return None
            came_up = [ont.registered_at, state.provisioned_at, state.restored_at]
            if state.suspended_at is not None:
                cut_end = (
                    last_cut_end if last_cut_end and last_cut_end <= state.suspended_at else None
                )
                last_up = max(t for t in (*came_up, cut_end) if t is not None)
                return OntReading(False, None, None, None, last_up)
            last_up = max(t for t in (*came_up, last_cut_end) if t is not None)
        loss = sum(d.loss_db(at) for d in self.scenario.degradations if d.ont_serial == ont.serial)
        bucket = int(at.timestamp() // 60)
        jitter = (stable_unit(ont.serial, bucket) - 0.5) * 0.2
        rx = round(ont.base_rx_dbm - loss + jitter, 2)
        if down or rx < LOS_DBM:
            return OntReading(False, None, None, None, last_up)
        tx = round(2.0 + stable_unit(ont.serial, "tx") * 1.5, 2)
        olt_rx = round(ont.base_rx_dbm - 2.5 - loss + stable_unit(ont.serial, "olt") * 0.8, 2)
        return OntReading(True, rx, tx, olt_rx, last_up)

    def boot_time(self, olt_id: str, at: dt.datetime) -> dt.datetime:
        """When the OLT's agent last (re)started before ``at``: counters restart from zero."""
        ends = [
            s.end
            for s in self.scenario.agent_stops
            if s.olt_id == olt_id and s.end is not None and s.end <= at
        ]
        return max([self.booted_at, *ends])

    def octets(self, olt_id: str, if_index: int, at: dt.datetime) -> tuple[int, int]:
        """In and out octets counted by an interface since its agent booted (64-bit)."""
        seconds = max(0.0, (at - self.boot_time(olt_id, at)).total_seconds())
        rate_in = 1_000_000 + int(stable_unit(olt_id, if_index, "in") * 50_000_000)
        rate_out = 2_000_000 + int(stable_unit(olt_id, if_index, "out") * 200_000_000)
        return int(rate_in * seconds) % 2**64, int(rate_out * seconds) % 2**64
