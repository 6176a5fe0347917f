"""The CRM's billing disputes export, and the truth of the dispute rate.

A share of the invoices owed (``truth/invoices.csv``) is disputed by the customer some days
after its bill date (``DISPUTE_SHARE``; ``TIER_CHANGED_DISPUTE_SHARE`` when the technician
delivered another tier than the one ordered, so that the bill is not what the customer
expected, and ``LEAK_DISPUTE_SHARE`` when the operator's own BSS mis-bills the order, a
revenue leak of ``simulator.legacy_billing``: billed twice, another tier or other add-ons).
A dispute is resolved some days later, ``credited`` (part of the amount, or all of it for a
duplicate charge, credited back) or ``upheld`` (the invoice stands), or is still open at the
end of the window.

The CRM exports the cases that changed each day, one CSV file per day
(``landing/disputes/disputes_<YYYY-MM-DD>.csv``): a case appears on the day it was opened
(resolution columns empty) and again on the day it was resolved (its final state). Only rows
dated within the simulated window land. Two or three malformed rows (a reason outside the
list, a ``DD/MM/YYYY`` opening time, a decimal credit) are inserted for the quarantine; their
``case_id`` (``DSP-9…``) nothing else refers to.

Every draw comes from the simulation's own ``disputes`` stream, so adding disputes changes no
other landing or truth file.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from simulator.config import SimulationConfig
from simulator.landing import QuarantinedRecord
from simulator.legacy_billing import Leak
from simulator.payments import moment_in_day
from simulator.timefmt import iso
from simulator.truth import Invoice
from simulator.writers import write_csv

__all__ = [
    "DISPUTES_FOLDER",
    "DISPUTE_COLUMNS",
    "OUTCOMES",
    "REASONS",
    "Dispute",
    "DisputeMonth",
    "DisputesLanding",
    "dispute_rate_monthly",
    "file_name",
    "land_disputes",
    "write_truth",
]

DISPUTES_FOLDER = "disputes"
DISPUTE_COLUMNS = (
    "case_id",
    "invoice_id",
    "opened_at",
    "reason",
    "resolved_at",
    "outcome",
    "credited_cents",
)
REASONS = ("wrong_amount", "wrong_tier", "duplicate_charge", "service_outage", "install_fee")
"""Why a customer disputes a bill: the CRM's fixed list."""
REASON_WEIGHTS = (0.35, 0.1, 0.1, 0.25, 0.2)
OUTCOMES = ("credited", "upheld")
DISPUTE_SHARE = 0.08
"""Share of the invoices owed that are disputed."""
TIER_CHANGED_DISPUTE_SHARE = 0.4
"""Share of the invoices disputed when the delivered tier is not the one ordered."""
LEAK_DISPUTE_SHARE = 0.4
"""Share of the invoices disputed when the BSS bills the order wrongly (``LEAK_REASONS``)."""
LEAK_REASONS = {
    "billed_twice": "duplicate_charge",
    "tier_mismatch": "wrong_tier",
    "addon_mismatch": "wrong_amount",
}
"""The revenue leaks a customer notices on a bill, and the reason they give."""
CREDITED_SHARE = 0.55
OPENED_AFTER_DAYS = (1, 10)
RESOLVED_AFTER_DAYS = (1, 6)
PARTIAL_CREDIT = (0.1, 0.5)
MALFORMED_ROWS = (2, 3)
MALFORMED_ID_OFFSET = 90_000_000


@dataclass(frozen=True, slots=True)
class Dispute:
    """A billing dispute case as the CRM knows it at the end of the window.

    Attributes:
        case_id: ``DSP-`` + 8 digits.
        invoice: The invoice disputed.
        opened_at: When the customer opened it (UTC).
        reason: One of ``REASONS``.
        resolved_at: When it was resolved (UTC); None while open.
        outcome: ``credited`` or ``upheld``; None while open.
        credited_cents: What was credited back (0 when upheld), integer cents; None while open.
    """

    case_id: str
    invoice: Invoice
    opened_at: datetime.datetime
    reason: str
    resolved_at: datetime.datetime | None
    outcome: str | None
    credited_cents: int | None

    def cells(self) -> list[str]:
        """The case as a row of the export (its state when resolved, or while open)."""
        return [
            self.case_id,
            self.invoice.invoice_id,
            iso(self.opened_at),
            self.reason,
            "" if self.resolved_at is None else iso(self.resolved_at),
            self.outcome or "",
            "" if self.credited_cents is None else str(self.credited_cents),
        ]

    def opened_cells(self) -> list[str]:
        """The row of the day the case was opened: nothing resolved yet."""
        return [*self.cells()[:4], "", "", ""]


