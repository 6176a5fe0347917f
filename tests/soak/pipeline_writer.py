"""The soak test's pipeline side, run as its own process: materialise, then republish.

``python tests/soak/pipeline_writer.py HOME SECONDS REPORT.json`` runs every asset once on the
operator at HOME (``run_once``: ingest, dbt build, serving copy), then republishes the marts
(``publish_marts``) in a loop for SECONDS more, and writes what it did to REPORT.json.
"""

from __future__ import annotations

import json
import sys
import time
import traceback
from pathlib import Path

from fiberops import settings
from fiberops.warehouse import publish_marts

PAUSE_S = 0.2


def main(home: Path, seconds: float, report: Path) -> int:
    """Build once, republish for ``seconds``, and write the counts to ``report``."""
    from orchestration.headless import run_once

    counts: dict[str, object] = {"run_once": None, "publications": 0, "errors": []}
    errors: list[str] = []
    started = time.monotonic()
    try:
        result = run_once(home)
        counts["run_once"] = {
            "success": result.success,
            "seconds": round(time.monotonic() - started, 1),
            "failed_checks": result.failed_checks,
        }
    except Exception:  # noqa: BLE001 - every failure is reported, none stops the soak
        errors.append(traceback.format_exc())
    publications = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            publish_marts(settings.warehouse_path(home), settings.serving_path(home))
            publications += 1
        except Exception:  # noqa: BLE001
            errors.append(traceback.format_exc())
        time.sleep(PAUSE_S)
    counts["publications"] = publications
    counts["errors"] = errors
    report.write_text(json.dumps(counts, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), float(sys.argv[2]), Path(sys.argv[3])))
