"""Pre-build leads: people who asked for fiber at an address the operator cannot sell yet.

Door-knocking, web sign-ups and town-hall events collect interest ahead of the build. The
simulated CRM exports them as ``landing/leads/leads.csv``: about a third of the pre-build
addresses register one lead, and a few addresses outside the footprint do too (interest the
operator cannot serve). The planned plant goes live weeks after the simulated window ends,
so every lead is still waiting at the end of the data: ``waiting_for_build`` on a pre-build
address, ``out_of_footprint`` outside. A lead converts when its address becomes sellable
(``marts.leads``, the lead-conversion sensor); the simulator does not play that part.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass

from simulator.catalog import CATALOG
from simulator.config import SimulationConfig
from simulator.names import FIRST_NAMES, LAST_NAMES
from simulator.serviceability import Coverage
from simulator.timefmt import iso
from simulator.town import Address

__all__ = ["LEAD_COLUMNS", "LEADS_PATH", "Lead", "generate_leads"]

LEADS_PATH = "leads/leads.csv"
LEAD_COLUMNS = (
    "lead_id",
    "captured_at",
    "address_id",
    "customer_name",
    "customer_email",
    "offering_id",
    "channel",
)
LEAD_SHARE = {"pre_build": 0.35, "out_of_footprint": 0.08}
"""Share of the addresses of each serviceability that register a lead (serviceable ones order)."""
LEAD_STATUS = {"pre_build": "waiting_for_build", "out_of_footprint": "out_of_footprint"}
LEAD_CHANNELS = {"web": 55, "door_to_door": 30, "event": 15}
LEAD_TIER_MIX = {"fiber-300": 25, "fiber-500": 35, "fiber-1000": 32, "fiber-2000": 8}


@dataclass(frozen=True)
class Lead:
    """One lead, as the CRM exports it, and where it stands at the end of the data."""

    lead_id: str
    captured_at: datetime.datetime
    address: Address
    customer_name: str
    customer_email: str
    offering_id: str
    channel: str
    status: str

    def row(self) -> list[str]:
        """The lead's row of ``landing/leads/leads.csv`` (``LEAD_COLUMNS``)."""
        return [
            self.lead_id,
            iso(self.captured_at),
            self.address.address_id,
            self.customer_name,
            self.customer_email,
            self.offering_id,
            self.channel,
        ]


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def generate_leads(
    config: SimulationConfig, addresses: tuple[Address, ...], coverage: list[Coverage]
) -> list[Lead]:
    """The leads captured during the simulation, oldest first, numbered in that order."""
    rng = config.rng("leads")
    window_s = int((config.window_end - config.window_start).total_seconds())
    drafts: list[tuple[datetime.datetime, int, str]] = []
    for index, covered in enumerate(coverage):
        share = LEAD_SHARE.get(covered.serviceability, 0.0)
        if rng.random() >= share:
            continue
        captured_at = config.window_start + datetime.timedelta(seconds=rng.randrange(window_s))
        drafts.append((captured_at, index, covered.serviceability))
    drafts.sort()

    leads: list[Lead] = []
    emails: Counter[str] = Counter()
    for number, (captured_at, index, serviceability) in enumerate(drafts, start=1):
        address = addresses[index]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        local = f"{first}.{last}".lower()
        emails[local] += 1
        if emails[local] > 1:
            local += str(emails[local])
        sold_here = {
            tier: weight
            for tier, weight in LEAD_TIER_MIX.items()
            if address.region in CATALOG.get(tier).regions
        }
        leads.append(
            Lead(
                lead_id=f"LD-{number:05d}",
                captured_at=captured_at.replace(microsecond=0),
                address=address,
                customer_name=f"{first} {last}",
                customer_email=f"{local}@example.org",
                offering_id=_pick(rng, sold_here),
                channel=_pick(rng, LEAD_CHANNELS),
                status=LEAD_STATUS[serviceability],
            )
        )
    return leads
