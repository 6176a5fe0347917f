"""Rated invoices as TM Forum TMF678 (v4) Customer Bill Management resources.

``customer_bill`` gives the ``CustomerBill``; ``applied_customer_billing_rates`` gives one
``AppliedCustomerBillingRate`` per charge line. TMF678 keeps taxes out of the applied rates
(a rate is "any kind of charge except taxation charges"), so the invoice's tax line becomes
the bill's ``taxItem`` and, split over the charges to the cent, each rate's ``appliedTax``.
A rate's ``product`` is the product the order created for the offering, keyed
``<order_id>-<offering_id>``.

Amounts are TMF ``Money``: ``value`` is the cents divided by 100 (the nearest JSON number
to the exact decimal; ``round(value * 100)`` gives the cents back). Tax rates are fractions
(725 bp = 0.0725). Each customer has one billing and one financial account, keyed by the
customer id.
"""

from __future__ import annotations

import datetime
from typing import Any

from actions.billing.config import BillingConfig
from actions.billing.errors import ExportError
from actions.billing.rating import Invoice, InvoiceLine, billing_cycle

__all__ = [
    "ACCOUNT_BASE_PATH",
    "BASE_PATH",
    "PRODUCT_BASE_PATH",
    "SCHEMA_LOCATION",
    "applied_customer_billing_rates",
    "credit_note",
    "customer_bill",
]

BASE_PATH = "/tmf-api/customerBillManagement/v4"
ACCOUNT_BASE_PATH = "/tmf-api/accountManagement/v4"
PRODUCT_BASE_PATH = "/tmf-api/productInventory/v4"
SCHEMA_LOCATION = (
    "https://raw.githubusercontent.com/tmforum-apis/Open_Api_And_Data_Model/"
    "cf5770b2ecafb2c8ae15a931ae8351fa04db467e/apis/TMF678_Customer_Bill/swaggers/"
    "TMF678-Customer_Bill-v4.0.0.swagger.json"
)
_RATE_TYPE = {"recurring": "recurringCharge", "one_time": "oneTimeCharge"}


def _money(currency: str, cents: int) -> dict[str, Any]:
    return {"unit": currency, "value": cents / 100}


def _utc(moment: datetime.datetime, name: str) -> str:
    if moment.tzinfo is None:
        raise ExportError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    utc = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return utc.isoformat(timespec="seconds") + "Z"


