"""The repository's catalog validates on load and exports as valid TMF620 ProductOffering."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from catalog import CatalogError, load_catalog, to_tmf620

TMF620 = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "reference-data"
    / "tmf"
    / "TMF620_Product_Catalog"
)


def test_catalog_yaml_validates_and_has_what_sales_needs() -> None:
    catalog = load_catalog()
    assert [t.offering_id for t in catalog.tiers] == [
        "fiber-300",
        "fiber-500",
        "fiber-1000",
        "fiber-2000",
    ]
    assert {a.offering_id for a in catalog.addons} == {"voice", "static-ip", "managed-wifi"}
    assert all(o.regions == ("north", "central", "south") for o in catalog.offerings)
    assert all(o.billing.charge_period == "month" for o in catalog.offerings)
    ont = catalog.ont_for("Nokia", 2000)
    assert ont is not None and ont.technology == "xgs-pon"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ("    download_mbps: 500\n    upload_mbps: 500\n", "a tier needs download_mbps"),
        ("south: 6000}", "price for unknown regions"),
        ("install_fee_cents: 9900\n    monthly_price_cents: {north: 6500", "install_fee_cents"),
    ],
)
def test_an_invalid_catalog_names_the_field(tmp_path: Path, edit: str, message: str) -> None:
    from catalog.model import CATALOG_PATH

    text = CATALOG_PATH.read_text()
    broken = {
        "    download_mbps: 500\n    upload_mbps: 500\n": text.replace(edit, "", 1),
        "south: 6000}": text.replace(edit, "south: 6000, west: 6000}", 1),
        "install_fee_cents: 9900\n    monthly_price_cents: {north: 6500": text.replace(
            edit, 'install_fee_cents: "99.00"\n    monthly_price_cents: {north: 6500', 1
        ),
    }[edit]
    path = tmp_path / "catalog.yaml"
    path.write_text(broken)
    with pytest.raises(CatalogError, match=message):
        load_catalog(path)


def _swagger() -> dict[str, Any]:
    spec = TMF620 / "spec" / "TMF620-ProductCatalog-v4.1.0.swagger.json"
    if not spec.exists():
        pytest.skip(f"TMF620 swagger not present: {spec}")
    document: dict[str, Any] = json.loads(spec.read_text())
    return document


def _validator(swagger: dict[str, Any], definition: str) -> jsonschema.Draft4Validator:
    schema = {"$ref": f"#/definitions/{definition}", "definitions": swagger["definitions"]}
    return jsonschema.Draft4Validator(schema)


def _unknown_properties(
    value: Any, definition: dict[str, Any], swagger: dict[str, Any], path: str = ""
) -> list[str]:
    """Properties the swagger definition does not declare (Swagger 2.0 does not forbid them)."""
    if "$ref" in definition:
        definition = swagger["definitions"][definition["$ref"].rsplit("/", 1)[-1]]
    found: list[str] = []
    if isinstance(value, dict) and "properties" in definition:
        for key, item in value.items():
            declared = definition["properties"].get(key)
            if declared is None:
                found.append(f"{path}{key}")
            else:
                found += _unknown_properties(item, declared, swagger, f"{path}{key}.")
    elif isinstance(value, list) and "items" in definition:
        for i, item in enumerate(value):
            found += _unknown_properties(item, definition["items"], swagger, f"{path}{i}.")
    return found


def test_tmf620_export_validates_against_the_v4_swagger() -> None:
    swagger = _swagger()
    validator = _validator(swagger, "ProductOffering")
    offerings = to_tmf620(load_catalog())
    assert len(offerings) == 9
    for offering in offerings:
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(offering)]
        assert errors == [], offering["id"]
        assert (
            _unknown_properties(offering, swagger["definitions"]["ProductOffering"], swagger) == []
        )
        create = _validator(swagger, "ProductOffering_Create")
        body = {k: v for k, v in offering.items() if k not in ("id", "href")}
        assert list(create.iter_errors(body)) == []
    tier = next(o for o in offerings if o["id"] == "fiber-2000")
    prices = {p["id"]: p for p in tier["productOfferingPrice"]}
    assert prices["fiber-2000-south-recurring"]["price"]["dutyFreeAmount"] == {
        "unit": "USD",
        "value": 100.0,
    }
    assert prices["fiber-2000-install"]["priceType"] == "nonRecurring"
    assert tier["productOfferingTerm"][0]["duration"] == {"amount": 12, "units": "month"}


@pytest.mark.parametrize(
    ("example", "definition", "upstream_deviations"),
    [
        ("productOffering.json", "ProductOffering_Create", []),
        # The TM Forum's own samples deviate from their v4.1 swagger in two places; the
        # validator must report exactly those and nothing else.
        (
            "productSpecification.json",
            "ProductSpecification_Create",
            ["relatedParty.0: '@referredType' is a required property"],
        ),
        (
            "productOfferingPrice.json",
            "ProductOfferingPrice_Create",
            ["pricingLogicAlgorithm: is not of type 'array'"],
        ),
        ("wholesale_fiber_premium_offering.json", "ProductOffering_Create", []),
        ("wholesale_fiber_standard_offering.json", "ProductOffering_Create", []),
        ("wholesale_fiber_premium_price.json", "ProductOfferingPrice_Create", []),
        ("wholesale_fiber_standard_price.json", "ProductOfferingPrice_Create", []),
        ("wholesale_fiber_backbone_spec.json", "ProductSpecification_Create", []),
    ],
)
def test_tm_forum_examples_validate_with_the_same_validator(
    example: str, definition: str, upstream_deviations: list[str]
) -> None:
    swagger = _swagger()
    document = json.loads((TMF620 / "examples" / example).read_text())
    errors = [
        f"{'.'.join(str(p) for p in e.path)}: "
        + (e.message if e.validator == "required" else f"is not of type {e.validator_value!r}")
        for e in _validator(swagger, definition).iter_errors(document)
    ]
    assert errors == upstream_deviations


def test_the_validator_catches_wrong_types() -> None:
    swagger = _swagger()
    offering = to_tmf620(load_catalog())[0]
    offering["isBundle"] = "no"
    offering["productOfferingPrice"][0]["price"]["dutyFreeAmount"]["value"] = "65"
    errors = sorted(
        ".".join(str(p) for p in e.path)
        for e in _validator(swagger, "ProductOffering").iter_errors(offering)
    )
    assert errors == ["isBundle", "productOfferingPrice.0.price.dutyFreeAmount.value"]