@dataclass
class DisputesLanding:
    """The dispute files: their rows by day (header excluded), and the cases they hold."""

    files: dict[datetime.date, list[list[str]]]
    disputes: list[Dispute]
    quarantine: list[QuarantinedRecord] = field(default_factory=list)

    @property
    def records(self) -> int:
        """Landed records: one per data row, malformed ones included."""
        return sum(len(rows) for rows in self.files.values())


def file_name(day: datetime.date) -> str:
    """Path of a day's dispute file, relative to ``landing/``."""
    return f"{DISPUTES_FOLDER}/disputes_{day.isoformat()}.csv"


def _tier_changed(invoice: Invoice) -> bool:
    return invoice.offering_id != invoice.order.tier.offering_id


def _dispute(
    rng: random.Random,
    number: int,
    invoice: Invoice,
    noticed: str | None,
    window_end: datetime.datetime,
) -> Dispute | None:
    """The case opened on ``invoice`` (for the ``noticed`` reason, else a drawn one), resolved
    or not by ``window_end``; None if opened later."""
    opened_day = invoice.billing_period_start + datetime.timedelta(
        days=rng.randint(*OPENED_AFTER_DAYS)
    )
    opened_at = moment_in_day(rng, opened_day)
    drawn = rng.choices(REASONS, REASON_WEIGHTS)[0]
    reason = noticed or drawn
    resolved_at = moment_in_day(
        rng, opened_day + datetime.timedelta(days=rng.randint(*RESOLVED_AFTER_DAYS))
    )
    credited = rng.random() < CREDITED_SHARE
    share = rng.uniform(*PARTIAL_CREDIT)
    if opened_at >= window_end:
        return None
    if resolved_at >= window_end:
        return Dispute(f"DSP-{number:08d}", invoice, opened_at, reason, None, None, None)
    amount = invoice.amount_cents
    if not credited or amount <= 0:
        return Dispute(f"DSP-{number:08d}", invoice, opened_at, reason, resolved_at, "upheld", 0)
    cents = amount if reason == "duplicate_charge" else min(max(round(amount * share), 1), amount)
    return Dispute(f"DSP-{number:08d}", invoice, opened_at, reason, resolved_at, "credited", cents)


def _malformed(template: Dispute, number: int, kind: str) -> list[str]:
    cells = template.cells()
    cells[0] = f"DSP-{number:08d}"
    if kind == "unknown_reason":
        cells[3] = "Billing Issue"
    elif kind == "invalid_opened_at":
        cells[2] = template.opened_at.strftime("%d/%m/%Y %H:%M:%S")
    else:
        cells[4], cells[5], cells[6] = iso(template.opened_at), "credited", "12.50"
    return cells


def _noticed(invoice: Invoice, leaked: dict[str, str]) -> tuple[float, str | None]:
    """How likely the customer disputes ``invoice``, and the reason when it is known."""
    if _tier_changed(invoice):
        return TIER_CHANGED_DISPUTE_SHARE, "wrong_tier"
    if invoice.order.order_id in leaked:
        return LEAK_DISPUTE_SHARE, leaked[invoice.order.order_id]
    return DISPUTE_SHARE, None


