"""The services on PostgreSQL: a private throwaway server (as the tests start one), with the
same seed.py clinics loaded into it. Skipped, with a note, where the server is not installed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from bench import clinics


class Clinics:
    def __init__(self, ctx, bindir: Path, folder: Path, as_user: list[str], port: int):
        self.ctx, self.bindir, self.folder, self.as_user = ctx, bindir, folder, as_user
        self.url = f"postgresql://postgres@127.0.0.1:{port}"
        self.loaded: dict[int, str] = {}

    def clinic(self, size: int) -> str:
        """The seed.py clinic of `size` on this server (seeded on first use)."""
        if size not in self.loaded:
            import psycopg2
            name = f"bench_{size}"
            admin = psycopg2.connect(f"{self.url}/postgres")
            admin.autocommit = True
            with admin.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}"')
            admin.close()
            self.ctx.say(f"seeding the {size:,}-patient clinic on PostgreSQL…")
            seconds = clinics.seed_url(f"{self.url}/{name}", size, self.ctx.work)
            self.ctx.note(f"seed.py into PostgreSQL, {size:,} patients: {seconds:.1f} s")
            self.loaded[size] = f"{self.url}/{name}"
        return self.loaded[size]

    def stop(self) -> None:
        subprocess.run([*self.as_user, str(self.bindir / "pg_ctl"), "-D",
                        str(self.folder / "data"), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)


def start(ctx) -> Clinics | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                   else 0)
    if not found:
        ctx.note("PostgreSQL's server is not installed: the services ran on SQLite only")
        return None
    bindir = found[-1].parent
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="frontdesk-bench-pg-"))
    if os.geteuid() == 0:  # the server refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    began = time.perf_counter()
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(folder / "data"), "-A",
                    "trust", "-U", "postgres", "--no-sync", "--locale=C", "-E", "UTF8"],
                   check=True, capture_output=True)
    subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(folder / "data"), "-w", "-l",
                    str(folder / "log"), "-o",
                    f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off",
                    "start"], check=True, capture_output=True)
    ctx.say(f"PostgreSQL started in {time.perf_counter() - began:.1f} s")
    return Clinics(ctx, bindir, folder, as_user, port)
