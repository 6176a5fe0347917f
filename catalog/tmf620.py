"""The catalog as TM Forum TMF620 (v4) ProductOffering resources."""

from __future__ import annotations

from typing import Any

from catalog.model import Catalog, Offering

__all__ = ["BASE_PATH", "offering_to_tmf620", "to_tmf620"]

BASE_PATH = "/tmf-api/productCatalogManagement/v4"


def _money(currency: str, cents: int) -> dict[str, Any]:
    """A ``ProductPriceValue``: the catalog's prices are duty free (taxes are billed apart)."""
    return {"dutyFreeAmount": {"unit": currency, "value": cents / 100}, "taxRate": 0}


def _prices(offering: Offering, currency: str) -> list[dict[str, Any]]:
    prices: list[dict[str, Any]] = []
    for region, cents in offering.monthly_price_cents.items():
        prices.append(
            {
                "id": f"{offering.offering_id}-{region}-recurring",
                "name": f"{offering.name} monthly ({region})",
                "description": f"Monthly charge in region {region}; "
                f"first period prorated {offering.billing.proration}.",
                "priceType": "recurring",
                "recurringChargePeriod": offering.billing.charge_period,
                "recurringChargePeriodLength": 1,
                "price": _money(currency, cents),
                "@type": "ProductOfferingPrice",
            }
        )
    if offering.install_fee_cents:
        prices.append(
            {
                "id": f"{offering.offering_id}-install",
                "name": f"{offering.name} installation",
                "priceType": "nonRecurring",
                "price": _money(currency, offering.install_fee_cents),
                "@type": "ProductOfferingPrice",
            }
        )
    return prices


def offering_to_tmf620(offering: Offering, currency: str) -> dict[str, Any]:
    """One offering as a TMF620 ``ProductOffering`` with its prices inline.

    Regions where it is sold become ``place`` references; the minimum term becomes a
    ``productOfferingTerm``; prices are ``productOfferingPrice`` values (recurring per
    region, plus the install fee as a non-recurring price).
    """
    description = offering.name
    if offering.kind == "tier":
        description = f"{offering.download_mbps}/{offering.upload_mbps} Mbit/s fiber internet"
    resource: dict[str, Any] = {
        "id": offering.offering_id,
        "href": f"{BASE_PATH}/productOffering/{offering.offering_id}",
        "name": offering.name,
        "description": description,
        "version": "1.0",
        "lifecycleStatus": "Launched",
        "isBundle": False,
        "isSellable": True,
        "category": [{"id": offering.kind, "name": offering.kind, "@referredType": "Category"}],
        "place": [
            {"id": region, "name": region, "@referredType": "GeographicArea"}
            for region in offering.regions
        ],
        "productSpecification": {
            "id": f"{offering.offering_id}-spec",
            "name": offering.name,
            "@referredType": "ProductSpecification",
        },
        "productOfferingPrice": _prices(offering, currency),
        "@type": "ProductOffering",
    }
    if offering.billing.min_term_months:
        resource["productOfferingTerm"] = [
            {
                "name": "minimum term",
                "duration": {"amount": offering.billing.min_term_months, "units": "month"},
            }
        ]
    return resource


def to_tmf620(catalog: Catalog) -> list[dict[str, Any]]:
    """Every offering of the catalog as a TMF620 ``ProductOffering`` resource."""
    return [offering_to_tmf620(o, catalog.currency) for o in catalog.offerings]
