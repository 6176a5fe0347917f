"""What FiberOps asks an OLT to configure for one subscriber's ONT."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from actions.provisioning.errors import ProfileError

__all__ = ["ProvisioningProfile"]

_TEXT = ("order_id", "ont_serial", "olt_id", "pon_port_id", "offering_id", "bandwidth_profile")
_RATES = ("download_mbps", "upload_mbps")
_VLANS = ("service_vlan_id", "management_vlan_id", "voice_vlan_id")


@dataclass(frozen=True, slots=True)
class ProvisioningProfile:
    """The service an ONT must deliver, bound to it by serial on its OLT.

    Attributes:
        order_id: The subscriber reference (the order or work order being fulfilled).
        ont_serial: ONT serial, vendor prefix + 8 hex digits (``HWTC1A2B3C4D``).
        olt_id: OLT the ONT hangs off.
        pon_port_id: Plant id of the PON port (``OLT-01-1-03``).
        offering_id: The catalog tier delivered.
        bandwidth_profile: Name of the OLT's bandwidth profile (``bw-fiber-500``).
        download_mbps: Downstream rate, megabits per second.
        upload_mbps: Upstream rate, megabits per second.
        service_vlan_id: Internet service VLAN (1-4094).
        management_vlan_id: ONT management VLAN (1-4094).
        voice_vlan_id: Voice VLAN (1-4094) when voice is sold, else None.

    Raises:
        ProfileError: A field is empty, not of its type, or out of range.
    """

    order_id: str
    ont_serial: str
    olt_id: str
    pon_port_id: str
    offering_id: str
    bandwidth_profile: str
    download_mbps: int
    upload_mbps: int
    service_vlan_id: int
    management_vlan_id: int
    voice_vlan_id: int | None = None

    def __post_init__(self) -> None:
        for name in _TEXT:
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                self._fail(name, value, "must be non-empty text")
        for name in _RATES:
            value = getattr(self, name)
            if not _is_int(value) or value <= 0:
                self._fail(name, value, "must be a positive integer (Mbit/s)")
        for name in _VLANS:
            value = getattr(self, name)
            if name == "voice_vlan_id" and value is None:
                continue
            if not _is_int(value) or not 1 <= value <= 4094:
                self._fail(name, value, "must be a VLAN id, 1-4094")

    def _fail(self, name: str, value: object, why: str) -> None:
        record = f"order {self.order_id!r}, ONT {self.ont_serial!r}"
        raise ProfileError(f"provisioning profile ({record}): {name} {value!r} {why}")

    def to_json(self) -> dict[str, Any]:
        """The profile as a JSON-ready dict (every field, ``voice_vlan_id`` may be None)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProvisioningProfile:
        """A profile from ``to_json``'s dict.

        Raises:
            ProfileError: A field is missing, unknown, or invalid.
        """
        names = {f.name for f in fields(cls)}
        missing = sorted(names - {"voice_vlan_id"} - set(data))
        unknown = sorted(set(data) - names)
        if missing or unknown:
            where = f"order {data.get('order_id')!r}, ONT {data.get('ont_serial')!r}"
            raise ProfileError(
                f"provisioning profile ({where}): missing {missing or 'nothing'}, "
                f"unknown {unknown or 'nothing'}"
            )
        return cls(**{name: data[name] for name in names if name in data})


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
