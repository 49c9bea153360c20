"""`serve --workers N`: the app from N processes over one database. Each worker listens on a socket
of its own bound with SO_REUSEPORT, so the kernel spreads new connections evenly over them; on one
shared socket whichever worker wakes first takes the next connection, and under load most land on
one process while the other idles. Where SO_REUSEPORT is missing the workers share one socket."""
from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import socket
import tempfile
import time
from pathlib import Path

from .app import WORKER_SETTINGS

APP = "actorgraph.serve.app:app_from_env"
BACKLOG = 2048


def listening_socket(host: str, port: int, reuse_port: bool) -> socket.socket:
    """A TCP socket bound to (host, port). Created with its protocol named: asyncio sets TCP_NODELAY
    only on sockets whose protocol reads as TCP, and without it each response on a kept-alive
    connection waits ~40 ms for a delayed ACK (uvicorn#3149)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host.strip("[]"), port))
    return sock


def _worker(host: str, port: int, inherited: socket.socket | None) -> None:
    import uvicorn

    sock = inherited or listening_socket(host, port, reuse_port=True)
    sock.listen(BACKLOG)
    config = uvicorn.Config(APP, factory=True, host=host, port=port, log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])


def serve_workers(settings: dict, workers: int, port: int) -> None:
    """Serve the app from `workers` processes and a folder for upload jobs (removed on exit); a
    worker that dies is started again. The port is bound here first, so a port in use fails at
    once with the system's message rather than in every worker."""
    host = settings["host"]
    reuse_port = hasattr(socket, "SO_REUSEPORT")
    probe = listening_socket(host, port, reuse_port)
    shared_socket = None if reuse_port else probe
    shared = Path(tempfile.mkdtemp(prefix="actorgraph-serve-"))
    os.environ[WORKER_SETTINGS] = json.dumps(settings | {"shared": str(shared)})
    spawn = multiprocessing.get_context("spawn")
    start = lambda: spawn.Process(target=_worker, args=(host, port, shared_socket), daemon=True)  # noqa: E731
    stopping = False

    def stop(*_) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes = []
    try:
        for _ in range(workers):
            processes.append(start())
            processes[-1].start()
        if reuse_port:
            probe.close()  # the workers' sockets hold the port now
        while not stopping:
            for i, process in enumerate(processes):
                if not process.is_alive() and not stopping:
                    processes[i] = start()
                    processes[i].start()
            time.sleep(0.5)
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(10)
        probe.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        shutil.rmtree(shared, ignore_errors=True)
