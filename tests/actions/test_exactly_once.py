"""Exactly once under faults: the action process is SIGKILLed at random points, again and again.

A copy of a built operator (its serving marts, landing and truth) gets fresh simulated OLTs
and a fresh SMTP sink, run by this test process. ``fiberops actions`` runs as a separate
process and is killed with SIGKILL at a random instant just after it confirmed one to three
more actions, until it has been caught mid-work many times (at least once while holding an
action); then runs retry it, two at once, to the end. The killed runs pause 100 ms between
each outside effect and its record (fault injection), so kills also land in the window where
an effect exists but the ledger does not know.
The OLTs' command log, the sink's mailbox and the ledger must each hold every effect once.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from actions.fulfilment import plan_actions, read_requests
from actions.fulfilment.appointments import plan_reminders, read_reminders
from actions.fulfilment.executor import PAUSE_AFTER_EFFECT_ENV
from actions.ledger import Ledger
from actions.notify.messages import message_id_for
from actions.notify.sink import mail_sink, message_ids, sink_maildir
from fiberops import settings
from simulator.network import simulated_olts

FIBEROPS = str(Path(sys.executable).with_name("fiberops"))
MIN_PARTIAL_KILLS = 6
MAX_ROUNDS = 40


def _copy_operator(built: Path, home: Path) -> Path:
    for part in ("landing", "truth", "serving"):
        shutil.copytree(built / part, home / part)
    return home


def _actions(home: Path, seconds: float = 60.0, pause_s: float = 0.0) -> subprocess.Popen[bytes]:
    """``fiberops actions`` as its own process; ``pause_s`` widens the effect-to-record window."""
    return subprocess.Popen(
        [FIBEROPS, "actions", "--data", str(home), "--seconds", str(seconds)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, PAUSE_AFTER_EFFECT_ENV: str(pause_s)},
    )


def _confirmed(home: Path) -> int:
    with Ledger.open(home, owner="test") as ledger:
        return sum(a.state == "confirmed" for a in ledger.actions())


@pytest.mark.timeout(900)
def test_sigkill_at_random_points_neither_skips_nor_doubles_an_action(
    built_operator: Path, tmp_path: Path
) -> None:
    home = _copy_operator(built_operator, tmp_path / "operator")
    with duckdb.connect(str(settings.serving_path(home)), read_only=True) as con:
        planned = plan_actions(read_requests(con)) + plan_reminders(read_reminders(con))
    total = len(planned)
    rng = random.Random(20261123)
    partial_kills = 0
    with simulated_olts(home, inject=False), mail_sink(home):
        rounds = 0
        reclaimed = 0
        while rounds < MAX_ROUNDS and (partial_kills < MIN_PARTIAL_KILLS or reclaimed == 0):
            rounds += 1
            # Killed at a random instant once it has confirmed a few more actions: whatever the
            # machine's speed, each round ends with the work half done, often mid-action.
            before = _confirmed(home)
            wanted = before + rng.randint(1, 3)
            process = _actions(home, pause_s=0.1)
            give_up = time.monotonic() + 30
            while process.poll() is None and time.monotonic() < give_up:
                if _confirmed(home) >= wanted:
                    time.sleep(rng.uniform(0.0, 0.3))
                    break
                time.sleep(0.05)
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
            process.communicate(timeout=30)  # reaps it and closes its stderr pipe
            done = _confirmed(home)
            if 0 < done < total:
                partial_kills += 1
            with Ledger.open(home, owner="test") as ledger:
                reclaimed = sum(a.attempts > 1 for a in ledger.actions())
            if done == total:
                break
        # Retries: two runs at once, then one more, each to the end.
        both = [_actions(home), _actions(home)]
        for process in both:
            _, stderr = process.communicate(timeout=300)
            assert process.returncode == 0, stderr.decode()[-2000:]
        last = _actions(home)
        _, stderr = last.communicate(timeout=300)
        assert last.returncode == 0, stderr.decode()[-2000:]
        mailbox = message_ids(sink_maildir(home))

    assert partial_kills >= MIN_PARTIAL_KILLS, f"only {partial_kills} kills caught work midway"
    assert reclaimed > 0, "no kill landed while an action was held"

    with Ledger.open(home, owner="test") as ledger:
        actions = {a.idempotency_key: a for a in ledger.actions()}
        invoices = ledger.invoices()
    assert set(actions) == {p.idempotency_key for p in planned}
    assert Counter(a.state for a in actions.values()) == {"confirmed": total}

    # The OLTs applied each provisioning command exactly once (and each terminate of a
    # subscription whose service ended after a disconnect).
    log = home / "network" / "provisioning-commands.jsonl"
    applied = Counter(json.loads(line)["request_id"] for line in log.read_text().splitlines())
    provisions = {k for k, a in actions.items() if a.kind in ("provision", "terminate")}
    assert applied == {key: 1 for key in provisions}

    # Each welcome e-mail reached the SMTP server exactly once.
    notifies = [k for k, a in actions.items() if a.kind == "notify"]
    assert Counter(mailbox) == {message_id_for(key): 1 for key in notifies}

    # Each first invoice was issued once, for the truth's amount.
    truth = pd.read_csv(home / "truth" / "invoices.csv", dtype={"amount_cents": int})
    owed = dict(zip(truth["invoice_id"], truth["amount_cents"], strict=True))
    issued = Counter(row["invoice_id"] for row in invoices)
    assert set(issued.values()) == {1}
    assert len(issued) == sum(a.kind == "bill" for a in actions.values())
    assert {row["invoice_id"]: row["amount_cents"] for row in invoices} == {
        i: owed[i] for i in issued
    }
