"""The action ledger: one row per intended action, keyed by an idempotency key.

The ledger is a SQLite database in WAL mode at ``$FIBEROPS_HOME/ops/actions.sqlite3``: an
operational store that several processes (sensor runs, a CLI, two runs at once) can write
safely, apart from the single-writer DuckDB warehouse. A copy flows back into the warehouse
(``raw.action_ledger``, ``raw.invoices``) so marts and analysts see it.

Life of an action::

    pending --claim--> pending (leased, attempts+1) --effect--> sent --verified--> confirmed
                                   |                                 \\--timeout--> failed
                                   \\--retryable error--> pending (backoff) ... --> dead

``plan`` inserts an action only if its key is new, so planning twice is harmless. ``claim``
takes a lease in one ``BEGIN IMMEDIATE`` transaction, so two executors never hold the same
action. A claimed action whose ``attempts`` is above zero may have had its effect already (the
previous holder died between doing and recording): the executor must reconcile with the
outside system before doing it again. A lease held by a process that no longer exists on this
host is taken over at once; any other lease expires after ``LEASE_SECONDS``.

Times are ISO-8601 UTC strings (``2026-11-23T10:15:00.123456+00:00``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "ACTION_STATES",
    "LEASE_SECONDS",
    "Action",
    "IssuedInvoice",
    "Ledger",
    "LedgerError",
    "PlannedAction",
    "ledger_path",
    "ledger_stamp",
]

ActionState = Literal["pending", "sent", "confirmed", "failed", "dead"]
ACTION_STATES: tuple[str, ...] = ("pending", "sent", "confirmed", "failed", "dead")
LEASE_SECONDS = 120
MAX_ATTEMPTS = 8

_SCHEMA = """
create table if not exists actions (
    idempotency_key text primary key,
    kind text not null,
    subject_id text not null,
    depends_on text references actions (idempotency_key),
    state text not null check (state in ('pending', 'sent', 'confirmed', 'failed', 'dead')),
    attempts integer not null default 0,
    request_json text not null,
    response_json text,
    last_error text,
    created_at text not null,
    updated_at text not null,
    next_attempt_at text not null,
    sent_at text,
    confirmed_at text,
    lease_owner text,
    lease_expires_at text
);
create index if not exists actions_due on actions (state, next_attempt_at);
create table if not exists action_attempts (
    idempotency_key text not null references actions (idempotency_key),
    attempt integer not null,
    owner text not null,
    started_at text not null,
    reconciled integer not null default 0,
    outcome text,
    detail text,
    primary key (idempotency_key, attempt)
);
create table if not exists invoices (
    invoice_id text primary key,
    idempotency_key text not null unique references actions (idempotency_key),
    order_id text not null,
    customer_id text,
    region text not null,
    offering_id text not null,
    billing_period_start text not null,
    billing_period_end text not null,
    subtotal_cents integer not null,
    tax_cents integer not null,
    amount_cents integer not null,
    currency text not null,
    issued_at text not null,
    lines_json text not null,
    tmf678_json text not null
);
create trigger if not exists invoices_are_immutable before update on invoices
begin
    select raise(abort, 'invoices are immutable once issued: issue a credit note instead');
end;
create trigger if not exists invoices_are_never_deleted before delete on invoices
begin
    select raise(abort, 'invoices are immutable once issued: issue a credit note instead');
end;
"""


class LedgerError(Exception):
    """The ledger refused an operation (unknown key, a transition from the wrong state)."""


def ledger_path(home: Path) -> Path:
    """Where the ledger of the operator at ``home`` lives."""
    return home / "ops" / "actions.sqlite3"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat()


def owner_id() -> str:
    """This process, as a lease owner: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _owner_is_gone(owner: str | None) -> bool:
    """Whether a lease owner is a process of this host that no longer runs."""
    if not owner:
        return True
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass(frozen=True, slots=True)
class PlannedAction:
    """An action to plan: what to do, for whom, after which other action."""

    idempotency_key: str
    kind: str
    subject_id: str
    request: dict[str, Any]
    depends_on: str | None = None


