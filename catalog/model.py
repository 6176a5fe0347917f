"""The catalog's schema: offerings, equipment models, regional prices and billing rules.

The same models validate the repository's ``catalog.yaml`` as a whole (``load_catalog``) and
each landed offering on its own (``ingest.sources.catalog``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

__all__ = [
    "CATALOG_PATH",
    "Billing",
    "Catalog",
    "CatalogError",
    "EquipmentModel",
    "Offering",
    "Provisioning",
    "describe_errors",
    "load_catalog",
]

CATALOG_PATH = Path(__file__).resolve().parent / "catalog.yaml"

Cents = Annotated[int, Field(ge=0, strict=True)]
Mbps = Annotated[int, Field(ge=1, strict=True)]


class CatalogError(ValueError):
    """The catalog document is invalid: names the file and every offending field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EquipmentModel(_Strict):
    """A device the operator installs or rents: an ONT, a router or a mesh extender."""

    model_id: str = Field(min_length=1)
    kind: Literal["ont", "router", "mesh"]
    vendor: str = Field(min_length=1)
    technology: str = Field(min_length=1)
    max_mbps: Mbps


class Billing(_Strict):
    """How an offering is billed.

    Attributes:
        charge_period: Recurring charge period (``month``).
        proration: ``daily`` (first period prorated by days) or ``none``.
        starts_at: ``activation`` (confirmed by the network) or ``order``.
        min_term_months: Minimum commitment, months (0 = none).
    """

    charge_period: Literal["month"] = "month"
    proration: Literal["daily", "none"] = "daily"
    starts_at: Literal["activation", "order"] = "activation"
    min_term_months: Annotated[int, Field(ge=0, strict=True)] = 0


class Provisioning(_Strict):
    """What the provisioning profile and the installer need from the catalog.

    Attributes:
        vlan_id: Service VLAN.
        inside_wiring: Cabling the tier needs from ONT to router (``ethernet``, ``cat6``).
    """

    vlan_id: Annotated[int, Field(ge=1, le=4094, strict=True)]
    inside_wiring: str | None = None


class Offering(_Strict):
    """One sellable offering: a speed tier, an add-on or rented equipment.

    An offering is sold in a region exactly when ``monthly_price_cents`` has that region.
    """

    offering_id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")
    kind: Literal["tier", "addon", "equipment"]
    name: str = Field(min_length=1)
    download_mbps: Mbps | None = None
    upload_mbps: Mbps | None = None
    install_fee_cents: Cents
    monthly_price_cents: dict[str, Cents] = Field(min_length=1)
    billing: Billing = Billing()
    provisioning: Provisioning | None = None
    equipment_model: str | None = None

    @model_validator(mode="after")
    def _speeds_only_on_tiers(self) -> Offering:
        has_speed = self.download_mbps is not None and self.upload_mbps is not None
        if self.kind == "tier" and not has_speed:
            raise ValueError("a tier needs download_mbps and upload_mbps")
        if self.kind != "tier" and (self.download_mbps or self.upload_mbps):
            raise ValueError(f"a {self.kind} has no download_mbps/upload_mbps")
        return self

    @property
    def speed_mbps(self) -> int | None:
        """Download speed of a tier (the tiers are symmetric), ``None`` otherwise."""
        return self.download_mbps

    @property
    def regions(self) -> tuple[str, ...]:
        """Regions where the offering is sold."""
        return tuple(self.monthly_price_cents)


class Catalog(_Strict):
    """The whole catalog document."""

    currency: str = Field(pattern=r"^[A-Z]{3}$")
    regions: list[str] = Field(min_length=1)
    equipment_models: list[EquipmentModel] = []
    offerings: list[Offering] = Field(min_length=1)

    @model_validator(mode="after")
    def _references_resolve(self) -> Catalog:
        ids = [o.offering_id for o in self.offerings]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate offering_id {duplicates}")
        models = {m.model_id for m in self.equipment_models}
        for offering in self.offerings:
            unknown = sorted(set(offering.monthly_price_cents) - set(self.regions))
            if unknown:
                raise ValueError(f"{offering.offering_id}: price for unknown regions {unknown}")
            if offering.equipment_model and offering.equipment_model not in models:
                raise ValueError(
                    f"{offering.offering_id}: equipment_model {offering.equipment_model!r} "
                    "is not in equipment_models"
                )
        return self

    def get(self, offering_id: str) -> Offering:
        """The offering with that id.

        Raises:
            KeyError: No such offering.
        """
        for offering in self.offerings:
            if offering.offering_id == offering_id:
                return offering
        raise KeyError(offering_id)

    @property
    def tiers(self) -> tuple[Offering, ...]:
        """Speed tiers, in catalog order."""
        return tuple(o for o in self.offerings if o.kind == "tier")

    @property
    def addons(self) -> tuple[Offering, ...]:
        """Add-ons (voice, static IP, managed Wi-Fi)."""
        return tuple(o for o in self.offerings if o.kind == "addon")

    def to_yaml(self) -> dict[str, Any]:
        """The catalog document as ``landing/catalog/catalog.yaml`` holds it."""
        document: dict[str, Any] = self.model_dump(mode="json", exclude_none=True)
        return document

    def ont_for(self, vendor: str, speed_mbps: int) -> EquipmentModel | None:
        """The smallest ONT of an OLT vendor that carries a tier of ``speed_mbps``."""
        fitting = [
            m
            for m in self.equipment_models
            if m.kind == "ont" and m.vendor == vendor and m.max_mbps >= speed_mbps
        ]
        return min(fitting, key=lambda m: (m.max_mbps, m.model_id), default=None)


def describe_errors(error: ValidationError) -> list[tuple[str, str]]:
    """``(dotted field path, message)`` for every error pydantic found."""
    return [(".".join(str(part) for part in item["loc"]), item["msg"]) for item in error.errors()]


def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    """Read and validate a catalog YAML file.

    Raises:
        CatalogError: The file is not YAML or does not validate; the message lists every
            offending field.
    """
    try:
        document: Any = yaml.safe_load(path.read_bytes())
        return Catalog.model_validate(document)
    except yaml.YAMLError as error:
        raise CatalogError(f"{path}: not valid YAML: {error}") from None
    except ValidationError as error:
        shown = "; ".join(f"{field}: {message}" for field, message in describe_errors(error))
        raise CatalogError(f"{path}: {shown}") from None
