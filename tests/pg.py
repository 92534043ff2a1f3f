"""A real, throw-away PostgreSQL server for tests and benchmarks.

``TempPostgres`` runs initdb on a temporary directory and starts the server on a free loopback
port with its socket in that directory (fsync off: the data is thrown away). As root, the
server runs as the ``postgres`` user, since initdb refuses root. ``server()`` gives one shared
server per process, stopped at exit; ``fresh_database(server)`` a new empty database.

The binaries come from Debian's postgresql package (/usr/lib/postgresql/<v>/bin);
scripts/install-system.sh installs it. Without them, tests that need PostgreSQL are skipped.
"""
from __future__ import annotations

import atexit
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempPostgres:
    def __init__(self) -> None:
        self.bin = pg_bin()
        if self.bin is None:
            raise RuntimeError("PostgreSQL server binaries not found (install the postgresql package)")
        self.dir = Path(tempfile.mkdtemp(prefix="kehoach-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.user = None  # run as this OS user (root cannot run the server)
        if os.geteuid() == 0:
            self.user = "postgres"
            pw = pwd.getpwnam(self.user)
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        self._counter = itertools.count()
        self.started = False

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(a) for a in args]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> TempPostgres:
        self._run(self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                  "--locale=C.UTF-8", "--encoding=UTF8", "-N")
        opts = (f"-k {self.dir} -c listen_addresses=127.0.0.1 -p {self.port} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
        self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.dir / "log", "-o", opts,
                  "-w", "-t", "60", "start")
        self.started = True
        return self

    def stop(self) -> None:
        if self.started:
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop", check=False)
            self.started = False
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None, template: str = "template0") -> str:
        """A new database (a copy of ``template``); returns its SQLAlchemy URL."""
        import psycopg

        name = name or f"t{os.getpid()}_{next(self._counter)}_{int(time.time() * 1000) % 100000}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" ENCODING UTF8')
        return self.url(name)

    def __enter__(self) -> TempPostgres:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


_SERVER: TempPostgres | None = None


def server() -> TempPostgres:
    """One server per process, started on first use and stopped at exit."""
    global _SERVER
    if _SERVER is None:
        _SERVER = TempPostgres().start()
        atexit.register(_SERVER.stop)
    return _SERVER


def available() -> bool:
    return pg_bin() is not None
