"""Billing: the config, rating to the cent, the simulator's truth, and the TMF678 export."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from actions.billing import (
    BILLING_PATH,
    BillingConfig,
    BillingConfigError,
    ExportError,
    Invoice,
    RatingError,
    applied_customer_billing_rates,
    billing_cycle,
    customer_bill,
    first_invoice,
    load_billing_config,
    monthly_invoice,
)
from actions.billing.rating import prorate, tax_on
from catalog.model import Catalog, load_catalog
from simulator import SimulationConfig, simulate

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference-data"
TMF678 = REFERENCE / "tmf" / "TMF678_Customer_Bill"
ISSUED = dt.datetime(2026, 10, 17, 9, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def billing() -> BillingConfig:
    return load_billing_config()


def _rate(
    catalog: Catalog,
    billing: BillingConfig,
    region: str,
    tier: str,
    addons: list[str],
    day: dt.date,
    order_id: str = "PO-000001",
) -> Invoice:
    return first_invoice(
        order_id=order_id,
        customer_id="CUS-000001",
        region=region,
        tier_offering_id=tier,
        addon_offering_ids=addons,
        activated_on=day,
        catalog=catalog,
        billing=billing,
    )


def _amounts(invoice: Invoice) -> list[tuple[str, str | None, int]]:
    return [(line.kind, line.offering_id, line.amount_cents) for line in invoice.lines]


# --- configuration ---------------------------------------------------------------------


def test_repository_config_covers_every_catalog_region(
    catalog: Catalog, billing: BillingConfig
) -> None:
    assert billing.currency == catalog.currency
    assert set(billing.tax_rates_bp) == set(catalog.regions)
    assert billing.tax_rates_bp == {"north": 725, "central": 800, "south": 650}
    assert billing.billing_cycle_anchor_day == 1
    assert billing.payment_terms_days == 14


def _write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "billing.yaml"
    path.write_text(text)
    return path


GOOD = BILLING_PATH.read_text()


@pytest.mark.parametrize(
    ("text", "field", "detail"),
    [
        (
            GOOD.replace("south: 650", "west: 650"),
            "tax_rates_bp",
            "no tax rate for catalog region(s) ['south']",
        ),
        (GOOD.replace("north: 725", "north: '7.25'"), "tax_rates_bp.north", "valid integer"),
        (GOOD.replace("north: 725", "north: 10001"), "tax_rates_bp.north", "10000"),
        (GOOD.replace("currency: USD", "currency: EUR"), "currency", "'USD'"),
        (
            GOOD.replace("billing_cycle_anchor_day: 1", "billing_cycle_anchor_day: 31"),
            "billing_cycle_anchor_day",
            "28",
        ),
        (GOOD + "late_fee_cents: 500\n", "late_fee_cents", "Extra inputs"),
        (GOOD.replace("payment_terms_days: 14", ""), "payment_terms_days", "required"),
    ],
)
def test_invalid_config_names_file_and_field(
    tmp_path: Path, text: str, field: str, detail: str
) -> None:
    path = _write_config(tmp_path, text)
    with pytest.raises(BillingConfigError) as raised:
        load_billing_config(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    assert field in message and detail in message


def test_unreadable_or_non_yaml_config_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(BillingConfigError, match="cannot read"):
        load_billing_config(tmp_path / "absent.yaml")
    with pytest.raises(BillingConfigError, match="not valid YAML"):
        load_billing_config(_write_config(tmp_path, "tax_rates_bp: {north: [\n"))


# --- rating, hand-checked ----------------------------------------------------------------


def test_rounding_helpers_round_half_up_in_integers() -> None:
    assert prorate(5, 1, 2) == 3  # 2.5
    assert prorate(3, 1, 2) == 2  # 1.5
    assert prorate(1, 1, 4) == 0  # 0.25
    assert prorate(3, 3, 4) == 2  # 2.25
    assert prorate(8000, 15, 31) == 3871  # 3870.97
    assert tax_on(13900, 650) == 904  # 903.5
    assert tax_on(14497, 725) == 1051  # 1051.03
    assert tax_on(0, 800) == 0


@pytest.mark.parametrize(
    ("region", "tier", "addon", "day", "lines", "tax"),
    [
        # October has 31 days; the 17th leaves 15: 8000*15/31 = 3870.97, 1500*15/31 = 725.81;
        # tax 7.25 % of 14497 = 1051.03.
        ("north", "fiber-1000", "static-ip", dt.date(2026, 10, 17), [3871, 726, 9900], 1051),
        # September has 30 days; the 16th leaves 15: half of 6500 and of 2000; 8 % of 14150.
        ("central", "fiber-500", "voice", dt.date(2026, 9, 16), [3250, 1000, 9900], 1132),
        # South prices fiber-500 at 6000; 6.5 % of 13900 = 903.5, a tie rounded up.
        ("south", "fiber-500", "voice", dt.date(2026, 9, 16), [3000, 1000, 9900], 904),
    ],
)
def test_mid_month_activation_with_an_addon_in_each_region(
    catalog: Catalog,
    billing: BillingConfig,
    region: str,
    tier: str,
    addon: str,
    day: dt.date,
    lines: list[int],
    tax: int,
) -> None:
    invoice = _rate(catalog, billing, region, tier, [addon], day)
    assert _amounts(invoice) == [
        ("recurring", tier, lines[0]),
        ("recurring", addon, lines[1]),
        ("one_time", tier, lines[2]),
        ("tax", None, tax),
    ]
    assert [line.line_no for line in invoice.lines] == [1, 2, 3, 4]
    assert invoice.subtotal_cents == sum(lines)
    assert invoice.tax_cents == tax
    assert invoice.amount_cents == sum(lines) + tax
    assert invoice.tax_rate_bp == billing.tax_rates_bp[region]
    assert invoice.currency == "USD"
    assert invoice.offering_id == tier
    assert invoice.addon_offering_ids == (addon,)
    assert invoice.invoice_type == "first"
    assert invoice.invoice_id == f"INV-PO-000001-{day:%Y%m}"
    assert invoice.billing_period_start == day
    month_end = billing_cycle(day, 1)[1]
    assert invoice.billing_period_end == month_end
    recurring, one_time, tax_line = invoice.lines[0], invoice.lines[2], invoice.lines[3]
    assert (recurring.period_start, recurring.period_end) == (day, month_end)
    assert (one_time.period_start, one_time.period_end) == (day, day)
    assert (tax_line.period_start, tax_line.period_end) == (None, None)
    assert all(isinstance(line.amount_cents, int) for line in invoice.lines)


def test_first_day_of_month_bills_the_whole_month(catalog: Catalog, billing: BillingConfig) -> None:
    invoice = _rate(catalog, billing, "north", "fiber-300", [], dt.date(2026, 9, 1))
    # 5500 + 9900 = 15400; 7.25 % = 1116.5, rounded up.
    assert _amounts(invoice) == [
        ("recurring", "fiber-300", 5500),
        ("one_time", "fiber-300", 9900),
        ("tax", None, 1117),
    ]
    assert invoice.amount_cents == 16517
    assert (invoice.billing_period_start, invoice.billing_period_end) == (
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 30),
    )


def test_last_day_of_month_bills_one_day(catalog: Catalog, billing: BillingConfig) -> None:
    invoice = _rate(catalog, billing, "north", "fiber-300", [], dt.date(2026, 10, 31))
    # 5500 / 31 = 177.42; 10077 * 7.25 % = 730.58.
    assert _amounts(invoice) == [
        ("recurring", "fiber-300", 177),
        ("one_time", "fiber-300", 9900),
        ("tax", None, 731),
    ]
    assert invoice.amount_cents == 10808
    assert invoice.billing_period_start == invoice.billing_period_end == dt.date(2026, 10, 31)
    assert invoice.invoice_id == "INV-PO-000001-202610"


def test_february_of_a_leap_year_has_29_days(catalog: Catalog, billing: BillingConfig) -> None:
    mid = _rate(catalog, billing, "central", "fiber-500", ["managed-wifi"], dt.date(2028, 2, 15))
    # 15 of 29 days: 6500*15/29 = 3362.07, 1000*15/29 = 517.24; 8 % of 13779 = 1102.32.
    assert _amounts(mid) == [
        ("recurring", "fiber-500", 3362),
        ("recurring", "managed-wifi", 517),
        ("one_time", "fiber-500", 9900),
        ("tax", None, 1102),
    ]
    assert mid.amount_cents == 14881
    assert mid.billing_period_end == dt.date(2028, 2, 29)

    leap_day = _rate(catalog, billing, "central", "fiber-500", [], dt.date(2028, 2, 29))
    # 6500 / 29 = 224.14; 8 % of 10124 = 809.92.
    assert _amounts(leap_day) == [
        ("recurring", "fiber-500", 224),
        ("one_time", "fiber-500", 9900),
        ("tax", None, 810),
    ]
    assert leap_day.billing_period_start == leap_day.billing_period_end == dt.date(2028, 2, 29)

    common = _rate(catalog, billing, "central", "fiber-500", [], dt.date(2027, 2, 15))
    assert common.lines[0].amount_cents == 3250  # 14 of 28 days
    assert common.billing_period_end == dt.date(2027, 2, 28)


def test_cycles_follow_the_anchor_day(catalog: Catalog, billing: BillingConfig) -> None:
    assert billing_cycle(dt.date(2028, 2, 10), 1) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert billing_cycle(dt.date(2027, 1, 3), 15) == (dt.date(2026, 12, 15), dt.date(2027, 1, 14))
    assert billing_cycle(dt.date(2027, 1, 15), 15) == (dt.date(2027, 1, 15), dt.date(2027, 2, 14))
    mid_month = billing.model_copy(update={"billing_cycle_anchor_day": 15})
    invoice = _rate(catalog, mid_month, "north", "fiber-300", [], dt.date(2026, 9, 3))
    # Cycle 15 Aug - 14 Sep (31 days), 12 days billed: 5500*12/31 = 2129.03.
    assert invoice.lines[0].amount_cents == 2129
    assert invoice.billing_period_end == dt.date(2026, 9, 14)
    assert invoice.invoice_id == "INV-PO-000001-202608"


def test_monthly_invoice_bills_full_prices_and_tax(
    catalog: Catalog, billing: BillingConfig
) -> None:
    invoice = monthly_invoice(
        order_id="PO-000001",
        customer_id="CUS-000001",
        region="north",
        tier_offering_id="fiber-1000",
        addon_offering_ids=["static-ip"],
        cycle_start=dt.date(2026, 11, 1),
        catalog=catalog,
        billing=billing,
    )
    # 8000 + 1500 = 9500; 7.25 % = 688.75.
    assert _amounts(invoice) == [
        ("recurring", "fiber-1000", 8000),
        ("recurring", "static-ip", 1500),
        ("tax", None, 689),
    ]
    assert invoice.amount_cents == 10189
    assert invoice.invoice_id == "INV-PO-000001-202611"
    assert invoice.invoice_type == "monthly"
    assert (invoice.billing_period_start, invoice.billing_period_end) == (
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
    )
    with pytest.raises(RatingError, match="not on the anchor day 1"):
        monthly_invoice(
            order_id="PO-000001",
            customer_id="CUS-000001",
            region="north",
            tier_offering_id="fiber-1000",
            addon_offering_ids=[],
            cycle_start=dt.date(2026, 11, 2),
            catalog=catalog,
            billing=billing,
        )


def _only_north_catalog(catalog: Catalog) -> Catalog:
    document = catalog.to_yaml()
    for offering in document["offerings"]:
        if offering["offering_id"] == "fiber-2000":
            offering["monthly_price_cents"] = {"north": 11000}
    return Catalog.model_validate(document)


@pytest.mark.parametrize(
    ("region", "tier", "addons", "message"),
    [
        ("east", "fiber-300", [], "order PO-000001: region 'east' is not in the catalog"),
        ("north", "fiber-9000", [], "unknown tier 'fiber-9000'"),
        ("north", "fiber-300", ["tv"], "unknown addon 'tv'"),
        ("north", "voice", [], "'voice' is a addon, not a tier"),
        ("north", "fiber-300", ["fiber-500"], "'fiber-500' is a tier, not a addon"),
        ("north", "fiber-300", ["voice", "voice"], "add-on(s) ['voice'] ordered more than once"),
        ("south", "fiber-2000", [], "'fiber-2000' is not sold in region 'south'"),
    ],
)
def test_what_cannot_be_rated_raises_rating_error(
    catalog: Catalog,
    billing: BillingConfig,
    region: str,
    tier: str,
    addons: list[str],
    message: str,
) -> None:
    with pytest.raises(RatingError) as raised:
        _rate(_only_north_catalog(catalog), billing, region, tier, addons, dt.date(2026, 9, 16))
    assert message in str(raised.value)


def test_a_region_without_a_tax_rate_raises_rating_error(
    catalog: Catalog, billing: BillingConfig
) -> None:
    untaxed = billing.model_copy(update={"tax_rates_bp": {"north": 725}})
    with pytest.raises(RatingError, match="region 'south' has no tax rate"):
        _rate(catalog, untaxed, "south", "fiber-300", [], dt.date(2026, 9, 16))


# --- the simulator's truth ---------------------------------------------------------------


@pytest.fixture(scope="module")
def operator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small operator whose activations span leap-year February and March."""
    home = tmp_path_factory.mktemp("billing-operator")
    simulate(SimulationConfig(passings=2000, days=35, seed=11, start=dt.date(2028, 2, 10)), home)
    return home


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _ordered(home: Path, catalog: Catalog) -> dict[str, dict[str, Any]]:
    """Customer, address and add-ons of each order, from the landed TMF622 create events."""
    kinds = {o.offering_id: o.kind for o in catalog.offerings}
    orders = {}
    for path in sorted((home / "landing" / "orders").glob("orders_*.json")):
        for event in json.loads(path.read_text()):
            order = event["event"]["productOrder"]
            items = order.get("productOrderItem")
            if event["eventType"] != "ProductOrderCreateEvent" or not items:
                continue
            offering_ids = [item["productOffering"]["id"] for item in items]
            orders[order["id"]] = {
                "customer_id": order["relatedParty"][0]["id"],
                "address_id": items[0]["product"]["place"][0]["id"],
                "addons": [o for o in offering_ids if kinds[o] == "addon"],
            }
    return orders


