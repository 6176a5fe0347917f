"""Provisioning: bind a subscriber's service profile to an ONT on its OLT, through a driver.

- ``profile``: ``ProvisioningProfile``, what an ONT must deliver (tier, rates, VLANs).
- ``driver``: the ``ProvisioningDriver`` contract every vendor driver fulfils (idempotent on
  a request id, with ``lookup`` to reconcile after a crash), ``DriverResult``, and
  ``driver_for(home)``, which builds the driver ``home/network/provisioning.yaml`` names.
- ``simulated``: ``SimulatedOltDriver``, the built-in driver for the simulated OLTs.
- ``errors``: ``DriverError`` (``retryable`` or not), ``DriverConfigError``, ``ProfileError``.

Writing a driver for real OLTs: ``docs/provisioning-drivers.md``.
"""

from actions.provisioning.driver import (
    BUILTIN_DRIVERS,
    AdminState,
    Command,
    DriverResult,
    ProvisioningDriver,
    driver_config_path,
    driver_for,
    write_driver_config,
)
from actions.provisioning.errors import (
    DriverConfigError,
    DriverError,
    ProfileError,
    ProvisioningError,
)
from actions.provisioning.profile import ProvisioningProfile
from actions.provisioning.simulated import SimulatedOltDriver

__all__ = [
    "BUILTIN_DRIVERS",
    "AdminState",
    "Command",
    "DriverConfigError",
    "DriverError",
    "DriverResult",
    "ProfileError",
    "ProvisioningDriver",
    "ProvisioningError",
    "ProvisioningProfile",
    "SimulatedOltDriver",
    "driver_config_path",
    "driver_for",
    "write_driver_config",
]
