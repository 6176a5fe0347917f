"""The product catalog: speed tiers, add-ons and equipment, priced by region."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["CATALOG", "REGIONS", "Catalog", "Offering"]

REGIONS = ("north", "central", "south")


@dataclass(frozen=True, slots=True)
class Offering:
    """One catalog offering.

    Attributes:
        offering_id: Stable id (``fiber-500``).
        kind: ``tier``, ``addon`` or ``equipment``.
        name: Display name.
        speed_mbps: Symmetric speed for tiers, ``None`` otherwise.
        install_fee_cents: One-off fee charged with the first invoice.
        monthly_price_cents: Recurring price by region.
    """

    offering_id: str
    kind: str
    name: str
    speed_mbps: int | None
    install_fee_cents: int
    monthly_price_cents: dict[str, int]

    def to_yaml(self) -> dict[str, Any]:
        """The offering as the catalog export writes it."""
        record: dict[str, Any] = {"offering_id": self.offering_id, "kind": self.kind}
        record["name"] = self.name
        if self.speed_mbps is not None:
            record["download_mbps"] = self.speed_mbps
            record["upload_mbps"] = self.speed_mbps
        record["install_fee_cents"] = self.install_fee_cents
        record["monthly_price_cents"] = dict(self.monthly_price_cents)
        return record


def _tier(speed: int, price: int, south_discount: int) -> Offering:
    name = f"Fiber {speed}"
    prices = {"north": price, "central": price, "south": price - south_discount}
    return Offering(f"fiber-{speed}", "tier", name, speed, 9900, prices)


def _flat(offering_id: str, kind: str, name: str, price: int) -> Offering:
    return Offering(offering_id, kind, name, None, 0, dict.fromkeys(REGIONS, price))


@dataclass(frozen=True)
class Catalog:
    """The operator's catalog."""

    currency: str
    offerings: tuple[Offering, ...]

    def get(self, offering_id: str) -> Offering:
        """The offering with that id.

        Raises:
            KeyError: No such offering.
        """
        for offering in self.offerings:
            if offering.offering_id == offering_id:
                return offering
        raise KeyError(offering_id)

    @property
    def tiers(self) -> tuple[Offering, ...]:
        """Speed tiers, slowest first."""
        return tuple(o for o in self.offerings if o.kind == "tier")

    @property
    def addons(self) -> tuple[Offering, ...]:
        """Add-ons (voice, static IP, managed Wi-Fi)."""
        return tuple(o for o in self.offerings if o.kind == "addon")

    def to_yaml(self) -> dict[str, Any]:
        """The catalog document as ``landing/catalog/catalog.yaml`` holds it."""
        return {
            "currency": self.currency,
            "regions": list(REGIONS),
            "offerings": [o.to_yaml() for o in self.offerings],
        }


CATALOG = Catalog(
    currency="USD",
    offerings=(
        _tier(300, 5500, 500),
        _tier(500, 6500, 500),
        _tier(1000, 8000, 500),
        _tier(2000, 11000, 1000),
        _flat("voice", "addon", "Home Phone", 2000),
        _flat("static-ip", "addon", "Static IP Address", 1500),
        _flat("managed-wifi", "addon", "Managed Whole-Home Wi-Fi", 1000),
        _flat("wifi-router", "equipment", "Wi-Fi 6 Router Rental", 500),
        _flat("mesh-extender", "equipment", "Mesh Extender Rental", 700),
    ),
)