def test_first_invoices_equal_the_simulators_truth_to_the_cent(
    operator: Path, catalog: Catalog, billing: BillingConfig
) -> None:
    features = json.loads((operator / "landing" / "gis" / "addresses.geojson").read_text())
    region_of = {
        f["properties"]["address_id"]: f["properties"]["region"] for f in features["features"]
    }
    orders = _ordered(operator, catalog)
    activations = _csv(operator / "truth" / "activations.csv")
    truth = {
        row["order_id"]: row
        for row in _csv(operator / "truth" / "invoices.csv")
        if row["invoice_type"] == "first"
    }
    assert truth.keys() == {a["order_id"] for a in activations}

    for activation in activations:
        order = orders[activation["order_id"]]
        invoice = first_invoice(
            order_id=activation["order_id"],
            customer_id=order["customer_id"],
            region=region_of[order["address_id"]],
            tier_offering_id=activation["offering_id"],
            addon_offering_ids=order["addons"],
            activated_on=dt.date.fromisoformat(activation["activated_at"][:10]),
            catalog=catalog,
            billing=billing,
        )
        assert {
            "invoice_id": invoice.invoice_id,
            "invoice_type": invoice.invoice_type,
            "order_id": invoice.order_id,
            "customer_id": invoice.customer_id,
            "offering_id": invoice.offering_id,
            "addon_ids": ",".join(sorted(invoice.addon_offering_ids)),
            "region": invoice.region,
            "billing_period_start": invoice.billing_period_start.isoformat(),
            "billing_period_end": invoice.billing_period_end.isoformat(),
            "subtotal_cents": str(invoice.subtotal_cents),
            "tax_cents": str(invoice.tax_cents),
            "amount_cents": str(invoice.amount_cents),
        } == truth[activation["order_id"]]

    rows = list(truth.values())
    assert {r["region"] for r in rows} == set(catalog.regions)
    assert any(r["addon_ids"] for r in rows)
    assert {r["billing_period_end"] for r in rows} == {"2028-02-29", "2028-03-31"}


