"""The billing configuration: currency, tax rates, bill cycle, payment terms and dunning.

``catalog/billing.yaml`` is validated on load like the catalog itself, and checked against
the catalog: same currency, and a tax rate for every region the catalog sells in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from actions.billing.errors import BillingConfigError
from catalog.model import CATALOG_PATH, Catalog, CatalogError, describe_errors, load_catalog

__all__ = ["BILLING_PATH", "BasisPoints", "BillingConfig", "dbt_vars", "load_billing_config"]

BILLING_PATH = CATALOG_PATH.parent / "billing.yaml"

BasisPoints = Annotated[int, Field(ge=0, le=10_000, strict=True)]
Days = Annotated[int, Field(ge=1, le=365, strict=True)]


class BillingConfig(BaseModel):
    """How the operator bills.

    Attributes:
        currency: ISO 4217 code of every amount (the catalog's currency).
        tax_category: Name of the tax on the bill (``sales tax``).
        tax_rates_bp: Tax rate by region, basis points (725 = 7.25 %), on the subtotal.
        billing_cycle_anchor_day: Day of month a cycle starts (1 = calendar month, at most
            28 so that every month has it).
        payment_terms_days: Days from the bill date to the payment due date.
        dunning_reminder_after_days: Days past the due date with a balance left after which
            the customer is reminded (``marts.receivables.dunning_stage = 'reminder'``).
        dunning_suspend_after_days: Days past the due date after which the service is
            suspended (``'suspend'``); more than ``dunning_reminder_after_days``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    currency: str = Field(pattern=r"^[A-Z]{3}$")
    tax_category: str = Field(min_length=1)
    tax_rates_bp: dict[str, BasisPoints] = Field(min_length=1)
    billing_cycle_anchor_day: Annotated[int, Field(ge=1, le=28, strict=True)] = 1
    payment_terms_days: Annotated[int, Field(ge=0, le=365, strict=True)]
    dunning_reminder_after_days: Days
    dunning_suspend_after_days: Days

    @model_validator(mode="after")
    def _suspend_after_reminder(self) -> BillingConfig:
        if self.dunning_suspend_after_days <= self.dunning_reminder_after_days:
            raise ValueError(
                f"dunning_suspend_after_days ({self.dunning_suspend_after_days}) must be more"
                f" than dunning_reminder_after_days ({self.dunning_reminder_after_days})"
            )
        return self


def dbt_vars(config: BillingConfig) -> dict[str, int]:
    """The terms the dbt models need (``--vars``): due date and dunning thresholds, days, and
    the day of month billing cycles start (a disconnect's service ends with its cycle)."""
    return {
        "billing_cycle_anchor_day": config.billing_cycle_anchor_day,
        "payment_terms_days": config.payment_terms_days,
        "dunning_reminder_after_days": config.dunning_reminder_after_days,
        "dunning_suspend_after_days": config.dunning_suspend_after_days,
    }


def _check_against_catalog(config: BillingConfig, catalog: Catalog) -> list[tuple[str, str]]:
    problems = []
    if config.currency != catalog.currency:
        problems.append(
            ("currency", f"{config.currency!r} differs from the catalog's {catalog.currency!r}")
        )
    missing = [r for r in catalog.regions if r not in config.tax_rates_bp]
    if missing:
        problems.append(("tax_rates_bp", f"no tax rate for catalog region(s) {missing}"))
    unknown = sorted(set(config.tax_rates_bp) - set(catalog.regions))
    if unknown:
        problems.append(
            ("tax_rates_bp", f"rates for region(s) {unknown} not in the catalog {catalog.regions}")
        )
    return problems


def load_billing_config(
    path: Path | None = None, *, catalog: Catalog | None = None
) -> BillingConfig:
    """Read, validate and check a billing YAML file against the catalog.

    Args:
        path: The YAML file; ``catalog/billing.yaml`` of the repository when ``None``.
        catalog: The catalog it must agree with; the repository's catalog when ``None``.

    Raises:
        BillingConfigError: The file is missing, not YAML, does not validate, or disagrees
            with the catalog; the message names the file and every offending field.
    """
    source = BILLING_PATH if path is None else path
    try:
        document: Any = yaml.safe_load(source.read_bytes())
        config = BillingConfig.model_validate(document)
    except OSError as error:
        raise BillingConfigError(f"{source}: cannot read: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise BillingConfigError(f"{source}: not valid YAML: {error}") from None
    except ValidationError as error:
        shown = "; ".join(f"{field}: {message}" for field, message in describe_errors(error))
        raise BillingConfigError(f"{source}: {shown}") from None
    try:
        against = load_catalog() if catalog is None else catalog
    except CatalogError as error:
        raise BillingConfigError(f"{source}: cannot check against the catalog: {error}") from None
    problems = _check_against_catalog(config, against)
    if problems:
        shown = "; ".join(f"{field}: {message}" for field, message in problems)
        raise BillingConfigError(f"{source}: {shown}")
    return config