@dataclass(frozen=True, slots=True)
class Action:
    """A ledger row."""

    idempotency_key: str
    kind: str
    subject_id: str
    depends_on: str | None
    state: str
    attempts: int
    request: dict[str, Any]
    response: dict[str, Any] | None
    last_error: str | None
    created_at: str
    sent_at: str | None

    @property
    def may_have_happened(self) -> bool:
        """Claimed before: its effect may exist outside even though it was not recorded."""
        return self.attempts > 1

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Action:
        return cls(
            idempotency_key=row["idempotency_key"],
            kind=row["kind"],
            subject_id=row["subject_id"],
            depends_on=row["depends_on"],
            state=row["state"],
            attempts=row["attempts"],
            request=json.loads(row["request_json"]),
            response=json.loads(row["response_json"]) if row["response_json"] else None,
            last_error=row["last_error"],
            created_at=row["created_at"],
            sent_at=row["sent_at"],
        )


@dataclass(frozen=True, slots=True)
class IssuedInvoice:
    """An invoice as the ledger stores it (amounts in integer cents)."""

    invoice_id: str
    order_id: str
    customer_id: str | None
    region: str
    offering_id: str
    billing_period_start: str
    billing_period_end: str
    subtotal_cents: int
    tax_cents: int
    amount_cents: int
    currency: str
    lines: Sequence[dict[str, Any]]
    tmf678: dict[str, Any]


def ledger_stamp(con: sqlite3.Connection) -> str:
    """What changes whenever any action of the ledger does: its count and last update."""
    row = con.execute("select count(*), max(updated_at) from actions").fetchone()
    return f"{row[0]}:{row[1] or ''}"


