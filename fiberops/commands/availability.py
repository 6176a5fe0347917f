"""``fiberops availability "12 Main St"``: what can be sold at an address, as a CSR sees it.

Reads the published serving copy (read-only, one short connection): the address matched from
free text by its normalised key, its serviceability and why it cannot be sold today if so,
and the offerings and prices for sale in its region.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from fiberops import settings, warehouse
from ingest.gis.normalize import normalize_street, parse_free_text

__all__ = [
    "Availability",
    "MatchedAddress",
    "OfferPrice",
    "availability",
    "lookup",
    "lookup_or_exit",
]

_POSTCODE = re.compile(r"\b(\d{5})\b")
_MAX_CANDIDATES = 5


@dataclass(frozen=True)
class MatchedAddress:
    """An address of the base that matches the text, with its status."""

    address_id: str
    label: str
    region: str
    serviceability: str
    is_sellable_today: bool
    not_sellable_reason: str | None
    planned_live_date: str | None
    splitter_free_ports: int | None


@dataclass(frozen=True)
class OfferPrice:
    """An offering for sale in the address's region."""

    offering_id: str
    kind: str
    name: str
    monthly_price_cents: int
    install_fee_cents: int


@dataclass
class Availability:
    """The answer to a lookup: the best match, other candidates, and what is for sale."""

    query: str
    match: MatchedAddress | None = None
    candidates: list[MatchedAddress] = field(default_factory=list)
    offerings: list[OfferPrice] = field(default_factory=list)


_ADDRESS_SQL = """
select address_id,
    house_number || ' ' || street || coalesce(' ' || unit, '') || ', ' || city || ' ' || postcode,
    region, serviceability, is_sellable_today, not_sellable_reason,
    cast(planned_live_date as varchar), splitter_free_ports
from marts.address_serviceability
where not is_duplicate
    and split_part(address_key, '|', 1) = ?
    and (split_part(address_key, '|', 2) = ? or split_part(address_key, '|', 2) like ? || ' %')
    and (? is null or split_part(address_key, '|', 3) = ?)
    and (? is null or postcode = ?)
order by split_part(address_key, '|', 2) = ? desc, split_part(address_key, '|', 3) = '' desc,
    address_id
limit ?
"""


def lookup(serving: Path, text: str) -> Availability:
    """Match free text against the address base and list what is for sale there.

    Args:
        serving: The serving copy (``settings.serving_path()``), opened read-only.
        text: What the customer said, e.g. ``"12 Maple Ave Apt 4, 55117"``.
    """
    result = Availability(query=text)
    parsed = parse_free_text(text)
    if parsed is None:
        return result
    street = normalize_street(parsed.street)
    postcode_match = _POSTCODE.search(parsed.locality)
    postcode = postcode_match.group(1) if postcode_match else None
    params: list[Any] = [
        parsed.house_number.upper(),
        street,
        street,
        parsed.unit,
        parsed.unit,
        postcode,
        postcode,
        street,
        _MAX_CANDIDATES,
    ]
    with warehouse.read_only(serving) as con:
        rows = con.execute(_ADDRESS_SQL, params).fetchall()
        result.candidates = [MatchedAddress(*row) for row in rows]
        if not result.candidates:
            return result
        result.match = result.candidates[0]
        if result.match.serviceability != "out_of_footprint":
            offers = con.execute(
                "select offering_id, offering_kind, offering_name, monthly_price_cents, "
                "install_fee_cents from marts.offering_prices where region = ? "
                "order by offering_kind = 'tier' desc, offering_kind, monthly_price_cents",
                [result.match.region],
            ).fetchall()
            result.offerings = [OfferPrice(*row) for row in offers]
    return result


def lookup_or_exit(
    data: Path | None, address: str, console: Console
) -> tuple[Path, Availability, MatchedAddress]:
    """The serving copy, the lookup and its match; exit 2 with no serving copy, 1 with no match."""
    home = data.expanduser().resolve() if data else settings.fiberops_home()
    serving = settings.serving_path(home)
    if not serving.exists():
        console.print(f"[red]no serving copy at {serving}[/red]: run `fiberops run-once` first")
        raise typer.Exit(2)
    answer = lookup(serving, address)
    if answer.match is None:
        console.print(f"[yellow]no address matches {address!r}[/yellow]")
        raise typer.Exit(1)
    return serving, answer, answer.match


def _money(cents: int) -> str:
    return f"${cents / 100:,.2f}"


def availability(
    address: Annotated[str, typer.Argument(help="Free-text address, e.g. '12 Maple Ave Apt 4'.")],
    data: Annotated[
        Path | None,
        typer.Option("--data", help="The operator's home; default $FIBEROPS_HOME or ./data."),
    ] = None,
) -> None:
    """Show the matched address, its status, and the offerings and prices for sale there."""
    console = Console()
    _, answer, match = lookup_or_exit(data, address, console)
    status = (
        "sellable today"
        if match.is_sellable_today
        else f"not sellable: {match.not_sellable_reason}"
    )
    console.print(f"[bold]{match.label}[/bold] ({match.address_id}, region {match.region})")
    console.print(f"{match.serviceability} — {status}")
    if match.planned_live_date:
        console.print(f"planned live: {match.planned_live_date}")
    if match.is_sellable_today or match.serviceability == "pre_build":
        table = Table(title="for sale" if match.is_sellable_today else "for sale once live")
        for column in ("offering", "kind", "name", "monthly", "install"):
            table.add_column(column)
        for offer in answer.offerings:
            table.add_row(
                offer.offering_id,
                offer.kind,
                offer.name,
                _money(offer.monthly_price_cents),
                _money(offer.install_fee_cents),
            )
        console.print(table)
    for other in answer.candidates[1:]:
        console.print(f"also matches: {other.label} ({other.address_id})")
