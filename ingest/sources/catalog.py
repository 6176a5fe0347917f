"""The product catalog from YAML: offerings and their monthly price by region."""

from __future__ import annotations

from typing import Any

import yaml

from ingest.errors import RecordError
from ingest.fields import req_int, req_mapping, req_str
from ingest.parsed import ParsedFile, parse_records, unreadable_file

__all__ = ["parse"]

KINDS = ("tier", "addon", "equipment")


def _offering_parser(regions: tuple[str, ...]) -> Any:
    def parse_offering(offering: dict[str, Any], index: int, out: ParsedFile) -> None:
        offering_id = req_str(offering, "offering_id")
        kind = req_str(offering, "kind", choices=KINDS)
        is_tier = kind == "tier"
        prices = req_mapping(offering, "monthly_price_cents")
        priced: list[dict[str, Any]] = []
        for region in prices:
            if regions and region not in regions:
                raise RecordError(
                    f"monthly_price_cents.{region}",
                    f"region {region!r} is not one of the catalog's regions {list(regions)}",
                )
            cents = req_int(prices, str(region), low=0)
            priced.append(
                {"offering_id": offering_id, "region": str(region), "monthly_price_cents": cents}
            )
        out.add(
            "catalog_offerings",
            {
                "offering_id": offering_id,
                "kind": kind,
                "name": req_str(offering, "name"),
                "download_mbps": req_int(offering, "download_mbps", low=1) if is_tier else None,
                "upload_mbps": req_int(offering, "upload_mbps", low=1) if is_tier else None,
                "install_fee_cents": req_int(offering, "install_fee_cents", low=0),
            },
        )
        for row in priced:
            out.add("catalog_prices", row)

    return parse_offering


def parse(raw: bytes) -> ParsedFile:
    """Parse a catalog YAML file; each offering is one landed record."""
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as error:
        return unreadable_file(f"not valid YAML: {error}", raw)
    if not isinstance(data, dict) or not isinstance(data.get("offerings"), list):
        return unreadable_file("catalog has no 'offerings' list", raw)
    regions = data.get("regions") or []
    if not isinstance(regions, list):
        return unreadable_file(f"'regions' must be a list, got {regions!r}", raw)
    return parse_records(
        enumerate(data["offerings"]),
        _offering_parser(tuple(str(r) for r in regions)),
        key_fields=("offering_id",),
    )
