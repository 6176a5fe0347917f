"""Declarative automation: models and the serving copy follow their upstream data."""

import dagster as dg

automation_sensor = dg.AutomationConditionSensorDefinition(
    "fiberops_automation",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
)
