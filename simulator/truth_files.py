"""Writes ``truth/``: the CSV files of the contract and a README describing them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from simulator.disputes import DisputesLanding
from simulator.disputes import write_truth as write_dispute_truth
from simulator.kpis import TRUCK_ROLL_COST_CENTS
from simulator.kpis import write_truth as write_kpi_truth
from simulator.landing import LandedSubmission, QuarantinedRecord
from simulator.leads import Lead
from simulator.leakage_rate import write_truth as write_leakage_rate_truth
from simulator.legacy_billing import Leak, account_id
from simulator.payments import Receivable
from simulator.rules import RULES
from simulator.serviceability import Coverage
from simulator.timefmt import iso
from simulator.truth import Activation, Invoice, KpiDay, Reminder
from simulator.visits import REWORK_WINDOW_DAYS, VisitsLanding
from simulator.visits import write_truth as write_visit_truth
from simulator.writers import write_csv

__all__ = ["LANDED_SOURCES", "TruthTables", "write_truth"]

LANDED_SOURCES = (
    "addresses",
    "plant",
    "catalog",
    "orders",
    "technicians",
    "completions",
    "inventory",
    "visits",
    "otdr",
    "billing_export",
    "payments",
    "disputes",
)

README = """\
# Ground truth

Written by the FiberOps simulator next to the `landing/` files it generated. Every table is
derived from exactly what landed, with the definitions of `docs/data-contracts.md`, and is
keyed and named like the mart it checks (`truth.x join marts.x using (key)`). Times are UTC
(`YYYY-MM-DDTHH:MM:SSZ`), dates `YYYY-MM-DD`, booleans `true`/`false`, empty cell = null.

## addresses.csv — one row per well-formed address feature
- `address_id`
- `serviceability`: `serviceable`, `pre_build` or `out_of_footprint`, by the contract rule
  (nearest splitter by haversine within 300 m; its `build_status` decides).
- `olt_id`, `pon_port_id`, `fdh_id`, `splitter_id`: the serving plant; empty when out of
  footprint.
- `drop_distance_m`: haversine distance to the serving splitter, metres, 2 decimals.

## completions.csv — one row per distinct well-formed submission that landed
- `submission_id`, `work_order_id`, `version`
- `is_valid`: passes every rule.
- `failed_rules`: failed rule names, comma-separated in contract order
  (`missing_photos,gps_off_premise,low_rx_power,wrong_serial,timestamps_out_of_order,
  unknown_tier`), empty when valid.
- `deliveries`: how many times the identical submission was delivered (1 or 2).
- `is_late`: received (`submitted_at`) at least 24 h after `completed_at`. Corrections
  (version 2) are always late by this definition.
- `tier_changed_on_site`: `offering_id_delivered` differs from the ordered tier.

## activations.csv — one row per activated work order
- `work_order_id`, `order_id`, `address_id`, `customer_id`
- `ont_serial`, `offering_id`: from the latest valid version.
- `activated_at`: `submitted_at` of the earliest valid submission.

## invoices.csv — every invoice owed: the first of each activation, then each full cycle
- `invoice_id`: `INV-<order_id>-<YYYYMM>`, the month of the billing cycle's first day.
- `invoice_type`: `first` or `monthly`. A `monthly` invoice is owed for every billing cycle
  after the first whose first day is on or before the last day of `kpi_daily` (the last day
  with an order, an install or an activation: the day the data covers to). It bills the full
  monthly prices in the region of the delivered tier and the ordered add-ons, no install fee,
  with the region's tax on that subtotal rounded half up; its billing period is the cycle.
  A subscriber who asked to disconnect owes no cycle that starts after its last day of
  service (`disconnects.csv`). What follows describes the `first` invoice.
- `order_id`, `customer_id`, `offering_id` (delivered tier), `addon_ids` (the ordered
  add-ons, comma-separated, sorted; empty when none), `region`
