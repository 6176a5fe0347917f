"""What to simulate: the size of the town, how many days, and the seed."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from simulator.errors import ConfigError

__all__ = ["MIN_PASSINGS", "SimulationConfig"]

MIN_PASSINGS = 10


@dataclass(frozen=True)
class SimulationConfig:
    """Size and seed of a simulated operator.

    Attributes:
        passings: Number of addresses (homes passed), out-of-footprint ones included.
        days: Number of simulated UTC days, starting at ``start``.
        seed: Seed of every random choice; the same config gives byte-identical files.
        start: First simulated UTC day.
        billing_leaks: Revenue leaks of each kind injected into the legacy billing export
            (``simulator.legacy_billing``); fewer when too few orders qualify.
        late_payment_share: Share of invoices paid in full after their due date.
        unpaid_share: Share of invoices never paid.
        partial_payment_share: Share of invoices paid in part by the due date (the rest
            later, or never).
        ach_return_share: Share of ACH and autopay debits returned by the bank a few days
            after they settled (``simulator.payments``).
        field_slip_share: Share of first submissions with each of the rarer field-app slips
            (``simulator.field.SLIPS``: a departure stamped before the completion, a tier the
            catalog does not sell).
        rework_share: Share of installs whose first truck roll cannot finish (no access,
            missing equipment, a failed light-level test) and need a return visit
            (``simulator.visits``).
        otdr_fault_share: Share of attached OTDR traces that show a bad drop (a lossy splice,
            a break short of the drop's length), ``simulator.field.OTDR_FAULT``.
        monthly_churn_share: Share of active subscribers who ask to disconnect in a month
            (``simulator.churn``); subscribers whose install left a marginal receive power
            ask ``simulator.churn.WEAK_OPTICS_HAZARD`` times as often.
    """

    passings: int = 5000
    days: int = 60
    seed: int = 7
    start: datetime.date = datetime.date(2026, 9, 1)
    billing_leaks: int = 3
    late_payment_share: float = 0.12
    unpaid_share: float = 0.08
    partial_payment_share: float = 0.08
    ach_return_share: float = 0.15
    field_slip_share: float = 0.01
    rework_share: float = 0.08
    otdr_fault_share: float = 0.02
    monthly_churn_share: float = 0.02

    def __post_init__(self) -> None:
        if self.passings < MIN_PASSINGS:
            raise ConfigError(f"passings must be at least {MIN_PASSINGS}, got {self.passings}")
        if self.days < 1:
            raise ConfigError(f"days must be at least 1, got {self.days}")
        if self.billing_leaks < 0:
            raise ConfigError(f"billing_leaks must not be negative, got {self.billing_leaks}")
        shares = {
            "late_payment_share": self.late_payment_share,
            "unpaid_share": self.unpaid_share,
            "partial_payment_share": self.partial_payment_share,
            "ach_return_share": self.ach_return_share,
            "field_slip_share": self.field_slip_share,
            "rework_share": self.rework_share,
            "otdr_fault_share": self.otdr_fault_share,
            "monthly_churn_share": self.monthly_churn_share,
        }
        for name, share in shares.items():
            if not 0 <= share <= 1:
                raise ConfigError(f"{name} must be from 0 to 1, got {share}")
        if self.late_payment_share + self.unpaid_share + self.partial_payment_share > 1:
            raise ConfigError(
                "late_payment_share + unpaid_share + partial_payment_share must be at most 1"
            )

    @property
    def last_day(self) -> datetime.date:
        """The last simulated UTC day (inclusive)."""
        return self.start + datetime.timedelta(days=self.days - 1)

    @property
    def window_start(self) -> datetime.datetime:
        """Midnight UTC of the first simulated day."""
        return datetime.datetime.combine(self.start, datetime.time(), tzinfo=datetime.UTC)

    @property
    def window_end(self) -> datetime.datetime:
        """Midnight UTC after the last simulated day (exclusive)."""
        return self.window_start + datetime.timedelta(days=self.days)

    @property
    def dates(self) -> list[datetime.date]:
        """Every simulated UTC day, in order."""
        return [self.start + datetime.timedelta(days=i) for i in range(self.days)]

    def rng(self, stage: str) -> random.Random:
        """An independent random stream for one stage of the simulation.

        Each stage draws from its own stream, so adding draws to one stage leaves the
        others unchanged.
        """
        return random.Random(f"fiberops:{self.seed}:{stage}")