def test_monthly_invoices_equal_the_simulators_truth_to_the_cent(
    operator: Path, catalog: Catalog, billing: BillingConfig
) -> None:
    """Each cycle after the first that began by the data's last day is billed in full."""
    rows = _csv(operator / "truth" / "invoices.csv")
    first = {r["order_id"]: r for r in rows if r["invoice_type"] == "first"}
    monthly = [r for r in rows if r["invoice_type"] == "monthly"]
    last_day = max(r["kpi_date"] for r in _csv(operator / "truth" / "kpi_daily.csv"))
    service_end = {
        r["order_id"]: r["service_end_date"] for r in _csv(operator / "truth" / "disconnects.csv")
    }
    # activations in February 2028 owe March's cycle (the data runs into March); March's do not,
    # and neither do subscribers who asked in February to disconnect (service ends 29 February)
    assert {r["order_id"] for r in monthly} == {
        o
        for o, r in first.items()
        if r["billing_period_end"] < last_day
        and service_end.get(o, "9999-12-31") > r["billing_period_end"]
    }
    assert any(end == first[o]["billing_period_end"] for o, end in service_end.items())
    assert {r["billing_period_start"] for r in monthly} == {"2028-03-01"}
    orders = _ordered(operator, catalog)
    for row in monthly:
        invoice = monthly_invoice(
            order_id=row["order_id"],
            customer_id=row["customer_id"],
            region=row["region"],
            tier_offering_id=row["offering_id"],
            addon_offering_ids=orders[row["order_id"]]["addons"],
            cycle_start=dt.date.fromisoformat(row["billing_period_start"]),
            catalog=catalog,
            billing=billing,
        )
        assert (invoice.invoice_id, invoice.billing_period_end.isoformat()) == (
            row["invoice_id"],
            row["billing_period_end"],
        )
        assert (invoice.subtotal_cents, invoice.tax_cents, invoice.amount_cents) == (
            int(row["subtotal_cents"]),
            int(row["tax_cents"]),
            int(row["amount_cents"]),
        )
        assert not any(line.kind == "one_time" for line in invoice.lines)