def _day_start(day: datetime.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _day_end(day: datetime.date) -> str:
    return f"{day.isoformat()}T23:59:59Z"


def _ref(kind: str, identifier: str, href: str, name: str | None = None) -> dict[str, Any]:
    ref: dict[str, Any] = {"id": identifier, "href": href}
    if name is not None:
        ref["name"] = name
    ref |= {"@referredType": kind, "@type": f"{kind}Ref"}
    return ref


def _billing_account(invoice: Invoice) -> dict[str, Any]:
    href = f"{ACCOUNT_BASE_PATH}/billingAccount/{invoice.customer_id}"
    return _ref("BillingAccount", invoice.customer_id, href)


def _tax_rate(invoice: Invoice) -> float:
    return invoice.tax_rate_bp / 10_000


def customer_bill(
    invoice: Invoice,
    *,
    issued_at: datetime.datetime,
    billing: BillingConfig,
    bill_date: datetime.date | None = None,
    href_base: str = BASE_PATH,
) -> dict[str, Any]:
    """An invoice as a TMF678 ``CustomerBill``, as issued (``state`` ``new``).

    Args:
        invoice: The rated invoice.
        issued_at: When the bill was produced (timezone-aware): ``lastUpdate``, and
            ``billDate`` unless ``bill_date`` is given.
        billing: The billing configuration (payment terms, bill cycle, tax category).
        bill_date: The bill date the customer sees, when not the day of ``issued_at``.
        href_base: Base of the resource hrefs.

    Returns:
        The JSON-ready resource. ``runType`` is ``offCycle`` for a first invoice (produced on
        activation) and ``onCycle`` for a monthly one; nothing is paid yet, so
        ``remainingAmount`` equals ``amountDue`` and ``appliedPayment`` is empty.

    Raises:
        ExportError: ``issued_at`` is naive.
    """
    issued = _utc(issued_at, "issued_at")
    billed_on = issued_at.astimezone(datetime.UTC).date() if bill_date is None else bill_date
    cycle_start, _ = billing_cycle(invoice.billing_period_end, billing.billing_cycle_anchor_day)
    cycle_id = f"BC-{cycle_start:%Y%m}"
    currency = invoice.currency
    due_on = billed_on + datetime.timedelta(days=billing.payment_terms_days)
    next_bill_on = invoice.billing_period_end + datetime.timedelta(days=1)
    return {
        "id": invoice.invoice_id,
        "href": f"{href_base}/customerBill/{invoice.invoice_id}",
        "billNo": invoice.invoice_id,
        "billDate": issued if bill_date is None else _day_start(billed_on),
        "lastUpdate": issued,
        "nextBillDate": _day_start(next_bill_on),
        "paymentDueDate": _day_start(due_on),
        "category": "normal",
        "runType": "offCycle" if invoice.invoice_type == "first" else "onCycle",
        "state": "new",
        "amountDue": _money(currency, invoice.amount_cents),
        "remainingAmount": _money(currency, invoice.amount_cents),
        "taxExcludedAmount": _money(currency, invoice.subtotal_cents),
        "taxIncludedAmount": _money(currency, invoice.amount_cents),
        "taxItem": [
            {
                "taxCategory": billing.tax_category,
                "taxRate": _tax_rate(invoice),
                "taxAmount": _money(currency, invoice.tax_cents),
                "@type": "TaxItem",
            }
        ],
        "appliedPayment": [],
        "billDocument": [],
        "billCycle": _ref("BillCycle", cycle_id, f"{href_base}/billCycle/{cycle_id}"),
        "billingAccount": _billing_account(invoice),
        "financialAccount": _ref(
            "FinancialAccount",
            invoice.customer_id,
            f"{ACCOUNT_BASE_PATH}/financialAccount/{invoice.customer_id}",
        ),
        "billingPeriod": {
            "startDateTime": _day_start(invoice.billing_period_start),
            "endDateTime": _day_end(invoice.billing_period_end),
        },
        "relatedParty": [
            {
                "id": invoice.customer_id,
                "role": "Customer",
                "@referredType": "Individual",
                "@type": "RelatedParty",
            }
        ],
        "@type": "CustomerBill",
        "@baseType": "CustomerBill",
        "@schemaLocation": f"{SCHEMA_LOCATION}#/definitions/CustomerBill",
    }


def credit_note(
    bill: dict[str, Any],
    *,
    credit_note_id: str,
    issued_at: datetime.datetime,
    href_base: str = BASE_PATH,
) -> dict[str, Any]:
    """The TMF678 ``CustomerBill`` that cancels an issued one in full (``category`` ``credit``).

    Every amount is the issued bill's, negated; the bill it cancels is its ``billDocument``.
    The issued bill itself is never changed.

    Raises:
        ExportError: ``issued_at`` is naive.
    """
    issued = _utc(issued_at, "issued_at")

    def negated(money: dict[str, Any]) -> dict[str, Any]:
        return {**money, "value": -money["value"]}

    return {
        **bill,
        "id": credit_note_id,
        "href": f"{href_base}/customerBill/{credit_note_id}",
        "billNo": credit_note_id,
        "billDate": issued,
        "lastUpdate": issued,
        "category": "credit",
        "amountDue": negated(bill["amountDue"]),
        "remainingAmount": negated(bill["remainingAmount"]),
        "taxExcludedAmount": negated(bill["taxExcludedAmount"]),
        "taxIncludedAmount": negated(bill["taxIncludedAmount"]),
        "taxItem": [{**item, "taxAmount": negated(item["taxAmount"])} for item in bill["taxItem"]],
        "billDocument": [
            _ref("CustomerBill", bill["id"], f"{href_base}/customerBill/{bill['id']}")
        ],
    }


def _tax_shares(charges: list[InvoiceLine], tax_cents: int) -> list[int]:
    """The invoice's tax split over its charges in proportion, summing to it exactly.

    Largest remainder: each share is rounded down, and the cents left go to the largest
    remainders (the earlier line on a tie).
    """
    subtotal = sum(line.amount_cents for line in charges)
    if subtotal == 0:
        return [0] * len(charges)
    exact = [(tax_cents * line.amount_cents, n) for n, line in enumerate(charges)]
    shares = [numerator // subtotal for numerator, _ in exact]
    left = tax_cents - sum(shares)
    by_remainder = sorted(exact, key=lambda item: (-(item[0] % subtotal), item[1]))
    for _, n in by_remainder[:left]:
        shares[n] += 1
    return shares


def _period(line: InvoiceLine) -> dict[str, str]:
    if line.period_start is None or line.period_end is None:
        raise ExportError(f"line {line.line_no} ({line.kind}) has no period to cover")
    return {
        "startDateTime": _day_start(line.period_start),
        "endDateTime": _day_end(line.period_end),
    }


def applied_customer_billing_rates(
    invoice: Invoice,
    *,
    issued_at: datetime.datetime,
    billing: BillingConfig,
    href_base: str = BASE_PATH,
) -> list[dict[str, Any]]:
    """One TMF678 ``AppliedCustomerBillingRate`` per charge line of the invoice, billed.

    The tax line is not a rate of its own: its amount is split over the charges in
    proportion (to the cent, summing to the invoice's tax) as each rate's ``appliedTax``, so
    the rates' ``taxIncludedAmount`` add up to the bill's ``amountDue``.

    Args:
        invoice: The rated invoice.
        issued_at: When the rates were applied (timezone-aware): each rate's ``date``.
        billing: The billing configuration (tax category).
        href_base: Base of the resource hrefs.

    Raises:
        ExportError: ``issued_at`` is naive, or a charge line has no period.
    """
    issued = _utc(issued_at, "issued_at")
    currency = invoice.currency
    charges = [line for line in invoice.lines if line.kind != "tax"]
    bill = _ref(
        "CustomerBill", invoice.invoice_id, f"{href_base}/customerBill/{invoice.invoice_id}"
    )
    rates = []
    for line, tax in zip(charges, _tax_shares(charges, invoice.tax_cents), strict=True):
        rate_id = f"{invoice.invoice_id}-{line.line_no}"
        offering_id = line.offering_id or ""
        product_id = f"{invoice.order_id}-{offering_id}"
        rates.append(
            {
                "id": rate_id,
                "href": f"{href_base}/appliedCustomerBillingRate/{rate_id}",
                "appliedBillingRateType": _RATE_TYPE[line.kind],
                "date": issued,
                "name": offering_id,
                "description": line.description,
                "isBilled": True,
                "bill": bill,
                "billingAccount": _billing_account(invoice),
                "characteristic": [
                    {"name": "lineNo", "valueType": "integer", "value": line.line_no},
                    {"name": "region", "valueType": "string", "value": invoice.region},
                ],
                "periodCoverage": _period(line),
                "product": _ref(
                    "Product", product_id, f"{PRODUCT_BASE_PATH}/product/{product_id}", offering_id
                ),
                "taxExcludedAmount": _money(currency, line.amount_cents),
                "taxIncludedAmount": _money(currency, line.amount_cents + tax),
                "appliedTax": [
                    {
                        "taxCategory": billing.tax_category,
                        "taxRate": _tax_rate(invoice),
                        "taxAmount": _money(currency, tax),
                        "@type": "AppliedBillingTaxRate",
                    }
                ],
                "@type": "AppliedCustomerBillingRate",
                "@baseType": "AppliedCustomerBillingRate",
                "@schemaLocation": f"{SCHEMA_LOCATION}#/definitions/AppliedCustomerBillingRate",
            }
        )
    return rates
