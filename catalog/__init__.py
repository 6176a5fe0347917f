"""The operator's product catalog: ``catalog.yaml`` and the model that validates it.

``load_catalog()`` reads and validates the YAML kept in this folder; ``to_tmf620`` exports it
as TM Forum TMF620 ProductOffering resources.
"""

from __future__ import annotations

from catalog.model import (
    CATALOG_PATH,
    Billing,
    Catalog,
    CatalogError,
    EquipmentModel,
    Offering,
    Provisioning,
    load_catalog,
)
from catalog.tmf620 import to_tmf620

__all__ = [
    "CATALOG_PATH",
    "Billing",
    "Catalog",
    "CatalogError",
    "EquipmentModel",
    "Offering",
    "Provisioning",
    "load_catalog",
    "to_tmf620",
]