def test_truth_header_is_the_contract(operator: Path) -> None:
    with (operator / "truth" / "invoices.csv").open(newline="") as handle:
        assert next(csv.reader(handle)) == [
            "invoice_id",
            "invoice_type",
            "order_id",
            "customer_id",
            "offering_id",
            "addon_ids",
            "region",
            "billing_period_start",
            "billing_period_end",
            "subtotal_cents",
            "tax_cents",
            "amount_cents",
        ]


# --- TMF678 ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample(catalog: Catalog, billing: BillingConfig) -> Invoice:
    return _rate(catalog, billing, "north", "fiber-1000", ["static-ip"], dt.date(2026, 10, 17))


def _reference(name: str) -> Any:
    path = TMF678 / name
    if not path.exists():
        pytest.skip(f"reference data absent: {path} (checked out beside the repo as ../shared)")
    return json.loads(path.read_text())


def _spec_names(definition: str) -> tuple[set[str], set[str]]:
    """Properties the TMF678 spec gives a resource, and those it marks deprecated."""
    spec = _reference("spec/TMF678-Customer_Bill-v4.0.0.swagger.json")
    properties = spec["definitions"][definition]["properties"]
    deprecated = {
        name
        for name, schema in properties.items()
        if "deprecat" in schema.get("description", "").lower()
        or "depreciated" in schema.get("description", "").lower()
    }
    return set(properties), deprecated


