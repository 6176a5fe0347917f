"""The OLT inventory: which agents to poll, how, and where their secrets are.

The inventory lives in ``$FIBEROPS_HOME/network/olts.yaml``. It names environment variables,
never secrets::

    max_concurrent_olts: 8          # OLTs polled at once
    defaults:                       # any OLT field, applied where an OLT leaves it out
      version: v2c
      community_env: FIBEROPS_SNMP_COMMUNITY
      timeout_s: 2.0
      retries: 1
      max_in_flight: 1              # SNMP requests outstanding to one OLT at once (1 to 4)
    olts:
      - {olt_id: OLT-01, host: 10.0.0.1, port: 161, vendor: huawei}
      - olt_id: OLT-02
        host: 10.0.0.2
        version: v3
        v3_user: fiberops
        v3_auth_key_env: FIBEROPS_SNMP_AUTH_KEY     # HMAC-SHA-96 passphrase
        v3_priv_key_env: FIBEROPS_SNMP_PRIV_KEY     # AES-128 passphrase
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ingest.telemetry.errors import CredentialError, InventoryError

__all__ = [
    "DEFAULT_COMMUNITY_ENV",
    "DEFAULT_V3_AUTH_KEY_ENV",
    "DEFAULT_V3_PRIV_KEY_ENV",
    "Credentials",
    "Inventory",
    "OltTarget",
    "inventory_path",
    "load_inventory",
    "write_inventory",
]

DEFAULT_COMMUNITY_ENV = "FIBEROPS_SNMP_COMMUNITY"
DEFAULT_V3_AUTH_KEY_ENV = "FIBEROPS_SNMP_AUTH_KEY"
DEFAULT_V3_PRIV_KEY_ENV = "FIBEROPS_SNMP_PRIV_KEY"


class Credentials(BaseModel):
    """Secrets resolved from the environment for one OLT."""

    model_config = ConfigDict(frozen=True)

    version: Literal["v2c", "v3"]
    community: str | None = None
    v3_user: str | None = None
    v3_auth_key: str | None = None
    v3_priv_key: str | None = None
    v3_auth_protocol: str = "sha"
    v3_priv_protocol: str = "aes128"


class OltTarget(BaseModel):
    """One OLT's SNMP agent and how to poll it.

    Attributes:
        olt_id: Plant id of the OLT (``OLT-01``).
        host: Agent address.
        port: Agent UDP port.
        vendor: Vendor profile of ``ingest.telemetry.vendors`` (``huawei``, ``zte``, …).
        version: ``v2c`` or ``v3`` (authPriv).
        community_env: Environment variable holding the v2c community.
        v3_user: SNMPv3 user name (not a secret).
        v3_auth_key_env: Environment variable holding the authentication passphrase.
        v3_priv_key_env: Environment variable holding the privacy passphrase.
        v3_auth_protocol: ``sha``, ``sha256``, ``sha512`` or ``md5``.
        v3_priv_protocol: ``aes128``, ``aes256`` or ``des``.
        timeout_s: Seconds to wait for each response.
        retries: Retransmissions after a timeout.
        max_repetitions: GETBULK max-repetitions (rows per column per request).
        max_varbinds: Cap on columns x repetitions per request (150 keeps a response of six
            columns x 25 rows to about 5 kB).
        max_in_flight: Requests outstanding to this OLT at once (1 by default, at most 4): real
            OLTs fall over under aggressive optical polling.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    olt_id: str
    host: str
    port: int = Field(default=161, ge=1, le=65535)
    vendor: str = "huawei"
    version: Literal["v2c", "v3"] = "v2c"
    community_env: str = DEFAULT_COMMUNITY_ENV
    v3_user: str | None = None
    v3_auth_key_env: str = DEFAULT_V3_AUTH_KEY_ENV
    v3_priv_key_env: str = DEFAULT_V3_PRIV_KEY_ENV
    v3_auth_protocol: Literal["sha", "sha256", "sha512", "md5"] = "sha"
    v3_priv_protocol: Literal["aes128", "aes256", "des"] = "aes128"
    timeout_s: float = Field(default=2.0, gt=0)
    retries: int = Field(default=1, ge=0)
    max_repetitions: int = Field(default=25, ge=1, le=1000)
    max_varbinds: int = Field(default=150, ge=1, le=1000)
    max_in_flight: int = Field(default=1, ge=1, le=4)

    @property
    def source(self) -> str:
        """The lineage name of this agent (``snmp://host:port``)."""
        return f"snmp://{self.host}:{self.port}"

    def credentials(self, environ: Mapping[str, str] | None = None) -> Credentials:
        """The secrets for this OLT, read from ``environ`` (default ``os.environ``).

        Raises:
            CredentialError: A variable the OLT needs is not set.
        """
        env = os.environ if environ is None else environ

        def need(variable: str) -> str:
            value = env.get(variable)
            if not value:
                raise CredentialError(
                    f"OLT {self.olt_id}: environment variable {variable} is not set"
                )
            return value

        if self.version == "v2c":
            return Credentials(version="v2c", community=need(self.community_env))
        if not self.v3_user:
            raise CredentialError(f"OLT {self.olt_id}: version v3 needs v3_user")
        return Credentials(
            version="v3",
            v3_user=self.v3_user,
            v3_auth_key=need(self.v3_auth_key_env),
            v3_priv_key=need(self.v3_priv_key_env),
            v3_auth_protocol=self.v3_auth_protocol,
            v3_priv_protocol=self.v3_priv_protocol,
        )


class Inventory(BaseModel):
    """Every OLT to poll, and how many to poll at once."""

    model_config = ConfigDict(frozen=True)

    olts: tuple[OltTarget, ...] = ()
    max_concurrent_olts: int = Field(default=8, ge=1)


def inventory_path(home: Path) -> Path:
    """Where an operator's OLT inventory lives: ``$FIBEROPS_HOME/network/olts.yaml``."""
    return home / "network" / "olts.yaml"


def load_inventory(path: Path) -> Inventory:
    """Read an inventory file.

    Raises:
        InventoryError: The file is missing, is not YAML, or an entry is invalid (the
            message names the file and the entry).
    """
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise InventoryError(f"{path}: no OLT inventory file") from None
    except yaml.YAMLError as error:
        raise InventoryError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(document, dict):
        raise InventoryError(f"{path}: expected a mapping with an 'olts' list")
    defaults: dict[str, Any] = document.get("defaults") or {}
    olts = []
    for number, entry in enumerate(document.get("olts") or []):
        try:
            olts.append(OltTarget.model_validate({**defaults, **(entry or {})}))
        except ValidationError as error:
            raise InventoryError(f"{path}: olts[{number}] ({entry!r}): {error}") from None
    ids = [o.olt_id for o in olts]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InventoryError(f"{path}: OLT ids listed twice: {', '.join(duplicates)}")
    try:
        return Inventory(
            olts=tuple(olts), max_concurrent_olts=document.get("max_concurrent_olts", 8)
        )
    except ValidationError as error:
        raise InventoryError(f"{path}: {error}") from None


def write_inventory(path: Path, inventory: Inventory) -> Path:
    """Write ``inventory`` as YAML (environment variable names only, no secrets)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "max_concurrent_olts": inventory.max_concurrent_olts,
        "olts": [
            o.model_dump(exclude_defaults=True) | {"olt_id": o.olt_id} for o in inventory.olts
        ],
    }
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path