def land_disputes(
    config: SimulationConfig, invoices: Sequence[Invoice], leaks: Sequence[Leak] = ()
) -> DisputesLanding:
    """The dispute files of the window for the invoices owed.

    Args:
        config: The simulation (seed, window).
        invoices: Every invoice owed (first and monthly).
        leaks: The revenue leaks injected into the BSS export; a customer whose order is
            billed twice or with another tier or add-ons disputes more often.

    Returns:
        The rows of each day's file, the cases landed, and the malformed rows.
    """
    rng = config.rng("disputes")
    leaked = {
        leak.order.order_id: LEAK_REASONS[leak.leak_type]
        for leak in sorted(leaks, key=lambda leak: (leak.order.order_id, leak.leak_type))
        if leak.leak_type in LEAK_REASONS
    }
    disputes: list[Dispute] = []
    for invoice in sorted(invoices, key=lambda i: i.invoice_id):
        share, noticed = _noticed(invoice, leaked)
        if rng.random() >= share:
            continue
        case = _dispute(rng, len(disputes) + 1, invoice, noticed, config.window_end)
        if case is not None:
            disputes.append(case)
    files: dict[datetime.date, list[list[str]]] = defaultdict(list)
    events = [(d.opened_at, d.case_id, d.opened_cells()) for d in disputes]
    events += [(d.resolved_at, d.case_id, d.cells()) for d in disputes if d.resolved_at]
    for moment, _, cells in sorted(events, key=lambda e: (e[0], e[1])):
        files[moment.date()].append(cells)
    quarantine = []
    if disputes:
        kinds = ["unknown_reason", "invalid_opened_at", "non_integer_credit"]
        bad_ids = {}
        for k, kind in enumerate(kinds[: rng.randint(*MALFORMED_ROWS)]):
            template = rng.choice(disputes)
            rows = files[template.opened_at.date()]
            cells = _malformed(template, MALFORMED_ID_OFFSET + k + 1, kind)
            rows.insert(rng.randint(0, len(rows)), cells)
            bad_ids[cells[0]] = (template.opened_at.date(), kind)
        for case_id, (day, kind) in sorted(bad_ids.items()):
            index = [row[0] for row in files[day]].index(case_id)
            quarantine.append(QuarantinedRecord("disputes", file_name(day), index, kind))
    return DisputesLanding(dict(sorted(files.items())), disputes, quarantine)


@dataclass(frozen=True, slots=True)
class DisputeMonth:
    """Invoices of one invoice month and region, and their disputes
    (``billing_dispute_rate_monthly``)."""

    invoice_month: datetime.date
    region: str
    invoices_issued: int
    invoices_disputed: int
    disputes_open: int
    credited_cents: int

    @property
    def dispute_rate(self) -> float:
        """Disputed invoices over the invoices of the month and region."""
        return self.invoices_disputed / self.invoices_issued

    def cells(self) -> list[str | int]:
        return [
            self.invoice_month.isoformat(),
            self.region,
            self.invoices_issued,
            self.invoices_disputed,
            f"{self.dispute_rate:.6f}",
            self.disputes_open,
            self.credited_cents,
        ]


MONTH_COLUMNS = (
    "invoice_month",
    "region",
    "invoices_issued",
    "invoices_disputed",
    "dispute_rate",
    "disputes_open",
    "credited_cents",
)
CASE_COLUMNS = (
    "case_id",
    "invoice_id",
    "order_id",
    "region",
    "invoice_month",
    "opened_at",
    "reason",
    "resolved_at",
    "outcome",
    "credited_cents",
)


def _month(invoice: Invoice) -> datetime.date:
    return invoice.billing_period_start.replace(day=1)


def dispute_rate_monthly(
    invoices: Sequence[Invoice], disputes: Sequence[Dispute]
) -> list[DisputeMonth]:
    """Per invoice month (of ``billing_period_start``) and region, the invoices and disputes.

    An invoice is disputed when at least one case names it; ``disputes_open`` counts the
    cases not resolved; ``credited_cents`` sums the credits of the ``credited`` cases.
    Sorted by month, then region.
    """
    cases: dict[str, list[Dispute]] = defaultdict(list)
    for dispute in disputes:
        cases[dispute.invoice.invoice_id].append(dispute)
    cells: dict[tuple[datetime.date, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for invoice in invoices:
        cell = cells[(_month(invoice), invoice.region)]
        of_invoice = cases.get(invoice.invoice_id, [])
        cell[0] += 1
        cell[1] += bool(of_invoice)
        cell[2] += sum(d.resolved_at is None for d in of_invoice)
        cell[3] += sum(d.credited_cents or 0 for d in of_invoice)
    return [
        DisputeMonth(month, region, *counts) for (month, region), counts in sorted(cells.items())
    ]


def write_truth(directory: Path, invoices: Sequence[Invoice], landing: DisputesLanding) -> None:
    """``disputes.csv`` (each landed case, as it stands) and
    ``billing_dispute_rate_monthly.csv`` (over every invoice owed)."""
    write_csv(
        directory / "disputes.csv",
        CASE_COLUMNS,
        (
            [
                d.case_id,
                d.invoice.invoice_id,
                d.invoice.order.order_id,
                d.invoice.region,
                _month(d.invoice).isoformat(),
                *d.cells()[2:],
            ]
            for d in sorted(landing.disputes, key=lambda d: d.case_id)
        ),
    )
    write_csv(
        directory / "billing_dispute_rate_monthly.csv",
        MONTH_COLUMNS,
        (m.cells() for m in dispute_rate_monthly(invoices, landing.disputes)),
    )