# Field names the upstream example spells differently from its own spec.
EXAMPLE_MISSPELLINGS = {"status": "state"}


def _expected_fields(example: dict[str, Any], definition: str) -> dict[str, str]:
    """Each top-level field of an example, by the name the spec gives it (non-deprecated)."""
    names, deprecated = _spec_names(definition)
    by_lower = {name.lower(): name for name in names}
    expected = {}
    for key in example:
        name = by_lower.get(key.lower()) or EXAMPLE_MISSPELLINGS.get(key)
        assert name in names, f"example field {key!r} matches nothing in the {definition} spec"
        if name not in deprecated:
            expected[key] = name
    return expected


def _same_json_type(ours: Any, theirs: Any) -> bool:
    if isinstance(theirs, bool) or isinstance(ours, bool):
        return isinstance(ours, bool) and isinstance(theirs, bool)
    if isinstance(theirs, int | float):
        return isinstance(ours, int | float)
    return type(ours) is type(theirs)


@pytest.mark.reference_data
def test_customer_bill_carries_every_field_of_the_tmf_example(
    sample: Invoice, billing: BillingConfig
) -> None:
    example = _reference("examples/CustomerBill.example.json")
    bill = json.loads(json.dumps(customer_bill(sample, issued_at=ISSUED, billing=billing)))
    expected = _expected_fields(example, "CustomerBill")
    assert set(example) - set(expected) == {"paymentMethod"}  # deprecated by the spec
    for key, name in expected.items():
        assert name in bill, f"missing {name!r} (example field {key!r})"
        assert _same_json_type(bill[name], example[key]), name
    spec_names, _ = _spec_names("CustomerBill")
    assert set(bill) <= spec_names
    for money in ("amountDue", "remainingAmount", "taxExcludedAmount", "taxIncludedAmount"):
        assert set(bill[money]) == set(example[money]) == {"unit", "value"}
    assert set(example["taxItem"][0]) - {"@baseType", "@schemalocation"} <= set(bill["taxItem"][0])


