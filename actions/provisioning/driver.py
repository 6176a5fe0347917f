"""The contract every OLT provisioning driver fulfils, and how an operator picks one.

A driver carries a command to an OLT (directly, or through its element manager) and says
what the OLT did. FiberOps calls it with a request id it derives deterministically from the
work (an order and a command), so a retried action can never apply a command twice; see
``docs/provisioning-drivers.md`` for the guarantees in full.

``driver_for(home)`` reads ``home/network/provisioning.yaml``::

    driver: simulated                  # or package.module:Class
    url: http://127.0.0.1:8765         # every other key is a keyword argument of the class
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol, runtime_checkable

import yaml

from actions.provisioning.errors import DriverConfigError, DriverError
from actions.provisioning.profile import ProvisioningProfile

__all__ = [
    "BUILTIN_DRIVERS",
    "AdminState",
    "Command",
    "DriverError",
    "DriverResult",
    "ProvisioningDriver",
    "driver_config_path",
    "driver_for",
    "write_driver_config",
]

Command = Literal["apply", "suspend", "restore", "remove"]
AdminState = Literal["active", "suspended", "removed"]
BUILTIN_DRIVERS: dict[str, str] = {
    "simulated": "actions.provisioning.simulated:SimulatedOltDriver",
}
"""Short names accepted in ``driver:``, and the class each stands for."""


@dataclass(frozen=True, slots=True)
class DriverResult:
    """What an OLT did for one request.

    Attributes:
        request_id: The caller's idempotency key.
        command: ``apply``, ``suspend``, ``restore`` or ``remove``.
        olt_id: The OLT that applied it.
        ont_serial: The ONT it applied to.
        pon_if_index: ifIndex of the ONT's PON port, as the OLT serves it over SNMP (None
            when the driver cannot tell).
        ont_id: The ONT's id on that port, as served over SNMP (None when unknown).
        admin_state: The ONT's administrative state after the command (``removed``: its
            configuration deleted, the ONT no longer served).
        applied_at: When the OLT applied it (aware, UTC).
    """

    request_id: str
    command: Command
    olt_id: str
    ont_serial: str
    pon_if_index: int | None
    ont_id: int | None
    admin_state: AdminState
    applied_at: dt.datetime

    def __post_init__(self) -> None:
        if self.command not in ("apply", "suspend", "restore", "remove"):
            raise ValueError(f"request {self.request_id}: unknown command {self.command!r}")
        if self.admin_state not in ("active", "suspended", "removed"):
            raise ValueError(f"request {self.request_id}: bad admin_state {self.admin_state!r}")
        if self.applied_at.utcoffset() != dt.timedelta(0):
            raise ValueError(f"request {self.request_id}: applied_at must be aware UTC")

    def to_json(self) -> dict[str, Any]:
        """The result as a JSON-ready dict (``applied_at`` in ISO 8601 with its offset)."""
        return {
            "request_id": self.request_id,
            "command": self.command,
            "olt_id": self.olt_id,
            "ont_serial": self.ont_serial,
            "pon_if_index": self.pon_if_index,
            "ont_id": self.ont_id,
            "admin_state": self.admin_state,
            "applied_at": self.applied_at.isoformat(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DriverResult:
        """A result from ``to_json``'s dict.

        Raises:
            ValueError: A field is missing or invalid (``KeyError`` is turned into this).
        """
        try:
            applied_at = dt.datetime.fromisoformat(str(data["applied_at"]))
            if applied_at.tzinfo is None:
                raise ValueError(f"applied_at {data['applied_at']!r} has no UTC offset")
            return cls(
                request_id=str(data["request_id"]),
                command=data["command"],
                olt_id=str(data["olt_id"]),
                ont_serial=str(data["ont_serial"]),
                pon_if_index=_optional_int(data.get("pon_if_index")),
                ont_id=_optional_int(data.get("ont_id")),
                admin_state=data["admin_state"],
                applied_at=applied_at.astimezone(dt.UTC),
            )
        except KeyError as error:
            raise ValueError(f"driver result {dict(data)!r} has no {error}") from None


def _optional_int(value: object) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"expected an integer, got {value!r}")
    return value


@runtime_checkable
class ProvisioningDriver(Protocol):
    """Carries provisioning commands to OLTs. Every method is idempotent on ``request_id``.

    A command is *applied* once the OLT holds it in its running configuration: a later
    ``lookup`` of its request id answers it, a repeat of the request id answers it, and the
    ONT behaves accordingly as soon as it is (or when it becomes) physically connected.
    A method returns only once the command is applied; otherwise it raises ``DriverError``.
    """

    def apply(self, profile: ProvisioningProfile, request_id: str) -> DriverResult:
        """Bind ``profile`` to the ONT with ``profile.ont_serial`` on ``profile.olt_id``.

        A repeated ``request_id`` returns the original result and changes nothing.

        Raises:
            DriverError: Not applied; ``retryable`` says whether trying again can help.
        """
        ...

    def suspend(self, olt_id: str, ont_serial: str, request_id: str) -> DriverResult:
        """Take the ONT's service down, keeping its configuration (idempotent likewise).

        Raises:
            DriverError: Not applied (for instance, the ONT has no profile applied).
        """
        ...

    def restore(self, olt_id: str, ont_serial: str, request_id: str) -> DriverResult:
        """Bring a suspended ONT's service back (idempotent likewise).

        Raises:
            DriverError: Not applied.
        """
        ...

    def remove(self, olt_id: str, ont_serial: str, request_id: str) -> DriverResult:
        """Delete the ONT's service configuration: it is no longer served (idempotent likewise).

        Used when a technician replaced the ONT: the new one is provisioned first, then the
        old one removed, so the subscriber's service never rests on two ONTs.

        Raises:
            DriverError: Not applied (for instance, the ONT has no profile applied).
        """
        ...

    def lookup(self, olt_id: str, request_id: str) -> DriverResult | None:
        """Whether ``olt_id`` applied ``request_id``: its result, or None if it never saw it.

        Used to reconcile after a crash between sending a command and recording its result.

        Raises:
            DriverError: The OLT could not be asked (``retryable``) or is unknown (not).
        """
        ...


def driver_config_path(home: Path) -> Path:
    """Where an operator's driver choice lives: ``$FIBEROPS_HOME/network/provisioning.yaml``."""
    return home / "network" / "provisioning.yaml"


