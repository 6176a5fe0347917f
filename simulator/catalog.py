"""The product catalog the simulated operator sells: the repository's ``catalog/catalog.yaml``.

The simulator does not keep a catalog of its own: it loads (and so validates) the one YAML
the operator maintains, sells from it, and lands it as ``landing/catalog/catalog.yaml``.
"""

from __future__ import annotations

from catalog.model import Catalog, Offering, load_catalog

__all__ = ["CATALOG", "REGIONS", "Catalog", "Offering"]

CATALOG: Catalog = load_catalog()
REGIONS: tuple[str, ...] = tuple(CATALOG.regions)
