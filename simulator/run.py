"""``simulate``: generate a whole operator, its landing files and its ground truth."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from simulator.catalog import CATALOG
from simulator.churn import churn_monthly, disconnect_event, draw_disconnects
from simulator.churn import write_truth as write_churn_truth
from simulator.config import SimulationConfig
from simulator.customers import generate_orders
from simulator.disputes import DISPUTE_COLUMNS, land_disputes
from simulator.disputes import file_name as dispute_file_name
from simulator.errors import SimulatorError
from simulator.field import generate_submissions, schedule_visits
from simulator.inventory import INVENTORY_COLUMNS, INVENTORY_PATH, land_inventory
from simulator.landing import address_features, land_completions
from simulator.leads import LEAD_COLUMNS, LEADS_PATH, generate_leads
from simulator.legacy_billing import EXPORT_COLUMNS, EXPORT_PATH, land_billing
from simulator.order_events import land_orders
from simulator.payments import PAYMENT_COLUMNS, file_name, land_payments, receivables
from simulator.plant import build_plant
from simulator.serviceability import classify
from simulator.technicians import generate_technicians
from simulator.town import build_town
from simulator.truth import (
    activations,
    appointment_reminders,
    billing_terms,
    first_invoice,
    kpi_daily,
    kpi_daily_regions,
    monthly_invoices,
    state_changes,
)
from simulator.truth_files import TruthTables, write_truth
from simulator.visits import land_visits, plan_rolls
from simulator.writers import (
    write_bytes,
    write_csv,
    write_geojson,
    write_json_array,
    write_kmz,
    write_yaml,
)

__all__ = ["SimulationSummary", "simulate"]


@dataclass(frozen=True)
class SimulationSummary:
    """What a simulation produced.

    Attributes:
        config: The configuration simulated.
        landed: Landed records per source (as ``truth/landed.csv``).
        quarantined: Malformed landed records per source.
        serviceability: Addresses per serviceability class.
        orders: Orders placed.
        cancellations: Orders cancelled before their visit (within the window).
        visits: Install visits made.
        submissions: Distinct well-formed submissions landed.
        invalid_submissions: Landed submissions failing at least one rule.
        activations: Work orders activated.
        leaks: Revenue leaks injected into the billing export, per leak type.
        dunning: Invoices owed per dunning stage as of the data's last day.
        landing_dir: Folder of the landing files.
        truth_dir: Folder of the truth files.
    """

    config: SimulationConfig
    landed: dict[str, int]
    quarantined: dict[str, int]
    serviceability: dict[str, int]
    orders: int
    cancellations: int
    visits: int
    submissions: int
    invalid_submissions: int
    activations: int
    leaks: dict[str, int]
    dunning: dict[str, int]
    landing_dir: Path
    truth_dir: Path


def _prepare(out: Path, overwrite: bool) -> tuple[Path, Path]:
    landing, truth = out / "landing", out / "truth"
    for folder in (landing, truth):
        if folder.exists() and any(folder.iterdir()):
            if not overwrite:
                raise SimulatorError(
                    f"{folder} already holds files; pass overwrite=True to replace them"
                )
            shutil.rmtree(folder)
    return landing, truth


def simulate(
    config: SimulationConfig,
    out: Path,
    on_progress: Callable[[str], None] | None = None,
    *,
    overwrite: bool = False,
) -> SimulationSummary:
    """Simulate an operator and write ``out/landing/`` and ``out/truth/``.

    The same configuration always writes byte-identical files.

    Args:
        config: Size, length, start day and seed of the simulation.
        out: The operator's home folder (``FIBEROPS_HOME``).
        on_progress: Called with a short message as each stage starts.
        overwrite: Replace existing ``landing/`` and ``truth/`` folders under ``out``.

    Returns:
        Counts of what was generated and landed.

    Raises:
        SimulatorError: ``landing/`` or ``truth/`` already hold files and ``overwrite``
            is false.
    """

    def progress(message: str) -> None:
        if on_progress is not None:
            on_progress(message)

    landing, truth_dir = _prepare(Path(out), overwrite)

    progress("laying out the town and its plant")
    town = build_town(config)
    plant = build_plant(config, town)
    coverage = classify(town.addresses, plant)

    progress("generating customers, orders and technicians")
    orders = generate_orders(config, town.addresses, coverage)
    leads = generate_leads(config, town.addresses, coverage)
    technicians = generate_technicians(config, town)

    progress("scheduling installs and field submissions")
    visits, rolls = plan_rolls(config, schedule_visits(config, orders, technicians), technicians)
    visit_log = land_visits(config, rolls)
    submissions = generate_submissions(config, visits, plant)
    inventory = land_inventory(config, submissions, sorted({o.region for o in plant.olts}))
    completions = land_completions(config, submissions, inventory.serials)
    activated = activations(completions.submissions)
    disconnects = draw_disconnects(config, activated, completions.submissions)
    orders_landing = land_orders(
        config,
        orders,
        state_changes(orders, activated),
        [disconnect_event(d) for d in disconnects],
    )
    addresses_landing = address_features(config, town.addresses)
    kpi = kpi_daily(orders, completions.submissions, activated)
    through = kpi[-1].kpi_date if kpi else config.last_day
    service_end = {d.order_id: d.service_end_date for d in disconnects}
    ended = frozenset(o for o, end in service_end.items() if end < through)
    billing = land_billing(config, orders, activated, ended)
    invoices = [first_invoice(a) for a in activated]
    invoices += [
        i
        for a in activated
        for i in monthly_invoices(a, through, service_end.get(a.order.order_id))
    ]
    activated_at = {a.order.order_id: a.activated_at for a in activated}
    payments = land_payments(config, invoices, billing_terms(), activated_at)
    owed = receivables(invoices, payments.payments, through, billing_terms())
    disputes = land_disputes(config, invoices, billing.leaks)

    progress("writing landing files")
    write_geojson(landing / "gis" / "addresses.geojson", addresses_landing.features())
    write_kmz(landing / "gis" / "plant.kmz", plant)
    write_yaml(landing / "catalog" / "catalog.yaml", CATALOG.to_yaml())
    write_json_array(
        landing / "technicians" / "technicians.json", [t.to_json() for t in technicians]
    )
    for day, records in orders_landing.files.items():
        write_json_array(landing / "orders" / f"orders_{day.isoformat()}.json", records)
    for day, records in completions.files.items():
        write_json_array(landing / "completions" / f"completions_{day.isoformat()}.json", records)
    write_csv(landing / LEADS_PATH, LEAD_COLUMNS, (lead.row() for lead in leads))
    write_csv(landing / INVENTORY_PATH, INVENTORY_COLUMNS, inventory.rows)
    traces = {t.file: t.data for e in completions.submissions for t in e.submission.traces}
    for name, data in sorted(traces.items()):
        write_bytes(landing / "otdr" / name, data)
    for day, records in visit_log.files.items():
        write_json_array(landing / "visits" / f"visits_{day.isoformat()}.json", records)
    write_csv(landing / EXPORT_PATH, EXPORT_COLUMNS, billing.rows)
    for day, rows in payments.files.items():
        write_csv(landing / file_name(day), PAYMENT_COLUMNS, rows)
    for day, rows in disputes.files.items():
        write_csv(landing / dispute_file_name(day), DISPUTE_COLUMNS, rows)

    progress("writing ground truth")
    landed = {
        "addresses": addresses_landing.records,
        "plant": plant.placemarks,
        "catalog": len(CATALOG.offerings),
        "orders": orders_landing.records,
        "technicians": len(technicians),
        "completions": completions.records,
        "inventory": inventory.records,
        "visits": visit_log.records,
        "otdr": len(traces),
        "billing_export": billing.records,
        "payments": payments.records,
        "disputes": disputes.records,
    }
    quarantine = (
        addresses_landing.quarantine
        + orders_landing.quarantine
        + completions.quarantine
        + inventory.quarantine
        + visit_log.quarantine
        + billing.quarantine
        + payments.quarantine
        + disputes.quarantine
    )
    write_truth(
        truth_dir,
        TruthTables(
            coverage=coverage,
            olt_of_port={p.pon_port_id: p.olt_id for p in plant.pon_ports},
            submissions=completions.submissions,
            activations=activated,
            invoices=invoices,
            kpi=kpi,
            kpi_regions=kpi_daily_regions(orders, completions.submissions, activated),
            ended=ended,
            leaks=billing.leaks,
            receivables=owed,
            reminders=appointment_reminders(orders, through),
            leads=leads,
            visits=visit_log,
            quarantine=quarantine,
            landed=landed,
            disputes=disputes,
        ),
    )
    write_churn_truth(truth_dir, disconnects, churn_monthly(activated, disconnects, through))
    return SimulationSummary(
        config=config,
        landed=landed,
        quarantined=dict(sorted(Counter(q.source for q in quarantine).items())),
        serviceability=dict(sorted(Counter(c.serviceability for c in coverage).items())),
        orders=len(orders),
        cancellations=sum(
            1 for o in orders if o.cancelled_at is not None and o.cancelled_at < config.window_end
        ),
        visits=len(visits),
        submissions=len(completions.submissions),
        invalid_submissions=sum(1 for s in completions.submissions if not s.is_valid),
        activations=len(activated),
        leaks=dict(sorted(Counter(leak.leak_type for leak in billing.leaks).items())),
        dunning=dict(sorted(Counter(r.dunning_stage for r in owed).items())),
        landing_dir=landing,
        truth_dir=truth_dir,
    )