@pytest.mark.reference_data
def test_applied_rates_carry_every_field_of_the_tmf_example(
    sample: Invoice, billing: BillingConfig
) -> None:
    example = _reference("examples/AppliedCustomerBillingRate.example.json")
    rates = json.loads(
        json.dumps(applied_customer_billing_rates(sample, issued_at=ISSUED, billing=billing))
    )
    expected = _expected_fields(example, "AppliedCustomerBillingRate")
    spec_names, _ = _spec_names("AppliedCustomerBillingRate")
    for rate in rates:
        assert set(rate) <= spec_names
        for key, name in expected.items():
            assert name in rate, f"missing {name!r} (example field {key!r})"
            assert _same_json_type(rate[name], example[key]), name


def _cents(money: dict[str, Any]) -> int:
    value = money["value"]
    assert round(value * 100) / 100 == value
    return round(value * 100)


def test_customer_bill_values(sample: Invoice, billing: BillingConfig) -> None:
    bill = customer_bill(sample, issued_at=ISSUED, billing=billing)
    assert bill["id"] == bill["billNo"] == "INV-PO-000001-202610"
    assert bill["href"] == "/tmf-api/customerBillManagement/v4/customerBill/INV-PO-000001-202610"
    assert bill["state"] == "new"
    assert bill["runType"] == "offCycle"
    assert bill["@type"] == "CustomerBill"
    assert bill["billDate"] == bill["lastUpdate"] == "2026-10-17T09:30:00Z"
    assert bill["paymentDueDate"] == "2026-10-31T00:00:00Z"
    assert bill["nextBillDate"] == "2026-11-01T00:00:00Z"
    assert bill["billingPeriod"] == {
        "startDateTime": "2026-10-17T00:00:00Z",
        "endDateTime": "2026-10-31T23:59:59Z",
    }
    assert bill["billCycle"]["id"] == "BC-202610"
    assert bill["billingAccount"]["id"] == "CUS-000001"
    assert bill["relatedParty"][0]["id"] == "CUS-000001"
    assert bill["amountDue"] == {"unit": "USD", "value": 155.48}
    assert _cents(bill["taxExcludedAmount"]) == sample.subtotal_cents == 14497
    assert _cents(bill["taxIncludedAmount"]) == _cents(bill["remainingAmount"]) == 15548
    assert bill["taxItem"] == [
        {
            "taxCategory": "sales tax",
            "taxRate": 0.0725,
            "taxAmount": {"unit": "USD", "value": 10.51},
            "@type": "TaxItem",
        }
    ]
    dated = customer_bill(
        sample, issued_at=ISSUED, billing=billing, bill_date=dt.date(2026, 11, 1), href_base="/x"
    )
    assert dated["billDate"] == "2026-11-01T00:00:00Z"
    assert dated["paymentDueDate"] == "2026-11-15T00:00:00Z"
    assert dated["href"] == "/x/customerBill/INV-PO-000001-202610"
    with pytest.raises(ExportError, match="timezone-aware"):
        customer_bill(sample, issued_at=dt.datetime(2026, 10, 17), billing=billing)


def test_applied_rates_split_the_tax_to_the_cent(sample: Invoice, billing: BillingConfig) -> None:
    rates = applied_customer_billing_rates(sample, issued_at=ISSUED, billing=billing)
    assert [r["appliedBillingRateType"] for r in rates] == [
        "recurringCharge",
        "recurringCharge",
        "oneTimeCharge",
    ]
    assert [r["id"] for r in rates] == [f"INV-PO-000001-202610-{n}" for n in (1, 2, 3)]
    assert [_cents(r["taxExcludedAmount"]) for r in rates] == [3871, 726, 9900]
    taxes = [_cents(r["appliedTax"][0]["taxAmount"]) for r in rates]
    # 1051 in proportion: 280.64, 52.63, 717.73; floors 280, 52, 717 leave 2 cents for
    # the two largest remainders (.73, .64).
    assert taxes == [281, 52, 718]
    assert sum(taxes) == sample.tax_cents
    assert sum(_cents(r["taxIncludedAmount"]) for r in rates) == sample.amount_cents
    assert all(r["bill"]["id"] == sample.invoice_id for r in rates)
    assert rates[2]["periodCoverage"] == {
        "startDateTime": "2026-10-17T00:00:00Z",
        "endDateTime": "2026-10-17T23:59:59Z",
    }
