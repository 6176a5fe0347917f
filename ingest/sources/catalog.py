"""The product catalog from YAML: offerings, their regional prices, and equipment models.

Each offering is validated with the catalog's own model (:class:`catalog.model.Offering`),
so an offering the operator's catalog would refuse is quarantined with the field pydantic
names; the others land.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from catalog.model import EquipmentModel, Offering, describe_errors
from ingest.errors import RecordError
from ingest.parsed import ParsedFile, Quarantined, parse_records, unreadable_file

__all__ = ["KINDS", "parse"]

KINDS = ("tier", "addon", "equipment")


def _validated(model: type[Offering] | type[EquipmentModel], record: dict[str, Any]) -> Any:
    try:
        return model.model_validate(record)
    except ValidationError as error:
        field, reason = describe_errors(error)[0]
        raise RecordError(field, reason) from None


def _offering_parser(regions: tuple[str, ...]) -> Any:
    def parse_offering(record: dict[str, Any], index: int, out: ParsedFile) -> None:
        offering: Offering = _validated(Offering, record)
        for region in offering.monthly_price_cents:
            if regions and region not in regions:
                raise RecordError(
                    f"monthly_price_cents.{region}",
                    f"region {region!r} is not one of the catalog's regions {list(regions)}",
                )
        out.add(
            "catalog_offerings",
            {
                "offering_id": offering.offering_id,
                "kind": offering.kind,
                "name": offering.name,
                "download_mbps": offering.download_mbps,
                "upload_mbps": offering.upload_mbps,
                "install_fee_cents": offering.install_fee_cents,
                "charge_period": offering.billing.charge_period,
                "proration": offering.billing.proration,
                "billing_starts_at": offering.billing.starts_at,
                "min_term_months": offering.billing.min_term_months,
                "vlan_id": offering.provisioning.vlan_id if offering.provisioning else None,
                "inside_wiring": (
                    offering.provisioning.inside_wiring if offering.provisioning else None
                ),
                "equipment_model": offering.equipment_model,
            },
        )
        for region, cents in offering.monthly_price_cents.items():
            out.add(
                "catalog_prices",
                {
                    "offering_id": offering.offering_id,
                    "region": region,
                    "monthly_price_cents": cents,
                },
            )

    return parse_offering


def _equipment(models: list[Any], parsed: ParsedFile) -> None:
    """Equipment models are catalog-level rows: kept, or quarantined at record index -1."""
    for i, record in enumerate(models):
        try:
            if not isinstance(record, dict):
                raise RecordError("", f"expected an object, got {record!r}")
            model: EquipmentModel = _validated(EquipmentModel, record)
        except RecordError as error:
            parsed.quarantined.append(
                Quarantined(
                    -1, None, f"equipment_models.{i}.{error.field}", error.reason, str(record)
                )
            )
            parsed.records += 1
            continue
        parsed.add("catalog_equipment_models", {**model.model_dump(), "_record_index": -1})


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
    parsed = parse_records(
        enumerate(data["offerings"]),
        _offering_parser(tuple(str(r) for r in regions)),
        key_fields=("offering_id",),
    )
    models = data.get("equipment_models") or []
    _equipment(models if isinstance(models, list) else [models], parsed)
    return parsed
