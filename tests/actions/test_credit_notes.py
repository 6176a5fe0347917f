"""A correction after billing: the OLT gets the corrected profile, the invoice a credit note.

An activation is provisioned on simulated OLTs (real HTTP and SNMP), confirmed and billed;
then its latest valid completion turns out to deliver another tier with voice. Planning again
re-applies the profile, cancels the issued invoice with a credit note and issues the corrected
one, once; the invoice as issued is never changed. When the correction names another ONT (the
technician replaced it), the new ONT is provisioned and, once it is online, the old one removed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from olt_testkit import ont_at, poll_onts

from actions.billing import first_invoice, load_billing_config
from actions.fulfilment import FulfilmentRequest, Services, execute, plan_actions, services_for
from actions.fulfilment.plan import plan_corrections
from actions.ledger import Ledger
from actions.notify.sink import mail_sink
from actions.provisioning import SimulatedOltDriver, driver_for
from catalog.model import CATALOG_PATH, load_catalog
from simulator.network import AgentFleet


@pytest.fixture
def billed(
    served: tuple[Path, AgentFleet],
) -> Iterator[tuple[Path, Services, FulfilmentRequest]]:
    """One activation on the served OLTs, provisioned, confirmed and billed at fiber-500."""
    home, fleet = served
    ont = ont_at(fleet, n=6)
    request = FulfilmentRequest(
        order_id="PO-000077",
        work_order_id="WO-000077",
        customer_id="CUS-77",
        customer_name=None,
        customer_email=None,
        address_id=ont.address_id,
        region="central",
        ont_serial=ont.serial,
        offering_id="fiber-500",
        offering_name="Fiber 500",
        download_mbps=500,
        upload_mbps=500,
        service_vlan_id=100,
        management_vlan_id=4000,
        voice_vlan_id=None,
        addon_ids=(),
        olt_id=ont.olt_id,
        olt_vendor=None,
        pon_port_id=ont.pon_port_id,
        activated_at=dt.datetime(2026, 2, 20, 9, 30, tzinfo=dt.UTC),
    )
    with mail_sink(home), Ledger.open(home) as ledger:
        services = services_for(home)
        ledger.plan(plan_actions([request]))
        report = execute(ledger, services, deadline_s=30)
        assert report.done["bill"] == 1 and report.confirmed == 1
        yield home, services, request


def test_a_late_correction_reprovisions_credits_and_rebills_once(
    billed: tuple[Path, Services, FulfilmentRequest],
) -> None:
    home, services, request = billed
    corrected = dataclasses.replace(
        request,
        offering_id="fiber-1000",
        download_mbps=1000,
        upload_mbps=1000,
        voice_vlan_id=300,
        addon_ids=("voice",),
    )
    with Ledger.open(home) as ledger:
        original = ledger.invoice("INV-PO-000077-202602")
        assert original is not None
        assert plan_corrections([request], ledger) == []  # nothing changed: nothing to do

        assert ledger.plan(plan_corrections([corrected], ledger)) == 3
        report = execute(ledger, services, deadline_s=30)
        assert (report.done["provision"], report.done["credit"], report.done["bill"]) == (1, 1, 1)
        assert plan_corrections([corrected], ledger) == []  # planned once, done once

        assert ledger.invoice("INV-PO-000077-202602") == original  # never changed
        note = ledger.invoice("CN-INV-PO-000077-202602")
        rebill = ledger.invoice("INV-PO-000077-202602-R1")
    assert note is not None and rebill is not None
    assert (note["subtotal_cents"], note["tax_cents"], note["amount_cents"]) == (
        -original["subtotal_cents"],
        -original["tax_cents"],
        -original["amount_cents"],
    )
    expected = first_invoice(
        order_id=request.order_id,
        customer_id="CUS-77",
        region="central",
        tier_offering_id="fiber-1000",
        addon_offering_ids=["voice"],
        activated_on=dt.date(2026, 2, 20),
        catalog=load_catalog(CATALOG_PATH),
        billing=load_billing_config(),
    )
    assert (rebill["offering_id"], rebill["amount_cents"]) == ("fiber-1000", expected.amount_cents)
    assert rebill["billing_period_start"] == original["billing_period_start"]
    driver = driver_for(home)
    assert isinstance(driver, SimulatedOltDriver)
    config = driver.ont_config(request.olt_id, request.ont_serial)
    assert config["profile"] == corrected.profile().to_json()


def test_a_replaced_ont_is_served_and_the_old_one_removed_once(
    billed: tuple[Path, Services, FulfilmentRequest], served: tuple[Path, AgentFleet]
) -> None:
    home, services, request = billed
    _, fleet = served
    new = ont_at(fleet, n=7)
    assert new.serial != request.ont_serial
    replaced = dataclasses.replace(request, ont_serial=new.serial, pon_port_id=new.pon_port_id)
    before = poll_onts(fleet)
    assert before[request.ont_serial]["run_status"] == "online" and new.serial not in before

    with Ledger.open(home) as ledger:
        original = ledger.invoice("INV-PO-000077-202602")
        assert ledger.plan(plan_actions([replaced])) == 1  # the new ONT's provisioning
        corrections = plan_corrections([replaced], ledger)
        assert [(a.idempotency_key, a.depends_on) for a in corrections] == [
            (f"remove:PO-000077:{request.ont_serial}", f"provision:PO-000077:{new.serial}")
        ]
        assert ledger.plan(corrections) == 1
        report = execute(ledger, services, deadline_s=30)
        assert (report.done["provision"], report.done["remove"]) == (1, 1)
        assert report.done["bill"] == report.done["credit"] == 0  # same services, same bill
        assert ledger.plan(plan_actions([replaced])) == 0
        assert plan_corrections([replaced], ledger) == []
        assert ledger.invoice("INV-PO-000077-202602") == original

    after = poll_onts(fleet)
    assert after[new.serial]["run_status"] == "online" and request.ont_serial not in after
    driver = driver_for(home)
    assert isinstance(driver, SimulatedOltDriver)
    assert driver.ont_config(request.olt_id, request.ont_serial)["provisioned"] is False
    assert driver.ont_config(new.olt_id, new.serial)["profile"] == replaced.profile().to_json()
    log = home / "network" / "provisioning-commands.jsonl"
    commands = [json.loads(line) for line in log.read_text().splitlines()]
    assert sorted((c["command"], c["ont_serial"]) for c in commands) == sorted(
        [("apply", request.ont_serial), ("apply", new.serial), ("remove", request.ont_serial)]
    )


def test_a_correction_back_to_the_first_ont_serves_it_again_once(
    billed: tuple[Path, Services, FulfilmentRequest], served: tuple[Path, AgentFleet]
) -> None:
    """First ONT, then a replacement, then a last correction naming the first ONT again."""
    home, services, first = billed
    _, fleet = served
    new = ont_at(fleet, n=7)
    second = dataclasses.replace(first, ont_serial=new.serial, pon_port_id=new.pon_port_id)
    with Ledger.open(home) as ledger:
        ledger.plan(plan_actions([second]))
        ledger.plan(plan_corrections([second], ledger))
        execute(ledger, services, deadline_s=30)

        assert ledger.plan(plan_actions([first])) == 0, "its first provisioning key is taken"
        back = plan_corrections([first], ledger)
        reprovision = f"provision:PO-000077:{first.ont_serial}:r1"
        assert [(a.idempotency_key, a.depends_on) for a in back] == [
            (reprovision, None),
            (f"remove:PO-000077:{new.serial}", reprovision),
        ]
        assert ledger.plan(back) == 2
        report = execute(ledger, services, deadline_s=30)
        assert (report.done["provision"], report.done["remove"]) == (1, 1)
        assert plan_corrections([first], ledger) == []

    after = poll_onts(fleet)
    assert after[first.ont_serial]["run_status"] == "online" and new.serial not in after
    driver = driver_for(home)
    assert isinstance(driver, SimulatedOltDriver)
    assert driver.ont_config(first.olt_id, first.ont_serial)["profile"] == first.profile().to_json()
    assert driver.ont_config(new.olt_id, new.serial)["provisioned"] is False
    log = home / "network" / "provisioning-commands.jsonl"
    commands = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(c["command"], c["ont_serial"]) for c in commands] == [
        ("apply", first.ont_serial),
        ("apply", new.serial),
        ("remove", first.ont_serial),
        ("apply", first.ont_serial),
        ("remove", new.serial),
    ]


def test_a_disconnected_subscription_is_terminated_on_the_olt_once(
    billed: tuple[Path, Services, FulfilmentRequest], served: tuple[Path, AgentFleet]
) -> None:
    """Once its last day of service is behind the data, the ONT is dropped, and only then."""
    home, services, request = billed
    _, fleet = served
    asked = dataclasses.replace(
        request,
        data_through_date=dt.date(2026, 2, 28),
        service_end_date=dt.date(2026, 2, 28),
    )
    over = dataclasses.replace(asked, data_through_date=dt.date(2026, 3, 2))
    key = f"terminate:PO-000077:{request.ont_serial}"
    with Ledger.open(home) as ledger:
        assert key not in {a.idempotency_key for a in plan_actions([asked])}
        planned = {a.idempotency_key: a for a in plan_actions([over])}
        assert planned[key].depends_on == "close:WO-000077"
        assert "bill:monthly:PO-000077:202603" not in planned  # March is after the service end
        assert ledger.plan(plan_actions([over])) == 1
        report = execute(ledger, services, deadline_s=30)
        assert report.done["terminate"] == 1
        assert ledger.plan(plan_actions([over])) == 0
        assert execute(ledger, services, deadline_s=5).done["terminate"] == 0

    assert request.ont_serial not in poll_onts(fleet)
    driver = driver_for(home)
    assert isinstance(driver, SimulatedOltDriver)
    assert driver.ont_config(request.olt_id, request.ont_serial)["provisioned"] is False
    log = home / "network" / "provisioning-commands.jsonl"
    commands = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(c["command"], c["request_id"]) for c in commands if c["command"] != "apply"] == [
        ("remove", key)
    ]