class Ledger:
    """The action ledger of one operator; open with ``Ledger.open(home)``."""

    def __init__(self, path: Path, owner: str | None = None) -> None:
        self.path = path
        self.owner = owner or owner_id()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._con = sqlite3.connect(path, timeout=30, isolation_level=None)
        self._con.row_factory = sqlite3.Row
        self._con.execute("pragma journal_mode = wal")
        self._con.execute("pragma synchronous = full")
        self._con.execute("pragma foreign_keys = on")
        self._con.executescript(_SCHEMA)

    @classmethod
    def open(cls, home: Path, owner: str | None = None) -> Ledger:
        """The ledger at ``ledger_path(home)``, created if new."""
        return cls(ledger_path(home), owner)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate (write-locked) transaction, committed on success."""
        self._con.execute("begin immediate")
        try:
            yield self._con
        except BaseException:
            self._con.execute("rollback")
            raise
        self._con.execute("commit")

    def plan(self, actions: Sequence[PlannedAction], at: dt.datetime | None = None) -> int:
        """Insert the actions whose keys are new; return how many were new."""
        stamp = _iso(at or _now())
        with self._write() as con:
            before = con.total_changes
            con.executemany(
                "insert into actions (idempotency_key, kind, subject_id, depends_on, state,"
                " request_json, created_at, updated_at, next_attempt_at)"
                " values (?, ?, ?, ?, 'pending', ?, ?, ?, ?)"
                " on conflict (idempotency_key) do nothing",
                [
                    (
                        a.idempotency_key,
                        a.kind,
                        a.subject_id,
                        a.depends_on,
                        json.dumps(a.request, sort_keys=True, default=str),
                        stamp,
                        stamp,
                        stamp,
                    )
                    for a in actions
                ],
            )
            return con.total_changes - before

    def get(self, key: str) -> Action:
        row = self._con.execute(
            "select * from actions where idempotency_key = ?", (key,)
        ).fetchone()
        if row is None:
            raise LedgerError(f"no action {key!r} in {self.path}")
        return Action.from_row(row)

    def actions(self, kind: str | None = None) -> list[Action]:
        sql = "select * from actions"
        rows = (
            self._con.execute(sql + " where kind = ? order by idempotency_key", (kind,))
            if kind
            else self._con.execute(sql + " order by idempotency_key")
        )
        return [Action.from_row(r) for r in rows]

    def due(self, at: dt.datetime | None = None, limit: int = 500) -> list[str]:
        """Keys of pending actions whose turn has come and whose prerequisite is confirmed.

        Oldest first; leased ones are included only when their lease can be taken over.
        """
        stamp = _iso(at or _now())
        rows = self._con.execute(
            "select a.idempotency_key, a.lease_owner, a.lease_expires_at from actions a"
            " left join actions d on d.idempotency_key = a.depends_on"
            " where a.state = 'pending' and a.next_attempt_at <= ?"
            " and (a.depends_on is null or d.state = 'confirmed')"
            " order by a.created_at, a.idempotency_key limit ?",
            (stamp, limit),
        ).fetchall()
        return [
            r["idempotency_key"]
            for r in rows
            if r["lease_owner"] is None
            or r["lease_expires_at"] <= stamp
            or r["lease_owner"] == self.owner
            or _owner_is_gone(r["lease_owner"])
        ]

    def awaiting_confirmation(self, kind: str) -> list[Action]:
        """Sent actions of ``kind`` whose effect is not verified yet."""
        rows = self._con.execute(
            "select * from actions where kind = ? and state = 'sent' order by sent_at", (kind,)
        )
        return [Action.from_row(r) for r in rows]

    def claim(self, key: str, at: dt.datetime | None = None) -> Action | None:
        """Lease a due action for this process; None when another holds it or it moved on.

        The attempt is counted and recorded before anything is done, so a crash after this
        point leaves evidence that the next holder must reconcile.
        """
        now = at or _now()
        stamp = _iso(now)
        with self._write() as con:
            row = con.execute("select * from actions where idempotency_key = ?", (key,)).fetchone()
            if row is None or row["state"] != "pending" or row["next_attempt_at"] > stamp:
                return None
            held = row["lease_owner"] not in (None, self.owner)
            if held and row["lease_expires_at"] > stamp and not _owner_is_gone(row["lease_owner"]):
                return None
            attempt = row["attempts"] + 1
            con.execute(
                "update actions set attempts = ?, lease_owner = ?, lease_expires_at = ?,"
                " updated_at = ? where idempotency_key = ?",
                (
                    attempt,
                    self.owner,
                    _iso(now + dt.timedelta(seconds=LEASE_SECONDS)),
                    stamp,
                    key,
                ),
            )
            con.execute(
                "insert into action_attempts (idempotency_key, attempt, owner, started_at)"
                " values (?, ?, ?, ?)",
                (key, attempt, self.owner, stamp),
            )
        return self.get(key)

    def _finish(
        self,
        con: sqlite3.Connection,
        action: Action,
        outcome: str,
        detail: str | None,
        reconciled: bool,
    ) -> None:
        con.execute(
            "update action_attempts set outcome = ?, detail = ?, reconciled = ?"
            " where idempotency_key = ? and attempt = ?",
            (outcome, detail, int(reconciled), action.idempotency_key, action.attempts),
        )

    def _transition(
        self,
        con: sqlite3.Connection,
        action: Action,
        sets: str,
        values: Sequence[Any],
        from_states: Sequence[str],
    ) -> None:
        placeholders = ", ".join("?" for _ in from_states)
        cursor = con.execute(
            f"update actions set {sets}, lease_owner = null, lease_expires_at = null"
            f" where idempotency_key = ? and lease_owner = ? and state in ({placeholders})",
            (*values, action.idempotency_key, self.owner, *from_states),
        )
        if cursor.rowcount != 1:
            raise LedgerError(
                f"{action.idempotency_key}: lease lost or state moved on; not recorded"
            )

    def record_sent(
        self,
        action: Action,
        response: dict[str, Any],
        reconciled: bool = False,
        at: dt.datetime | None = None,
    ) -> None:
        """The effect happened outside (or was found there); verification comes next."""
        stamp = _iso(at or _now())
        with self._write() as con:
            self._transition(
                con,
                action,
                "state = 'sent', response_json = ?, sent_at = ?, updated_at = ?, last_error = null",
                (json.dumps(response, sort_keys=True, default=str), stamp, stamp),
                ("pending",),
            )
            self._finish(con, action, "sent", None, reconciled)

    def record_confirmed(
        self,
        action: Action,
        response: dict[str, Any],
        reconciled: bool = False,
        at: dt.datetime | None = None,
        invoice: IssuedInvoice | None = None,
    ) -> None:
        """The effect is verified. An invoice, when given, is issued in the same transaction."""
        stamp = _iso(at or _now())
        with self._write() as con:
            if invoice is not None:
                self._insert_invoice(con, action.idempotency_key, invoice, stamp)
            cursor = con.execute(
                "update actions set state = 'confirmed', response_json = ?, confirmed_at = ?,"
                " sent_at = coalesce(sent_at, ?), updated_at = ?, last_error = null,"
                " lease_owner = null, lease_expires_at = null"
                " where idempotency_key = ? and (state = 'sent'"
                " or (state = 'pending' and lease_owner = ?))",
                (
                    json.dumps(response, sort_keys=True, default=str),
                    stamp,
                    stamp,
                    stamp,
                    action.idempotency_key,
                    self.owner,
                ),
            )
            if cursor.rowcount != 1:
                raise LedgerError(
                    f"{action.idempotency_key}: lease lost or state moved on; not recorded"
                )
            self._finish(con, action, "confirmed", None, reconciled)

    def record_failure(
        self,
        action: Action,
        error: str,
        retryable: bool,
        at: dt.datetime | None = None,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> str:
        """A failed attempt: back to pending with backoff, else ``failed`` or ``dead``.

        Returns:
            The new state.
        """
        now = at or _now()
        stamp = _iso(now)
        if not retryable:
            state = "failed"
        elif action.attempts >= max_attempts:
            state = "dead"
        else:
            state = "pending"
        backoff = dt.timedelta(seconds=min(600, 2 ** min(action.attempts, 10)))
        with self._write() as con:
            con.execute(
                "update actions set state = ?, last_error = ?, updated_at = ?,"
                " next_attempt_at = ?, lease_owner = null, lease_expires_at = null"
                " where idempotency_key = ? and state in ('pending', 'sent')",
                (state, error, stamp, _iso(now + backoff), action.idempotency_key),
            )
            self._finish(con, action, state, error, False)
        return state

    def _insert_invoice(
        self, con: sqlite3.Connection, key: str, invoice: IssuedInvoice, stamp: str
    ) -> None:
        existing = con.execute(
            "select idempotency_key from invoices where invoice_id = ?", (invoice.invoice_id,)
        ).fetchone()
        if existing is not None:
            if existing["idempotency_key"] != key:
                raise LedgerError(
                    f"invoice {invoice.invoice_id} was issued by {existing['idempotency_key']},"
                    f" not {key}"
                )
            return
        con.execute(
            "insert into invoices values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                invoice.invoice_id,
                key,
                invoice.order_id,
                invoice.customer_id,
                invoice.region,
                invoice.offering_id,
                invoice.billing_period_start,
                invoice.billing_period_end,
                invoice.subtotal_cents,
                invoice.tax_cents,
                invoice.amount_cents,
                invoice.currency,
                stamp,
                json.dumps(list(invoice.lines), sort_keys=True, default=str),
                json.dumps(invoice.tmf678, sort_keys=True, default=str),
            ),
        )

    def stamp(self) -> str:
        """``ledger_stamp`` of this ledger."""
        return ledger_stamp(self._con)

    def invoice(self, invoice_id: str) -> dict[str, Any] | None:
        """One issued invoice (or credit note) as stored, None if never issued."""
        row = self._con.execute(
            "select * from invoices where invoice_id = ?", (invoice_id,)
        ).fetchone()
        return None if row is None else dict(row)

    def invoices(self) -> list[sqlite3.Row]:
        return self._con.execute("select * from invoices order by invoice_id").fetchall()

    def table(
        self, name: Literal["actions", "action_attempts", "invoices"]
    ) -> list[dict[str, Any]]:
        """Every row of one ledger table, as dicts (for the warehouse copy)."""
        return [dict(r) for r in self._con.execute(f"select * from {name}")]

    def counts(self) -> dict[str, dict[str, int]]:
        """Actions per kind and state."""
        out: dict[str, dict[str, int]] = {}
        for row in self._con.execute(
            "select kind, state, count(*) as n from actions group by kind, state"
        ):
            out.setdefault(row["kind"], {})[row["state"]] = row["n"]
        return out
