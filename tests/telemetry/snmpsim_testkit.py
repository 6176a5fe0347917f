"""Serve ``.snmprec`` recordings of real devices with snmpsim on a loopback UDP port.

Each recording in the data directory answers to the community named like its file
(``cisco-c3560.snmprec`` → community ``cisco-c3560``). snmpsim 1.2.2 imports ``pysmi`` only to
print its banner and does not declare it, so it is started with a stand-in module; as root it
must be told to stay root (``--process-user=root --process-group=root``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["Endpoint", "serve_recordings"]

Endpoint = tuple[str, int]

_LAUNCHER = (
    "import sys, types\n"
    "stub = types.ModuleType('pysmi'); stub.__version__ = 'not installed'\n"
    "sys.modules.setdefault('pysmi', stub)\n"
    "from snmpsim.commands.responder import main\n"
    "sys.argv[0] = 'snmpsim-command-responder'\n"
    "sys.exit(main())\n"
)


@contextmanager
def serve_recordings(
    data: Path,
    workdir: Path,
    port: int,
    ready: Callable[[Endpoint], bool],
    start_timeout_s: float = 60.0,
) -> Iterator[Endpoint]:
    """Run snmpsim on ``127.0.0.1:port`` over the recordings in ``data`` until the block ends.

    Args:
        data: Directory of ``<community>.snmprec`` files.
        workdir: Where snmpsim keeps its index cache and its log (``snmpsim.log``).
        port: A free loopback UDP port.
        ready: Called with the endpoint until it returns True: snmpsim indexes every
            recording before it answers.
        start_timeout_s: How long to wait for ``ready``.

    Raises:
        RuntimeError: snmpsim exited, or did not become ready in time (its log's tail says
            why).
    """
    log_path = workdir / "snmpsim.log"
    command = [
        sys.executable,
        "-c",
        _LAUNCHER,
        f"--data-dir={data}",
        f"--cache-dir={workdir / 'cache'}",
        f"--agent-udpv4-endpoint=127.0.0.1:{port}",
    ]
    if os.geteuid() == 0:
        command += ["--process-user=root", "--process-group=root"]
    endpoint = ("127.0.0.1", port)
    with log_path.open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + start_timeout_s
        while not ready(endpoint):
            if process.poll() is not None:
                raise RuntimeError(f"snmpsim exited: {log_path.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"snmpsim did not answer within {start_timeout_s:.0f} s: "
                    f"{log_path.read_text()[-2000:]}"
                )
        yield endpoint
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:  # snmpsim can sit out SIGTERM while it answers
            process.kill()
            process.wait()
