"""What lands: addresses and completions in file order, with malformed records mixed in.

Malformed records (for the quarantine) never carry truth: a malformed address or order
event is a phantom that nothing else refers to, and a malformed completion is a spurious
extra version of a work order that already has a valid, well-formed submission.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

from simulator.config import SimulationConfig
from simulator.field import Submission
from simulator.rules import failed_rules
from simulator.timefmt import iso, parse_iso
from simulator.town import Address

__all__ = [
    "DUPLICATE_RATE",
    "MALFORMED_RATE",
    "AddressesLanding",
    "CompletionsLanding",
    "LandedSubmission",
    "QuarantinedRecord",
    "malformed_count",
    "address_features",
    "land_completions",
]

DUPLICATE_RATE = 0.04
MALFORMED_RATE = 0.003
MALFORMED_ADDRESSES = (2, 3)


@dataclass(frozen=True, slots=True)
class QuarantinedRecord:
    """A malformed record the ingest must route to the quarantine."""

    source: str
    source_file: str
    record_index: int
    reason_code: str


@dataclass
class LandedSubmission:
    """A well-formed submission that landed, with its id and the rules it fails."""

    submission: Submission
    submission_id: str
    failed_rules: list[str]
    deliveries: int = 1

    @property
    def is_valid(self) -> bool:
        """True when the submission passes every rule."""
        return not self.failed_rules

    @property
    def is_late(self) -> bool:
        """True when received at least 24 hours after the visit's ``completed_at``."""
        completed_at = parse_iso(self.submission.payload["completed_at"])
        return self.submission.submitted_at - completed_at >= datetime.timedelta(days=1)

    @property
    def tier_changed_on_site(self) -> bool:
        """True when the delivered tier differs from the ordered one."""
        delivered = self.submission.payload["offering_id_delivered"]
        return bool(delivered != self.submission.order.tier.offering_id)


@dataclass
class CompletionsLanding:
    """The completions files: one JSON array per simulated day."""

    files: dict[datetime.date, list[dict[str, Any]]]
    submissions: list[LandedSubmission]
    quarantine: list[QuarantinedRecord] = field(default_factory=list)

    @property
    def records(self) -> int:
        """Landed records: every delivery, duplicates and malformed ones included."""
        return sum(len(records) for records in self.files.values())


def malformed_count(total: int) -> int:
    """How many malformed records to inject among ``total`` landed ones (at least one)."""
    return max(1, round(total * MALFORMED_RATE)) if total else 0


@dataclass(frozen=True)
class AddressesLanding:
    """The address GeoJSON: every address, plus a few phantoms without geometry."""

    addresses: tuple[Address, ...]
    phantoms: dict[int, dict[str, Any]]

    @property
    def records(self) -> int:
        """Landed records: one per feature."""
        return len(self.addresses) + len(self.phantoms)

    @property
    def quarantine(self) -> list[QuarantinedRecord]:
        """The phantoms, as the quarantine must hold them."""
        return [
            QuarantinedRecord("addresses", "gis/addresses.geojson", i, "null_geometry")
            for i in sorted(self.phantoms)
        ]

    def features(self) -> Iterator[dict[str, Any]]:
        """The GeoJSON features in file order, built one at a time."""
        real = iter(self.addresses)
        for position in range(self.records):
            phantom = self.phantoms.get(position)
            if phantom is not None:
                yield phantom
                continue
            a = next(real)
            yield {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [a.lon, a.lat]},
                "properties": {
                    "address_id": a.address_id,
                    "house_number": a.house_number,
                    "street": a.street,
                    "unit": a.unit,
                    "city": a.city,
                    "postcode": a.postcode,
                    "region": a.region,
                },
            }


