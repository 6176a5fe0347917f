"""Errors raised by the billing package."""

from __future__ import annotations

__all__ = ["BillingConfigError", "BillingError", "ExportError", "RatingError"]


class BillingError(ValueError):
    """Base class of every billing error."""


class BillingConfigError(BillingError):
    """The billing configuration is invalid: names the file and every offending field."""


class RatingError(BillingError):
    """An order cannot be rated: names the order and the offending offering or region."""


class ExportError(BillingError):
    """An invoice cannot be exported as TMF678 (for example, a naive timestamp)."""
