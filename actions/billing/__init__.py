"""Billing: rate an activated order's first invoice, and every later one, to the cent.

- ``config``: the billing configuration (``catalog/billing.yaml``): currency, tax rates by
  region, bill cycle, payment terms.
- ``rating``: pure functions from catalog prices to invoices, in integer cents.
- ``tmf678``: invoices as TMF678 ``CustomerBill`` and ``AppliedCustomerBillingRate``.
"""

from actions.billing.config import BILLING_PATH, BillingConfig, load_billing_config
from actions.billing.errors import BillingConfigError, BillingError, ExportError, RatingError
from actions.billing.rating import (
    Invoice,
    InvoiceLine,
    billing_cycle,
    first_invoice,
    monthly_invoice,
)
from actions.billing.tmf678 import applied_customer_billing_rates, credit_note, customer_bill

__all__ = [
    "BILLING_PATH",
    "BillingConfig",
    "BillingConfigError",
    "BillingError",
    "ExportError",
    "Invoice",
    "InvoiceLine",
    "RatingError",
    "applied_customer_billing_rates",
    "billing_cycle",
    "credit_note",
    "customer_bill",
    "first_invoice",
    "load_billing_config",
    "monthly_invoice",
]
