"""The operator's payment files, as its bank and card processor deliver them, and receivables.

For every invoice owed (``truth/invoices.csv``) the customer pays, in a seeded order, with
the shares of ``SimulationConfig`` rounded up (so that a small operator has each kind): in
full some days after the due date (``late_payment_share``), in part by the due date with the
rest later or never (``partial_payment_share``), not at all (``unpaid_share``), or in full
by the due date (the others, most). The bill date of an invoice is
its ``billing_period_start``; it is due ``payment_terms_days`` later (``catalog/billing.yaml``).

Each customer pays by one method: ``autopay`` (a direct debit a day or two after the bill
date), ``ach`` (a bank transfer) or ``card``; an autopay customer who pays late or pays the
rest of a partial payment does so by ACH transfer. A share of the ACH and autopay debits
(``ach_return_share``, rounded up) come back a few days after they settled: a ``returned``
row with the same ``payment_id`` and an ACH return code; about half of those customers then
pay the amount again by card.

One file per day with payments, ``landing/payments/payments_<YYYY-MM-DD>.csv``; only rows
dated within the simulated window land. Two or three malformed rows (a decimal amount, a
``DD/MM/YYYY`` time) are inserted for the quarantine: they pay nothing.

``truth/receivables.csv`` holds each invoice's balance as of the last day the data covers
(``kpi_daily``'s last day), its days overdue and dunning stage.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from simulator.config import SimulationConfig
from simulator.landing import QuarantinedRecord
from simulator.timefmt import iso
from simulator.truth import BillingTerms, Invoice

__all__ = [
    "DUNNING_STAGES",
    "METHODS",
    "PAYMENTS_FOLDER",
    "PAYMENT_COLUMNS",
    "Payment",
    "PaymentsLanding",
    "Receivable",
    "file_name",
    "land_payments",
    "moment_in_day",
    "receivables",
]

PAYMENTS_FOLDER = "payments"
PAYMENT_COLUMNS = (
    "payment_id",
    "invoice_id",
    "customer_id",
    "amount_cents",
    "method",
    "status",
    "return_code",
    "paid_at",
)
METHODS = ("autopay", "ach", "card")
METHOD_WEIGHTS = (0.45, 0.30, 0.25)
DEBITS = ("autopay", "ach")
RETURN_CODES = ("R01", "R02", "R03", "R08", "R10")
RETURN_CODE_WEIGHTS = (0.6, 0.1, 0.1, 0.1, 0.1)
DUNNING_STAGES = ("current", "reminder", "suspend")
AUTOPAY_DAYS = (0, 2)
LATE_DAYS = (1, 30)
PARTIAL_SHARE = (0.3, 0.7)
PARTIAL_REST_PAID = 0.5
RETURN_DAYS = (2, 5)
RETRY_SHARE = 0.5
RETRY_DAYS = (2, 10)
MALFORMED_ROWS = (2, 3)
MALFORMED_ID_OFFSET = 90_000_000
_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Payment:
    """One row of a payment file: a settlement, or the return of one (same ``payment_id``).

    Attributes:
        payment_id: ``PAY-`` + 8 digits; a return repeats the id of the debit it returns.
        invoice: The invoice paid.
        amount_cents: Amount settled or returned, positive, integer cents.
        method: ``autopay``, ``ach`` or ``card``.
        status: ``settled`` or ``returned``.
        return_code: ACH return code (``R01`` …) of a ``returned`` row, else ``None``.
        paid_at: When the bank settled or returned it (UTC).
    """

    payment_id: str
    invoice: Invoice
    amount_cents: int
    method: str
    status: str
    return_code: str | None
    paid_at: datetime.datetime

    @property
    def signed_cents(self) -> int:
        """What the row adds to the amount paid: negative for a return."""
        return -self.amount_cents if self.status == "returned" else self.amount_cents

    def cells(self) -> list[str]:
        return [
            self.payment_id,
            self.invoice.invoice_id,
            self.invoice.order.customer_id,
            str(self.amount_cents),
            self.method,
            self.status,
            self.return_code or "",
            iso(self.paid_at),
        ]


@dataclass(frozen=True, slots=True)
class Receivable:
    """One row of ``truth/receivables.csv``: an invoice owed and what is left to pay.

    Attributes:
        invoice: The invoice owed.
        paid_cents: Settled minus returned, counting rows dated up to the data's last day.
        due_date: ``billing_period_start + payment_terms_days``.
        days_overdue: Days from the due date to the data's last day; 0 when nothing is left
            to pay or not yet due.
        dunning_stage: ``current``, ``reminder`` or ``suspend``.
        paid_in_full_at: When the payment that left nothing to pay settled (the latest, if a
            return reopened the balance); ``None`` while a balance is left.
        payments: The well-formed rows counted.
    """

    invoice: Invoice
    paid_cents: int
    due_date: datetime.date
    days_overdue: int
    dunning_stage: str
    paid_in_full_at: datetime.datetime | None
    payments: tuple[Payment, ...]

    @property
    def balance_cents(self) -> int:
        """Amount left to pay."""
        return self.invoice.amount_cents - self.paid_cents


@dataclass
class PaymentsLanding:
    """The payment files: their rows by day (header excluded), and what they hold."""

    files: dict[datetime.date, list[list[str]]]
    payments: list[Payment]
    quarantine: list[QuarantinedRecord] = field(default_factory=list)

    @property
    def records(self) -> int:
        """Landed records: one per data row, malformed ones included."""
        return sum(len(rows) for rows in self.files.values())


def file_name(day: datetime.date) -> str:
    """Path of a day's payment file, relative to ``landing/``."""
    return f"{PAYMENTS_FOLDER}/payments_{day.isoformat()}.csv"