- `billing_period_start` (activation day), `billing_period_end` (last day of its billing
  cycle: the month's last day with `billing_cycle_anchor_day: 1`)
- `subtotal_cents`: for the tier and each add-on, its monthly price in the region times
  `days_remaining / days_in_cycle` rounded half up (`days_remaining` counts the activation
  day), plus the install fees (`install_fee_cents`).
- `tax_cents`: `subtotal_cents * tax_rates_bp[region] / 10000` rounded half up
  (`catalog/billing.yaml`).
- `amount_cents`: `subtotal_cents + tax_cents`.

## defects.csv — one row per injected rule failure on a landed submission
- `entity`: `completion`; `entity_id`: the `submission_id`;
  `defect`: the rule it was made to fail (`missing_photos`, `gps_off_premise`,
  `low_rx_power`, `wrong_serial`, and the rarer slips `timestamps_out_of_order`, a departure
  stamped before the completion, `unknown_tier`, a tier the catalog does not sell,
  `serial_not_in_inventory`, an ONT from outside the operator's stock, and `otdr_failed`, an
  attached OTDR trace (`landing/otdr/*.sor`) over the drop's loss budget or broken short of
  its length).
  Equals the `failed_rules` of `completions.csv`.

## quarantine.csv — every malformed landed record
- `source`, `_source_file` (relative to `landing/`), `_record_index` (0-based position in
  the file's array or FeatureCollection), `reason_code`:
  - `null_geometry`: an address Feature whose `geometry` is null (a phantom lot that
    nothing refers to);
  - `missing_order_items`: a `ProductOrderCreateEvent` without `productOrderItem` (an
    abandoned checkout; no other event refers to its order);
  - `non_numeric_rx_power`: a completion whose `optical.ont_rx_power_dbm` is `"n/a"`
    (a spurious extra version of a work order whose activation does not depend on it);
  - `non_integer_price`: a billing export row whose `monthly_price_cents` is a decimal
    amount (`65.00`), and `invalid_start_date`: one whose `billing_start_date` is
    `DD/MM/YYYY` (`_record_index` counts data rows from 0, the header excluded). Both are
    test accounts whose `order_id` (`PO-9…`) nothing else refers to;
  - `non_integer_amount`: a payment row whose `amount_cents` is a decimal amount
    (`65.00`), and `invalid_paid_at`: one whose `paid_at` is `DD/MM/YYYY HH:MM:SS`
    (`_record_index` counts the file's data rows from 0). Their `payment_id` (`PAY-9…`)
    nothing else refers to; they pay nothing.
  - `unknown_reason`: a dispute row whose `reason` is not in the CRM's list,
    `invalid_opened_at`: one whose `opened_at` is `DD/MM/YYYY HH:MM:SS`, and
    `non_integer_credit`: one whose `credited_cents` is a decimal amount (`12.50`). Their
    `case_id` (`DSP-9…`) nothing else refers to.

## landed.csv — landed records per source
- `source`, `records`: as the contract counts them (features, placemarks, offerings,
  order events, technicians, completion deliveries, billing export rows, payment rows —
  duplicates and malformed included).

## appointment_reminders.csv — one row per install visit to remind its customer of
- The visits on the day after the data's last day (the last day of `kpi_daily.csv`) of
  orders not cancelled by then: `marts.appointment_reminders` checks against it.
- `work_order_id`, `order_id`, `customer_email`
- `window_start_at`: the requested start (UTC); `window_end_at`: 4 hours later.

## leads.csv — one row per lead of `landing/leads/leads.csv`
Pre-build interest exported by the CRM: about a third of the pre-build addresses and a few
addresses outside the footprint register a lead. `marts.leads` checks against it.
- `lead_id`, `address_id`, `offering_id`, `channel`: as landed; `region`: the address's.
- `lead_status`: where the lead stands at the end of the data: `waiting_for_build` (pre-build
  address; its plant goes live after the window) or `out_of_footprint`. None converts within
  the window.

## field_visits.csv — one row per truck roll of `landing/visits/`
Every roll the dispatch system logged (by `visit_id`; a roll exported twice is one row, a
garbled repeat is in `quarantine.csv`). About 8 % of installs cannot finish on the first roll
(cause `no_access`, `missing_equipment` or `failed_test`); a return visit 1 to 6 days later
completes them, and the completion submission comes from that return visit.
- `visit_id`, `work_order_id`, `technician_id`, `arrived_at`, `departed_at`, `outcome`
  (`completed` or `incomplete`), `exception_cause` (empty when completed): as landed;
  `address_id`, `region`: the work order's address. `marts.field_visits` checks against it.

## rework.csv — one row per repeat truck roll
A roll to an address that had another roll at most {REWORK_WINDOW_DAYS} days before (arrival dates):
- `visit_id`, `address_id`, `previous_visit_id`; `cause`: the previous roll's
  `exception_cause`, or `repeat_after_completion` when it completed;
  `days_since_previous`: days between the two arrival dates. `marts.rework` checks against it.

## first_visit_completion.csv — one row per day and region with a work order's first roll
- `visit_date` (arrival date of the work order's first roll), `region`, `first_visits`
  (work orders whose first roll was that day), `completed_on_first_visit` (of those, the ones
  whose first roll completed). `marts.first_visit_completion` checks against it.

## revisits_due.csv — one row per work order a crew must go back to
- `work_order_id`: every landed roll of it was unfinished and its order was not cancelled by
  the end of the data; `marts.dispatch_jobs` plans one `revisit` job (`REV:<work order>`) each.

## receivables.csv — one row per invoice of `invoices.csv`: what is left to pay
Payments land in `landing/payments/payments_<YYYY-MM-DD>.csv` (settlements and ACH returns);
*the data's last day* is the last day of `kpi_daily.csv`. Only the well-formed payment rows
dated (UTC) on or before that day count. `marts.receivables` checks against it.
- `invoice_id`, `order_id`, `amount_cents`: as `invoices.csv`.
- `paid_cents`: `amount_cents` of the invoice's `settled` rows minus those of its `returned`
  rows (a return repeats the `payment_id` of the debit it reverses).
- `balance_cents`: `amount_cents - paid_cents`.
- `due_date`: `billing_period_start + payment_terms_days` (`catalog/billing.yaml`).
- `days_overdue`: the data's last day - `due_date`, in days, at least 0; 0 when
  `balance_cents <= 0`.
- `dunning_stage`: `suspend` when `days_overdue >= dunning_suspend_after_days`, else
  `reminder` when `days_overdue >= dunning_reminder_after_days`, else `current`
  (`catalog/billing.yaml`; a paid invoice is `current`).
- `paid_in_full_at`: when `balance_cents <= 0`, the `paid_at` of the row that brought the
  balance from above 0 to 0 or below, taking rows in `paid_at` order (the latest such row,
  when a return reopened the balance and a later payment closed it again); empty otherwise.

## activation_milestones.csv — one row per activated work order (as `activations.csv`)
- `order_id`, `work_order_id`, `region` (the address's), `offering_id` (tier delivered)
- `ordered_at`; `first_roll_at`: arrival of the work order's first landed truck roll (by
  arrival, then `visit_id`), empty when none landed; `completed_at`: the `completed_at` of
  the activating submission (the earliest received valid one); `activated_at`.
- `hours_order_to_first_roll`, `hours_first_roll_to_completion`,
  `hours_completion_to_activation`, `hours_order_to_activation`: hours between those, 4
  decimals (empty when a side is). The first invoice's issue time is the actions' wall clock,
  which no truth can know: `marts.activation_milestones.first_invoice_issued_at` has no cell.

## technician_daily.csv — one row per technician and day with a landed truck roll
- `technician_id`, `visit_date` (arrival date, UTC), `rolls`, `completed_rolls`,
  `incomplete_rolls`; `hours_on_site`: the rolls' departure - arrival summed, hours, 4
  decimals; `first_arrival_at`, `last_departure_at` (the latest departure of those rolls).

## truck_roll_cost_daily.csv — one row per arrival day and region with a landed truck roll
- `visit_date`, `region` (the work order's address), `installs_completed` (work orders whose
  first completed roll arrived that day), `truck_rolls` (every roll that day, finished or
  not), `truck_roll_cost_cents` (`truck_rolls` x {TRUCK_ROLL_COST_CENTS} cents a roll, the dbt
  var `truck_roll_cost_cents`), `cost_per_install_cents` (cost / installs, rounded half up;
  empty without an install).

## revenue_leakage_rate.csv — one row per region with an activation or a leak
- `region`; `activations`: those of `activations.csv` still delivered (not a subscription
  whose service ended after a disconnect before the data's last day, see `disconnects.csv`);
  `monthly_delivered_cents`: their monthly delivered (below, `leaks.csv`) summed.
- `leaks`: rows of `leaks.csv` in the region; `orders_leaking`: distinct orders among them.
- `underbilled_cents`: the `delivered_not_billed` and `billed_late` amounts and the positive
  `tier_mismatch`/`addon_mismatch` amounts; `overbilled_cents`: the `billed_not_delivered`
  and `billed_twice` amounts and the negative mismatch amounts, as positive cents.
- `leakage_rate`: `underbilled_cents / monthly_delivered_cents`, 6 decimals (empty without
  deliveries). `marts.revenue_leakage_rate` checks against it.

## order_to_cash.csv — one row per `first` invoice of `invoices.csv`
- `order_id`, `region` (the order's address), `ordered_at`, `activated_at`, `invoice_id`,
  `amount_cents`
- `paid_at`: the invoice's `paid_in_full_at` in `receivables.csv` (payments dated up to the
  data's last day); empty while a balance is left.
- `days_order_to_cash`: `ordered_at` to `paid_at`, days, 6 decimals; empty while unpaid.

## review_hours_daily.csv — one row per day and region with a submission entering review
A landed submission that fails an error rule (`completions.csv`, `is_valid` false) enters
manual review when it is received; the first later version of the same work order that is
valid (by `submitted_at`, then version, then `submission_id`) releases it.
- `review_date` (UTC date of the failing submission's `submitted_at`), `region` (the work
  order's address), `entered_review` (failing submissions received that day), `released`
  (of those, the ones released), `still_open` (the others);
- `hours_in_review`: the released ones' hours from their `submitted_at` to the releasing
  version's `submitted_at`, summed (0 when none was released); `median_hours_in_review`,
  `mean_hours_in_review`: their median and mean, empty when none was released. 4 decimals.

## dispatch_to_completion_daily.csv — one row per completion day and region
Over the activations of `activation_milestones.csv` with a landed truck roll: from
`first_roll_at` (the dispatch system's first roll to the work order arriving) to
`completed_at` (the accepted completion: the activating submission's), in hours, i.e. that
file's `hours_first_roll_to_completion`.
- `completion_date` (UTC date of `completed_at`), `region`, `work_orders_completed`;
  `median_hours_dispatch_to_completion`, `p90_hours_dispatch_to_completion` (linear
  interpolation between ranks), `mean_hours_dispatch_to_completion`,
  `max_hours_dispatch_to_completion`, 4 decimals.

## disputes.csv — one row per billing dispute case of `landing/disputes/`
The CRM exports the cases that changed each day (`landing/disputes/disputes_<YYYY-MM-DD>.csv`):
a case on the day it was opened, and again, in its final state, on the day it was resolved.
About 8 % of the invoices of `invoices.csv` are disputed, 40 % of those whose delivered tier
is not the ordered one (reason `wrong_tier`) and 40 % of those of an order that `leaks.csv`
says the BSS bills twice (`duplicate_charge`), with another tier (`wrong_tier`) or other
add-ons (`wrong_amount`). A row here is the case as it stands at the end
of the window (its latest row).
- `case_id`, `invoice_id`, `order_id`, `region` (the invoice's), `invoice_month` (first day of
  the month of the invoice's `billing_period_start`), `opened_at`, `reason`
  (`wrong_amount`, `wrong_tier`, `duplicate_charge`, `service_outage`, `install_fee`);
  `resolved_at`, `outcome` (`credited` or `upheld`), `credited_cents` (0 when upheld; the
  whole amount for a duplicate charge): empty while open.

## billing_dispute_rate_monthly.csv — one row per invoice month and region of `invoices.csv`
- `invoice_month`, `region` (as `disputes.csv`), `invoices_issued` (invoices of
  `invoices.csv`), `invoices_disputed` (of those, the ones with a case in `disputes.csv`),
  `dispute_rate` (`invoices_disputed / invoices_issued`, 6 decimals), `disputes_open` (their
  cases not resolved), `credited_cents` (what their `credited` cases credited). The mart counts
  the invoices the actions issued: an order held back from billing (its ONT behind a network
  fault) is in this file and not in the mart.

## leaks.csv — one row per revenue leak injected into `landing/billing/subscriptions.csv`
The legacy billing export (the operator's BSS) bills its `active` rows; `marts.revenue_leakage`
reconciles them with the activations of `activations.csv`.
- `order_id`, `leak_type`: one row per (order, leak type), sorted by both; `leak_type` is
  `delivered_not_billed`, `billed_not_delivered`, `tier_mismatch`, `addon_mismatch`,
  `billed_late` or `billed_twice`.
- `cause`: how the leak was injected: `no_billing_row`, `billing_without_activation` (an
  order cancelled or never activated), `tier_changed_on_site` (billed the ordered tier, the
  technician delivered another), `wrong_tier_keyed` (billed a tier neither ordered nor
  delivered), `late_start`, `addon_not_keyed` (the right tier billed without the first
  ordered add-on), `duplicate_account` (billed right, and again on a second account).
- `account_id`: the BSS account, `ACC-` + the customer number (for `billed_twice`, the
  account billing it rightly; the duplicate is `ACC-8` + the customer number).
- `offering_id_delivered` (empty when not delivered), `offering_id_billed` (empty when not
  billed)
- `days_billed_late`: `billing_start_date` - activation day, days; empty unless
  `billed_late`.
- `amount_cents`: the monthly revenue at stake.
  Prices are the catalog's monthly prices in the address's region, pre-tax, integer cents;
  *monthly delivered* = the tier delivered on site plus the ordered add-ons, *monthly billed* =
  the BSS row's `monthly_price_cents`. By `leak_type`:
  - `delivered_not_billed` (an activation with no `active` billing row): monthly delivered.
  - `billed_not_delivered` (an `active` billing row whose order has no activation):
    monthly billed.
  - `tier_mismatch` (the tier billed is not the tier delivered): monthly delivered - monthly
    billed, negative when the customer is billed more than was delivered.
  - `addon_mismatch` (the tier billed is the tier delivered, the add-ons billed are not the
    ordered ones): monthly delivered - monthly billed, negative when billed too much.
  - `billed_late` (billing starts after the activation day, the UTC date of `activated_at`):
    monthly delivered * `days_billed_late` / days in the activation day's calendar month,
    rounded half up.
  - `billed_twice` (several `active` rows, on different accounts, for one order): the
    monthly price of every row but the first (earliest billing start, then account id).

## disconnects.csv — one row per subscription whose customer asked to disconnect
- `order_id` (the subscription), `disconnect_order_id` (`DC-<n>`, the TMF622 `delete` order),
  `region`, `offering_id` (delivered tier), `cohort_month` (first day of the activation month)
- `requested_at`: when the request landed; `service_end_date`: the last day of the billing
  cycle in which it arrived (no proration, no refund).
- `install_rx_power_dbm`, `has_weak_install_optics` (below -25 dBm): the standing valid
  completion's reading; such subscribers ask five times as often (`simulator/churn.py`).

## churn_monthly.csv — one row per month, region, tier and cohort month (as `churn_monthly`)
- `subscribers_at_start`, `new_subscribers`, `disconnects` (last day of service in the
  month), `subscribers_at_end`, `churn_rate` (disconnects / subscribers at start, 4 decimals,
  empty without any); see docs/data-contracts.md, "KPI definitions".
"""


@dataclass(frozen=True)
class TruthTables:
    """Everything ``truth/`` is written from."""

    coverage: list[Coverage]
    olt_of_port: dict[str, str]
    submissions: list[LandedSubmission]
    activations: list[Activation]
    invoices: list[Invoice]
    kpi: list[KpiDay]
    kpi_regions: dict[str, list[KpiDay]]
    quarantine: list[QuarantinedRecord]
    landed: dict[str, int]
    leaks: list[Leak]
    receivables: list[Receivable]
    reminders: list[Reminder]
    leads: list[Lead]
    visits: VisitsLanding
    disputes: DisputesLanding | None = None
    ended: frozenset[str] = frozenset()
    """Orders whose service ended after a disconnect before the data's last day."""


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _kpi_cells(k: KpiDay) -> list[str | int]:
    median = k.median_hours_order_to_activation
    return [k.orders, k.installs, k.activations, "" if median is None else f"{median:.4f}"]


def write_truth(directory: Path, tables: TruthTables) -> None:
    """Write every truth file and ``README.md`` into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    readme = README.replace("{REWORK_WINDOW_DAYS}", str(REWORK_WINDOW_DAYS)).replace(
        "{TRUCK_ROLL_COST_CENTS}", str(TRUCK_ROLL_COST_CENTS)
    )
    (directory / "README.md").write_bytes(readme.encode())

    write_csv(
        directory / "addresses.csv",
        [
            "address_id",
            "serviceability",
            "olt_id",
            "pon_port_id",
            "fdh_id",
            "splitter_id",
            "drop_distance_m",
        ],
        (
            [c.address_id, c.serviceability, "", "", "", "", ""]
            if c.splitter is None or c.drop_distance_m is None
            else [
                c.address_id,
                c.serviceability,
                tables.olt_of_port[c.splitter.pon_port_id],
                c.splitter.pon_port_id,
                c.splitter.fdh_id,
                c.splitter.splitter_id,
                f"{c.drop_distance_m:.2f}",
            ]
            for c in tables.coverage
        ),
    )

    by_id = sorted(tables.submissions, key=lambda e: e.submission_id)
    write_csv(
        directory / "completions.csv",
        [
            "submission_id",
            "work_order_id",
            "version",
            "is_valid",
            "failed_rules",
            "deliveries",
            "is_late",
            "tier_changed_on_site",
        ],
        (
            [
                e.submission_id,
                e.submission.work_order_id,
                e.submission.version,
                _bool(e.is_valid),
                ",".join(e.failed_rules),
                e.deliveries,
                _bool(e.is_late),
                _bool(e.tier_changed_on_site),
            ]
            for e in by_id
        ),
    )
    write_csv(
        directory / "defects.csv",
        ["entity", "entity_id", "defect"],
        (
            ["completion", e.submission_id, rule]
            for e in by_id
            for rule in RULES
            if rule in e.submission.defects
        ),
    )
    write_csv(
        directory / "activations.csv",
        [
            "work_order_id",
            "order_id",
            "address_id",
            "customer_id",
            "ont_serial",
            "offering_id",
            "activated_at",
        ],
        (
            [
                a.order.work_order_id,
                a.order.order_id,
                a.order.address.address_id,
                a.order.customer_id,
                a.ont_serial,
                a.offering_id,
                iso(a.activated_at),
            ]
            for a in tables.activations
        ),
    )
    write_csv(
        directory / "invoices.csv",
        [
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
        ],
        (
            [
                i.invoice_id,
                i.invoice_type,
                i.order.order_id,
                i.order.customer_id,
                i.offering_id,
                ",".join(i.addon_ids),
                i.region,
                i.billing_period_start.isoformat(),
                i.billing_period_end.isoformat(),
                i.subtotal_cents,
                i.tax_cents,
                i.amount_cents,
            ]
            for i in tables.invoices
        ),
    )
    write_csv(
        directory / "quarantine.csv",
        ["source", "_source_file", "_record_index", "reason_code"],
        (
            [q.source, q.source_file, q.record_index, q.reason_code]
            for q in sorted(
                tables.quarantine, key=lambda q: (q.source, q.source_file, q.record_index)
            )
        ),
    )
    write_csv(
        directory / "landed.csv",
        ["source", "records"],
        ([source, tables.landed[source]] for source in LANDED_SOURCES),
    )
    kpi_columns = ["orders", "installs", "activations", "median_hours_order_to_activation"]
    write_csv(
        directory / "kpi_daily.csv",
        ["kpi_date", *kpi_columns],
        ([k.kpi_date.isoformat(), *_kpi_cells(k)] for k in tables.kpi),
    )
    write_csv(
        directory / "kpi_daily_regions.csv",
        ["kpi_date", "region", *kpi_columns],
        sorted(
            (
                [k.kpi_date.isoformat(), region, *_kpi_cells(k)]
                for region, days in tables.kpi_regions.items()
                for k in days
            ),
            key=lambda cells: (cells[0], cells[1]),
        ),
    )
    write_csv(
        directory / "leaks.csv",
        [
            "order_id",
            "leak_type",
            "cause",
            "account_id",
            "offering_id_delivered",
            "offering_id_billed",
            "days_billed_late",
            "amount_cents",
        ],
        (
            [
                leak.order.order_id,
                leak.leak_type,
                leak.cause,
                account_id(leak.order),
                leak.offering_id_delivered or "",
                leak.offering_id_billed or "",
                "" if leak.days_billed_late is None else leak.days_billed_late,
                leak.amount_cents,
            ]
            for leak in tables.leaks
        ),
    )
    write_csv(
        directory / "appointment_reminders.csv",
        ["work_order_id", "order_id", "customer_email", "window_start_at", "window_end_at"],
        (
            [
                r.order.work_order_id,
                r.order.order_id,
                r.order.email,
                iso(r.window_start_at),
                iso(r.window_end_at),
            ]
            for r in tables.reminders
        ),
    )
    write_csv(
        directory / "leads.csv",
        ["lead_id", "address_id", "offering_id", "channel", "region", "lead_status"],
        (
            [
                lead.lead_id,
                lead.address.address_id,
                lead.offering_id,
                lead.channel,
                lead.address.region,
                lead.status,
            ]
            for lead in tables.leads
        ),
    )
    write_visit_truth(directory, tables.visits)
    write_csv(
        directory / "receivables.csv",
        [
            "invoice_id",
            "order_id",
            "amount_cents",
            "paid_cents",
            "balance_cents",
            "due_date",
            "days_overdue",
            "dunning_stage",
            "paid_in_full_at",
        ],
        (
            [
                r.invoice.invoice_id,
                r.invoice.order.order_id,
                r.invoice.amount_cents,
                r.paid_cents,
                r.balance_cents,
                r.due_date.isoformat(),
                r.days_overdue,
                r.dunning_stage,
                "" if r.paid_in_full_at is None else iso(r.paid_in_full_at),
            ]
            for r in tables.receivables
        ),
    )
    write_kpi_truth(
        directory,
        tables.activations,
        tables.submissions,
        tables.visits.rolls,
        tables.receivables,
    )
    delivered = [a for a in tables.activations if a.order.order_id not in tables.ended]
    write_leakage_rate_truth(directory, delivered, tables.leaks)
    if tables.disputes is not None:
        write_dispute_truth(directory, tables.invoices, tables.disputes)
