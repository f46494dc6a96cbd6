"""The benchmark's clinics: seed.py databases, built once and kept in a cache folder under a
name that carries the hash of what makes their data (seed.py, the demo generator, the
schema), so a change to any of them builds them anew and an unchanged checkout reuses them."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seed.py"
#: What decides a seeded clinic's contents.
MAKERS = (SEED, ROOT / "frontdesk/services/demo.py", ROOT / "frontdesk/db/schema.py")
SEED_NUMBER = 1
SEED_TODAY = dt.date(2026, 11, 21)
#: The day the desk runs as: the Friday before the seeding day.
TODAY = dt.date(2026, 11, 20)
FRONTDESK = Path(sys.executable).with_name("frontdesk")


def cache_folder() -> Path:
    if folder := os.environ.get("FRONTDESK_BENCH_CACHE"):
        return Path(folder)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "frontdesk-bench"


def makers_hash() -> str:
    digest = hashlib.sha256()
    for path in MAKERS:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def seed(path: Path, patients: int) -> float:
    """Run seed.py as a whole process into a new SQLite file; its wall time in seconds."""
    return seed_url(str(path), patients, path.parent, "--replace")


def seed_url(target: str, patients: int, work: Path, *extra: str) -> float:
    """Run seed.py as a whole process into `target` (a file or a database URL)."""
    began = time.perf_counter()
    done = subprocess.run([sys.executable, str(SEED), "--db", target, "--patients",
                           str(patients), "--seed", str(SEED_NUMBER), "--today",
                           SEED_TODAY.isoformat(), *extra],
                          capture_output=True, text=True, env=isolated_env(work))
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"seed.py failed for {patients} patients: {done.stderr.strip()}")
    return seconds


def cached(patients: int, say=print) -> Path:
    """The cached clinic of `patients`, seeded first when missing or made by older code."""
    folder = cache_folder()
    folder.mkdir(parents=True, exist_ok=True)
    key = makers_hash()
    path = folder / f"clinic_{patients}_{key}.db"
    if path.exists():
        return path
    for stale in folder.glob(f"clinic_{patients}_*.db*"):
        stale.unlink()
    building = folder / f"building_{patients}_{os.getpid()}.db"
    say(f"seeding the {patients:,}-patient clinic into {folder} (kept for the next run)…")
    seconds = seed(building, patients)
    for suffix in ("-wal", "-shm"):
        Path(f"{building}{suffix}").unlink(missing_ok=True)
    building.rename(path)
    say(f"  seeded in {seconds:.1f} s")
    return path


def copy(source: Path, folder: Path, name: str | None = None) -> Path:
    """A private copy for a part that writes (bookings, settings, imports)."""
    target = folder / (name or source.name)
    shutil.copyfile(source, target)
    return target


def facts(path: Path) -> dict[str, float]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        count = {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                 for table in ("patient", "appointment", "chair")}
    return {**count, "mb": path.stat().st_size / 1e6}


def isolated_env(folder: Path) -> dict[str, str]:
    """The environment for a frontdesk process: XDG folders inside the bench's work folder,
    so the user's own settings never reach (or retire chairs in) a bench database."""
    xdg = folder / "xdg"
    return {**os.environ, **{f"XDG_{kind}_HOME": str(xdg / kind.lower())
                             for kind in ("CONFIG", "DATA", "STATE", "CACHE")}}