@dataclass(frozen=True, slots=True)
class _Draft:
    invoice: Invoice
    amount_cents: int
    method: str
    paid_at: datetime.datetime
    returned_at: datetime.datetime | None = None
    return_code: str | None = None


def moment_in_day(
    rng: random.Random, day: datetime.date, not_before: datetime.datetime | None = None
) -> datetime.datetime:
    """A moment of ``day``, uniform over the part of it from ``not_before`` on (one draw)."""
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
    second = rng.randrange(86_400)
    if not_before is None or not_before <= start:
        return start + datetime.timedelta(seconds=second)
    # the same draw, squeezed into what is left of the day: no payment before its invoice
    left = max(0.0, (start + datetime.timedelta(days=1) - not_before).total_seconds() - 1)
    return not_before + datetime.timedelta(seconds=int(second * left / 86_400))


def _behaviours(
    rng: random.Random, config: SimulationConfig, invoices: Sequence[Invoice]
) -> list[str]:
    """How each invoice is paid: the shares of ``config`` rounded up, in a seeded order."""
    n = len(invoices)
    counts = {
        kind: math.ceil(share * n)
        for kind, share in (
            ("unpaid", config.unpaid_share),
            ("late", config.late_payment_share),
            ("partial", config.partial_payment_share),
        )
    }
    kinds = [kind for kind, count in counts.items() for _ in range(count)][:n]
    kinds += ["on_time"] * (n - len(kinds))
    rng.shuffle(kinds)
    return kinds


def _settlements(
    rng: random.Random, invoice: Invoice, behaviour: str, method: str, terms: int
) -> list[tuple[int, datetime.date, str]]:
    """``(amount, day, method)`` of each payment the customer makes on an invoice."""
    bill = invoice.billing_period_start
    due = bill + datetime.timedelta(days=terms)
    amount = invoice.amount_cents
    if method == "autopay":
        on_time = bill + datetime.timedelta(days=min(rng.randint(*AUTOPAY_DAYS), terms))
    else:
        on_time = bill + datetime.timedelta(days=rng.randint(0, terms))
    late = due + datetime.timedelta(days=rng.randint(*LATE_DAYS))
    later_method = "ach" if method == "autopay" else method
    if behaviour == "unpaid" or amount <= 0:
        return []
    if behaviour == "late":
        return [(amount, late, later_method)]
    if behaviour == "partial" and amount >= 2:
        part = min(max(round(amount * rng.uniform(*PARTIAL_SHARE)), 1), amount - 1)
        paid = [(part, on_time, method)]
        if rng.random() < PARTIAL_REST_PAID:
            paid.append((amount - part, late, later_method))
        return paid
    return [(amount, on_time, method)]


def _drafts(
    rng: random.Random,
    config: SimulationConfig,
    invoices: Sequence[Invoice],
    terms: int,
    activated_at: Mapping[str, datetime.datetime],
) -> list[_Draft]:
    ordered = sorted(invoices, key=lambda i: (i.order.order_id, i.billing_period_start))
    method_of: dict[str, str] = {}
    paid: list[tuple[Invoice, int, datetime.date, str]] = []
    for invoice, behaviour in zip(ordered, _behaviours(rng, config, ordered), strict=True):
        customer = invoice.order.customer_id
        if customer not in method_of:
            method_of[customer] = rng.choices(METHODS, METHOD_WEIGHTS)[0]
        for settlement in _settlements(rng, invoice, behaviour, method_of[customer], terms):
            paid.append((invoice, *settlement))
    debits = [k for k, (_, _, _, method) in enumerate(paid) if method in DEBITS]
    returned = set(rng.sample(debits, math.ceil(config.ach_return_share * len(debits))))
    drafts = []
    for k, (invoice, amount, day, method) in enumerate(paid):
        first = invoice.invoice_type == "first"
        paid_at = moment_in_day(
            rng, day, activated_at.get(invoice.order.order_id) if first else None
        )
        if k not in returned:
            drafts.append(_Draft(invoice, amount, method, paid_at))
            continue
        returned_at = moment_in_day(rng, day + datetime.timedelta(days=rng.randint(*RETURN_DAYS)))
        code = rng.choices(RETURN_CODES, RETURN_CODE_WEIGHTS)[0]
        drafts.append(_Draft(invoice, amount, method, paid_at, returned_at, code))
        if rng.random() < RETRY_SHARE:
            retry_day = returned_at.date() + datetime.timedelta(days=rng.randint(*RETRY_DAYS))
            drafts.append(_Draft(invoice, amount, "card", moment_in_day(rng, retry_day)))
    return drafts


