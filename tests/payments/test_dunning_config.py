"""The dunning policy of ``catalog/billing.yaml``: validated strictly, read alike everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from actions.billing.config import (
    BILLING_PATH,
    BillingConfigError,
    dbt_vars,
    load_billing_config,
)
from simulator import SimulationConfig
from simulator.errors import ConfigError
from simulator.truth import billing_terms

GOOD = BILLING_PATH.read_text()


def test_repository_policy_reaches_the_simulator_and_dbt() -> None:
    config = load_billing_config()
    assert (config.dunning_reminder_after_days, config.dunning_suspend_after_days) == (7, 21)
    terms = billing_terms()
    assert (terms.payment_terms_days, terms.reminder_after_days, terms.suspend_after_days) == (
        config.payment_terms_days,
        config.dunning_reminder_after_days,
        config.dunning_suspend_after_days,
    )
    assert dbt_vars(config) == {
        "billing_cycle_anchor_day": 1,
        "payment_terms_days": 14,
        "dunning_reminder_after_days": 7,
        "dunning_suspend_after_days": 21,
    }


@pytest.mark.parametrize(
    ("replace", "by", "detail"),
    [
        ("dunning_suspend_after_days: 21", "dunning_suspend_after_days: 7", "must be more"),
        ("dunning_suspend_after_days: 21", "dunning_suspend_after_days: 5", "must be more"),
        ("dunning_reminder_after_days: 7", "dunning_reminder_after_days: 0", "dunning_reminder"),
        ("dunning_reminder_after_days: 7", "dunning_reminder_after_days: '7'", "valid integer"),
        ("dunning_suspend_after_days: 21", "", "dunning_suspend_after_days"),
    ],
)
def test_invalid_policy_names_file_and_field(
    tmp_path: Path, replace: str, by: str, detail: str
) -> None:
    path = tmp_path / "billing.yaml"
    path.write_text(GOOD.replace(replace, by))
    with pytest.raises(BillingConfigError) as raised:
        load_billing_config(path)
    message = str(raised.value)
    assert message.startswith(f"{path}: ") and detail in message


@pytest.mark.parametrize(
    ("field", "value"),
    [("unpaid_share", -0.1), ("late_payment_share", 1.5), ("ach_return_share", 2.0)],
)
def test_simulation_rejects_payment_shares_out_of_range(field: str, value: float) -> None:
    with pytest.raises(ConfigError, match=field):
        SimulationConfig(**{field: value})  # type: ignore[arg-type]


def test_simulation_rejects_payment_shares_above_one_in_all() -> None:
    with pytest.raises(ConfigError, match="at most 1"):
        SimulationConfig(unpaid_share=0.5, late_payment_share=0.4, partial_payment_share=0.2)
