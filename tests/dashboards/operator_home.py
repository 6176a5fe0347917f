"""One small simulated operator, built once per test session by the real pipeline.

The dashboard, browser and soak tests all read the same operator: seed 7, 800 passings,
20 days, simulated by ``simulator`` and taken through every asset by
``orchestration.headless.run_once``. It is ``built_operator``'s seed-7 home
(``tests.conftest.built_home``): one build per session serves them all. Set
``FIBEROPS_TEST_OPERATOR`` to the home of an operator already built the same way to skip the
build while working on these tests.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from fiberops import settings
from tests.conftest import built_home

__all__ = ["REUSE_ENV", "SEED", "copy_serving_home", "pipeline_operator", "truth"]

SEED = 7
REUSE_ENV = "FIBEROPS_TEST_OPERATOR"


def pipeline_operator(factory: pytest.TempPathFactory) -> Path:
    """The dashboards' operator: ``built_operator``'s seed-7 home, built if not yet this session."""
    reused = os.environ.get(REUSE_ENV)
    if reused:
        home = Path(reused).resolve()
        assert settings.serving_path(home).exists(), f"{REUSE_ENV}={reused} has no serving file"
        return home
    return built_home(factory, SEED)


def copy_serving_home(operator: Path, home: Path) -> Path:
    """A fresh FIBEROPS_HOME holding a copy of ``operator``'s serving file and its truth."""
    serving = settings.serving_path(home)
    serving.parent.mkdir(parents=True)
    shutil.copy2(settings.serving_path(operator), serving)
    shutil.copytree(settings.truth_dir(operator), settings.truth_dir(home))
    return home


def truth(home: Path, name: str) -> pd.DataFrame:
    """A truth file of the simulated operator at ``home`` (``truth/<name>.csv``)."""
    return pd.read_csv(
        settings.truth_dir(home) / f"{name}.csv", keep_default_na=False, na_values=[""]
    )