def _malformed(template: Payment, number: int, kind: str) -> list[str]:
    cells = template.cells()
    cells[0] = f"PAY-{number:08d}"
    if kind == "non_integer_amount":
        cents = template.amount_cents
        cells[3] = f"{cents // 100}.{cents % 100:02d}"
    else:
        cells[7] = template.paid_at.strftime("%d/%m/%Y %H:%M:%S")
    return cells


def land_payments(
    config: SimulationConfig,
    invoices: Sequence[Invoice],
    terms: BillingTerms,
    activated_at: Mapping[str, datetime.datetime],
) -> PaymentsLanding:
    """The payment files of the window for the invoices owed.

    Args:
        config: The simulation (seed, window, payment behaviour shares).
        invoices: Every invoice owed (first and monthly).
        terms: The billing terms (payment terms).
        activated_at: When each order was activated: no payment of a first invoice (billed
            from the activation day) is made before that moment.

    Returns:
        The rows of each day's file, the well-formed rows landed, and the malformed ones.
    """
    rng = config.rng("payments")
    payments: list[Payment] = []
    drafts = _drafts(rng, config, invoices, terms.payment_terms_days, activated_at)
    for number, draft in enumerate(drafts, 1):
        payment_id = f"PAY-{number:08d}"
        made = Payment(
            payment_id,
            draft.invoice,
            draft.amount_cents,
            draft.method,
            "settled",
            None,
            draft.paid_at,
        )
        payments.append(made)
        if draft.returned_at is not None:
            payments.append(
                Payment(
                    payment_id,
                    draft.invoice,
                    draft.amount_cents,
                    draft.method,
                    "returned",
                    draft.return_code,
                    draft.returned_at,
                )
            )
    landed = sorted(
        (p for p in payments if p.paid_at < config.window_end),
        key=lambda p: (p.paid_at, p.payment_id, p.status),
    )
    files: dict[datetime.date, list[list[str]]] = defaultdict(list)
    for payment in landed:
        files[payment.paid_at.date()].append(payment.cells())
    quarantine = []
    settled = [p for p in landed if p.status == "settled"]
    if settled:
        kinds = ["non_integer_amount", "invalid_paid_at"]
        kinds.append(rng.choice(kinds))
        bad_ids = {}
        for k, kind in enumerate(kinds[: rng.randint(*MALFORMED_ROWS)]):
            template = rng.choice(settled)
            rows = files[template.paid_at.date()]
            cells = _malformed(template, MALFORMED_ID_OFFSET + k + 1, kind)
            rows.insert(rng.randint(0, len(rows)), cells)
            bad_ids[cells[0]] = (template.paid_at.date(), kind)
        for payment_id, (day, kind) in sorted(bad_ids.items()):
            index = [row[0] for row in files[day]].index(payment_id)
            quarantine.append(QuarantinedRecord("payments", file_name(day), index, kind))
    return PaymentsLanding(dict(sorted(files.items())), landed, quarantine)


def _stage(days_overdue: int, terms: BillingTerms) -> str:
    if days_overdue >= terms.suspend_after_days:
        return "suspend"
    if days_overdue >= terms.reminder_after_days:
        return "reminder"
    return "current"


def receivables(
    invoices: Sequence[Invoice],
    payments: Sequence[Payment],
    through: datetime.date,
    terms: BillingTerms,
) -> list[Receivable]:
    """Each invoice's balance, days overdue and dunning stage as of ``through``.

    Args:
        invoices: Every invoice owed.
        payments: The well-formed payment rows landed.
        through: The last day the data covers (rows dated later do not count).
        terms: Payment terms and dunning thresholds.

    Returns:
        One receivable per invoice, sorted by ``invoice_id``.
    """
    of_invoice: dict[str, list[Payment]] = defaultdict(list)
    for payment in sorted(payments, key=lambda p: (p.paid_at, p.payment_id, p.status)):
        if payment.paid_at.date() <= through:
            of_invoice[payment.invoice.invoice_id].append(payment)
    result = []
    for invoice in sorted(invoices, key=lambda i: i.invoice_id):
        counted = of_invoice.get(invoice.invoice_id, [])
        balance, cleared_at = invoice.amount_cents, None
        for payment in counted:
            before, balance = balance, balance - payment.signed_cents
            if before > 0 >= balance:
                cleared_at = payment.paid_at
        due = invoice.billing_period_start + datetime.timedelta(days=terms.payment_terms_days)
        overdue = max(0, (through - due).days) if balance > 0 else 0
        result.append(
            Receivable(
                invoice=invoice,
                paid_cents=invoice.amount_cents - balance,
                due_date=due,
                days_overdue=overdue,
                dunning_stage=_stage(overdue, terms),
                paid_in_full_at=cleared_at if balance <= 0 else None,
                payments=tuple(counted),
            )
        )
    return result
