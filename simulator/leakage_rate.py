"""The truth of ``marts.revenue_leakage_rate``: per region, the monthly revenue delivered at
catalog prices and how much of it the injected leaks leave unbilled, computed from the
simulator's own activations and leaks, independently of the SQL.

Definitions (docs/data-contracts.md, "KPI definitions"): *monthly delivered* of a
subscription still delivered (the caller leaves out those whose service ended) is the monthly
price in its region of the tier delivered plus the ordered add-ons, pre-tax;
*underbilled* is the ``delivered_not_billed`` and ``billed_late`` amounts plus the positive
``tier_mismatch``/``addon_mismatch`` amounts; *overbilled* is the ``billed_not_delivered`` and
``billed_twice`` amounts plus the negative mismatch amounts, as positive cents; the rate is
underbilled / monthly delivered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from simulator.catalog import CATALOG
from simulator.legacy_billing import Leak, monthly_cents
from simulator.truth import Activation
from simulator.writers import write_csv

__all__ = ["COLUMNS", "RegionLeakage", "leakage_rates", "write_truth"]

COLUMNS = [
    "region",
    "activations",
    "monthly_delivered_cents",
    "leaks",
    "orders_leaking",
    "underbilled_cents",
    "overbilled_cents",
    "leakage_rate",
]

_LOST = {"delivered_not_billed", "billed_late"}
_EXTRA = {"billed_not_delivered", "billed_twice"}
_MISMATCH = {"tier_mismatch", "addon_mismatch"}


@dataclass
class RegionLeakage:
    """One row of ``revenue_leakage_rate.csv``."""

    region: str
    activations: int = 0
    monthly_delivered_cents: int = 0
    leaks: int = 0
    orders_leaking: set[str] = field(default_factory=set)
    underbilled_cents: int = 0
    overbilled_cents: int = 0

    @property
    def leakage_rate(self) -> float | None:
        """Underbilled / monthly delivered; None without deliveries."""
        if not self.monthly_delivered_cents:
            return None
        return self.underbilled_cents / self.monthly_delivered_cents

    def cells(self) -> list[str | int]:
        rate = self.leakage_rate
        return [
            self.region,
            self.activations,
            self.monthly_delivered_cents,
            self.leaks,
            len(self.orders_leaking),
            self.underbilled_cents,
            self.overbilled_cents,
            "" if rate is None else f"{rate:.6f}",
        ]


def leakage_rates(activations: Sequence[Activation], leaks: Sequence[Leak]) -> list[RegionLeakage]:
    """One row per region with an activation or a leak, sorted by region."""
    regions: dict[str, RegionLeakage] = {}
    for activation in activations:
        region = activation.order.address.region
        row = regions.setdefault(region, RegionLeakage(region))
        row.activations += 1
        tier = CATALOG.get(activation.offering_id)
        row.monthly_delivered_cents += monthly_cents(tier, activation.order.addons, region)
    for leak in leaks:
        region = leak.order.address.region
        row = regions.setdefault(region, RegionLeakage(region))
        row.leaks += 1
        row.orders_leaking.add(leak.order.order_id)
        if leak.leak_type in _LOST:
            row.underbilled_cents += leak.amount_cents
        elif leak.leak_type in _EXTRA:
            row.overbilled_cents += leak.amount_cents
        elif leak.leak_type in _MISMATCH:
            row.underbilled_cents += max(leak.amount_cents, 0)
            row.overbilled_cents += max(-leak.amount_cents, 0)
        else:
            raise ValueError(f"unknown leak type {leak.leak_type!r}")
    return [regions[r] for r in sorted(regions)]


def write_truth(directory: Path, activations: Sequence[Activation], leaks: Sequence[Leak]) -> None:
    """``revenue_leakage_rate.csv``."""
    write_csv(
        directory / "revenue_leakage_rate.csv",
        COLUMNS,
        (row.cells() for row in leakage_rates(activations, leaks)),
    )
