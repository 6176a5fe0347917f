"""The dbt docs of an operator's warehouse, as one static page for analysts.

``dbt docs generate --static`` reads the project (models, column descriptions, tests, lineage)
and the warehouse's catalog (column types, row counts) and writes a self-contained HTML file.
``fiberops up`` generates it before the pipeline starts writing, and serves it; ``fiberops
docs`` regenerates it while the pipeline is stopped (the catalog query needs the warehouse).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from orchestration.dbt import copy_atomically, dbt_command, dbt_target, prepare

__all__ = ["DOCS_PAGE", "DocsError", "docs_path", "generate_docs"]

DOCS_PAGE = "index.html"


class DocsError(Exception):
    """dbt could not generate the docs (its output is in the message)."""


def docs_path(home: Path) -> Path:
    """The generated page of the operator at ``home``."""
    return home / "docs" / DOCS_PAGE


def generate_docs(home: Path) -> Path:
    """Generate the dbt docs of ``home``'s warehouse into ``docs/index.html``, atomically.

    Raises:
        DocsError: dbt failed, for example because another process holds the warehouse.
    """
    prepare()
    page = docs_path(home)
    page.parent.mkdir(parents=True, exist_ok=True)
    with dbt_target(home) as target:
        done = subprocess.run(
            dbt_command(["docs", "generate", "--static"], target),
            capture_output=True,
            text=True,
            env={**os.environ, "FIBEROPS_HOME": str(home), "DO_NOT_TRACK": "1"},
            check=False,
        )
        generated = target / "static_index.html"
        if done.returncode != 0 or not generated.exists():
            raise DocsError(
                f"dbt docs generate failed for {home}: {(done.stdout + done.stderr).strip()}"
            )
        copy_atomically(generated, page)
    return page