def write_driver_config(home: Path, driver: str, **options: Any) -> Path:
    """Write ``provisioning.yaml`` naming ``driver`` and its keyword options (no secrets)."""
    path = driver_config_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"driver": driver, **options}, sort_keys=False), "utf-8")
    return path


def _load_class(path: Path, name: str) -> type[Any]:
    target = BUILTIN_DRIVERS.get(name, name)
    module_name, _, class_name = target.partition(":")
    if not module_name or not class_name:
        known = ", ".join(sorted(BUILTIN_DRIVERS))
        raise DriverConfigError(
            f"{path}: driver {name!r} is neither a built-in ({known}) nor 'package.module:Class'"
        )
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise DriverConfigError(f"{path}: driver {name!r}: cannot import: {error}") from None
    driver_class = getattr(module, class_name, None)
    if not isinstance(driver_class, type):
        raise DriverConfigError(f"{path}: driver {name!r}: {module_name} has no class {class_name}")
    return driver_class


def driver_for(home: Path) -> ProvisioningDriver:
    """The driver named in ``home/network/provisioning.yaml``, built with its options.

    Raises:
        DriverConfigError: The file is missing, is not a YAML mapping with a ``driver``,
            names a class that cannot be loaded, or its options do not fit the class (the
            message names the file).
    """
    path = driver_config_path(home)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DriverConfigError(
            f"{path}: no provisioning driver configured (expected 'driver: simulated' and "
            "'url: http://host:port', or 'driver: package.module:Class' with its options)"
        ) from None
    except yaml.YAMLError as error:
        raise DriverConfigError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("driver"), str):
        raise DriverConfigError(f"{path}: expected a mapping with a 'driver' name")
    options = {str(k): v for k, v in document.items() if k != "driver"}
    driver_class = _load_class(path, document["driver"])
    if not issubclass(driver_class, ProvisioningDriver):
        raise DriverConfigError(
            f"{path}: {driver_class.__qualname__} lacks apply/suspend/restore/remove/lookup"
        )
    try:
        driver: ProvisioningDriver = driver_class(**options)
    except (TypeError, ValueError) as error:
        raise DriverConfigError(
            f"{path}: driver {document['driver']!r} rejected options {sorted(options)}: {error}"
        ) from None
    return driver