def address_features(config: SimulationConfig, addresses: tuple[Address, ...]) -> AddressesLanding:
    """The address export, with two or three features whose geometry is null.

    The geometry-less ones are new-construction lots not yet geocoded; their ids follow
    the real addresses' and nothing refers to them.
    """
    rng = config.rng("landing-addresses")
    n_bad = rng.randint(*MALFORMED_ADDRESSES)
    positions = sorted(rng.sample(range(len(addresses) + n_bad), n_bad))
    phantoms: dict[int, dict[str, Any]] = {}
    for k, position in enumerate(positions):
        template = rng.choice(addresses)
        phantoms[position] = {
            "type": "Feature",
            "geometry": None,
            "properties": {
                "address_id": f"ADR-{len(addresses) + k + 1:06d}",
                "house_number": str(int(template.house_number) + 1000),
                "street": template.street,
                "unit": None,
                "city": template.city,
                "postcode": template.postcode,
                "region": template.region,
            },
        }
    return AddressesLanding(addresses, phantoms)


def land_completions(
    config: SimulationConfig, submissions: list[Submission], inventory: Collection[str]
) -> CompletionsLanding:
    """Deliver submissions into daily files: late ones later, some twice, a few garbled.

    ``inventory`` holds the serial numbers of the ONT inventory the rules check against.

    A submission whose receive time falls after the window is not landed. About 4 % of
    landed submissions are delivered a second time (same day or a later one), and about
    0.3 % of work orders with a valid submission get a spurious extra version whose
    ``optical.ont_rx_power_dbm`` is the string ``"n/a"``.
    """
    rng = config.rng("landing-completions")
    end = config.window_end
    landed = [s for s in submissions if s.submitted_at < end]

    spurious: list[Submission] = []
    sound = [s for s in landed if not s.defects]
    for source in rng.sample(sound, min(len(sound), malformed_count(len(landed)))):
        gap = min(
            datetime.timedelta(seconds=rng.randrange(600, 2 * 86400)),
            (end - source.submitted_at) / 2,
        )
        payload = {
            **source.payload,
            "version": source.version + 1,
            "optical": {**source.payload["optical"], "ont_rx_power_dbm": "n/a"},
        }
        at = source.submitted_at + datetime.timedelta(seconds=int(gap.total_seconds()))
        spurious.append(Submission(source.order, source.version + 1, at, (), payload))

    ordered = sorted(
        [(s, False) for s in landed] + [(s, True) for s in spurious],
        key=lambda e: (e[0].submitted_at, e[0].work_order_id, e[0].version),
    )
    good: list[LandedSubmission] = []
    deliveries: list[tuple[datetime.datetime, str, int, dict[str, Any], bool]] = []
    for number, (sub, malformed) in enumerate(ordered, start=1):
        submission_id = f"SUB-{number:07d}"
        payload = {
            **sub.payload,
            "submission_id": submission_id,
            "submitted_at": iso(sub.submitted_at),
        }
        sub = dataclasses.replace(sub, payload=payload)
        deliveries.append((sub.submitted_at, submission_id, 0, payload, malformed))
        if malformed:
            continue
        address = sub.order.address
        facts = {t.file: t.facts for t in sub.traces}
        drop_m = sub.order.coverage.drop_distance_m or 0.0
        failed = failed_rules(payload, address.lat, address.lon, inventory, drop_m, facts)
        entry = LandedSubmission(sub, submission_id, failed)
        good.append(entry)
        if rng.random() < DUPLICATE_RATE:
            entry.deliveries = 2
            day = min(
                sub.submitted_at.date() + datetime.timedelta(days=rng.choice((0, 1, 1, 2, 3))),
                config.last_day,
            )
            day_start = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
            earliest = max(day_start, sub.submitted_at + datetime.timedelta(seconds=60))
            room = (day_start + datetime.timedelta(days=1) - earliest).total_seconds()
            again = earliest + datetime.timedelta(seconds=rng.randrange(max(1, int(room))))
            deliveries.append((again, submission_id, 1, payload, False))

    files: dict[datetime.date, list[dict[str, Any]]] = {day: [] for day in config.dates}
    quarantine: list[QuarantinedRecord] = []
    for at, _, _, payload, malformed in sorted(deliveries, key=lambda d: (d[0], d[1], d[2])):
        day_records = files[at.date()]
        if malformed:
            quarantine.append(
                QuarantinedRecord(
                    "completions",
                    f"completions/completions_{at.date().isoformat()}.json",
                    len(day_records),
                    "non_numeric_rx_power",
                )
            )
        day_records.append(payload)
    return CompletionsLanding(files, good, quarantine)
