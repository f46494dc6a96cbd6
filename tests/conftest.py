"""Shared fixtures: real SQLite files under tmp_path, a fixed clock, the real CLI."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import hypothesis
import pytest

from frontdesk import clock

from clinic_files import closed_clinic_file, copy_clinic, stamp_created_at

TODAY = dt.date(2026, 11, 21)
FRONTDESK = Path(sys.executable).with_name("frontdesk")
RAM_DISK = Path("/dev/shm")


def pytest_configure(config):
    """tmp_path on a RAM disk where the machine has one (Linux): every SQLite commit of the
    desk syncs its file to disk (synchronous=full), which on this machine's disk made the
    database tests two to three times slower than the work they do. The files are as real
    there (tmpfs); `--basetemp` or PYTEST_DEBUG_TEMPROOT still choose another place."""
    if (config.option.basetemp is None and not os.environ.get("PYTEST_DEBUG_TEMPROOT")
            and RAM_DISK.is_dir() and os.access(RAM_DISK, os.W_OK | os.X_OK)):
        tempfile.tempdir = str(RAM_DISK)
    keep_bytecode_outside_the_tree()


def keep_bytecode_outside_the_tree() -> None:
    """Where writing bytecode is turned off (PYTHONDONTWRITEBYTECODE), the tests' processes
    keep it in a cache of their own under the temp folder instead (PYTHONPYCACHEPREFIX),
    still writing nothing into the source tree: otherwise every `frontdesk` process a test
    starts (a thousand in a run) compiles frontdesk's modules again, about a quarter of its
    CPU time, and every pytest worker rewrites and compiles every test module."""
    if not os.environ.get("PYTHONDONTWRITEBYTECODE") or os.environ.get("PYTHONPYCACHEPREFIX"):
        return
    cache = str(Path(tempfile.gettempdir()) / "frontdesk-tests-pycache")
    del os.environ["PYTHONDONTWRITEBYTECODE"]
    os.environ["PYTHONPYCACHEPREFIX"] = cache  # subprocesses and pytest-xdist's workers
    sys.dont_write_bytecode, sys.pycache_prefix = False, cache


# --- property tests: a share of their examples on every run -----------------------------------

#: The suite runs each property test with a third of the examples its @settings names
#: (hypothesis's 100 when it names none), at least MIN_EXAMPLES: every change runs the
#: suite several times, each run with new random examples (and any example that ever
#: failed here first, from .hypothesis/). `--hypothesis-profile=thorough` runs them all.
EXAMPLE_SHARE = 3
MIN_EXAMPLES = 10
hypothesis.settings.register_profile("thorough")


def pytest_collection_modifyitems(config, items):
    if hypothesis.settings.get_current_profile_name() == "thorough":
        return
    done = set()
    for item in items:
        test = getattr(item, "obj", None)
        test = getattr(test, "__func__", test)  # a method's function
        if not getattr(test, "is_hypothesis_test", False) or id(test) in done:
            continue
        done.add(id(test))  # once for all the parameters of a test
        # where hypothesis keeps a test's settings (what @settings sets), read when it runs
        named = test._hypothesis_internal_use_settings
        share = min(named.max_examples, max(MIN_EXAMPLES, named.max_examples // EXAMPLE_SHARE))
        test._hypothesis_internal_use_settings = hypothesis.settings(named, max_examples=share)


@pytest.fixture(autouse=True)
def fixed_clock():
    clock.set_today(TODAY)
    yield TODAY
    clock.set_today(None)


@pytest.fixture(scope="session")
def empty_clinic_file(tmp_path_factory) -> Path:
    """An empty clinic (open_clinic on a new file), made once per test process: db_path
    copies it."""
    from frontdesk.services.clinic import open_clinic
    path = tmp_path_factory.mktemp("templates") / "empty.db"
    open_clinic(str(path))
    return closed_clinic_file(path)


@pytest.fixture
def db_path(tmp_path, empty_clinic_file) -> Path:
    """An open, empty clinic database in a real SQLite file (a copy of the one
    open_clinic made for the session, created now)."""
    from frontdesk.services.clinic import close_clinic
    path = tmp_path / "clinic.db"
    copy_clinic(empty_clinic_file, path)
    yield path
    close_clinic()


@pytest.fixture
def user_dirs(tmp_path, monkeypatch) -> dict[str, str]:
    """Keep platformdirs (data, config, logs) inside tmp_path for this test and its children."""
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg-data"),
           "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
           "XDG_STATE_HOME": str(tmp_path / "xdg-state"),
           "XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("FRONTDESK_DB", raising=False)
    return env


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def frontdesk(user_dirs, tmp_path):
    """Run the installed `frontdesk` command in a subprocess: frontdesk('lists', '--on', ...)."""
    def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Result:
        full_env = {**os.environ, **user_dirs, **(env or {})}
        proc = subprocess.run([str(FRONTDESK), *args], capture_output=True, text=True,
                              encoding="utf-8", env=full_env, cwd=cwd or tmp_path, timeout=120)
        return Result(proc.returncode, proc.stdout, proc.stderr)
    return run


# --- PostgreSQL: a throwaway cluster, when the server is installed ------------------------------

def _postgres_bin() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    return candidates[-1].parent if candidates else None


@pytest.fixture(scope="session")
def postgres_url():
    """postgresql://… of a private server on a free port; skipped where PostgreSQL is absent
    (`.ci/run` installs it, so CI always runs these tests)."""
    import shutil
    import socket
    import tempfile
    def unavailable(why: str):
        if os.environ.get("FRONTDESK_REQUIRE_POSTGRES"):  # set by .ci/run: never skip there
            pytest.fail(f"PostgreSQL tests required but {why}")
        pytest.skip(why)

    bindir = _postgres_bin()
    if bindir is None:
        unavailable("PostgreSQL server binaries are not installed")
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="frontdesk-pg-"))  # pytest's tmp is root-only
    if os.geteuid() == 0:  # the server refuses to run as root
        runuser = shutil.which("runuser")
        if runuser is None:
            unavailable("running as root without runuser")
        as_user = [runuser, "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = folder / "data"
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-A", "trust",
                    "-U", "postgres", "--no-sync",
                    # the same text order as SQLite, whatever the machine's locale
                    "--locale=C", "-E", "UTF8"], check=True, capture_output=True)
    subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-w", "-l",
                    str(folder / "log"), "-o",
                    f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off",
                    "start"], check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                        "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_empty_clinic(postgres_url) -> str:
    """The name of an empty clinic database (open_clinic on a new database) made once per
    server: postgres_db copies it (CREATE DATABASE ... TEMPLATE copies its files: about ten
    times faster than creating the schema again)."""
    import psycopg2

    from frontdesk.services.clinic import close_clinic, open_clinic
    name = "template_empty_clinic"
    admin = psycopg2.connect(f"{postgres_url}/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    open_clinic(f"{postgres_url}/{name}")
    close_clinic()  # no session may stay on a template while it is copied
    return name


@pytest.fixture
def postgres_db(postgres_url, postgres_empty_clinic, request):
    """A fresh, empty clinic database on the PostgreSQL server, opened for this process."""
    import re

    import psycopg2

    from frontdesk.services.clinic import close_clinic, open_clinic
    name = "t_" + re.sub(r"\W", "_", request.node.name)[:50].lower()
    admin = psycopg2.connect(f"{postgres_url}/postgres")
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        # PostgreSQL 15 copies block by block through the WAL unless told to copy the files
        # (what every version before it did): for a small database the files are faster
        strategy = " STRATEGY FILE_COPY" if admin.server_version >= 150000 else ""
        cur.execute(f'CREATE DATABASE "{name}" TEMPLATE "{postgres_empty_clinic}"{strategy}')
    url = f"{postgres_url}/{name}"
    open_clinic(url)
    stamp_created_at()
    yield url
    close_clinic()
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


@pytest.fixture(params=["sqlite", "postgres"])
def any_db(request):
    """The same test on a SQLite file and on PostgreSQL (skipped where PostgreSQL is not
    installed, never on CI: see postgres_url)."""
    return request.getfixturevalue("db_path" if request.param == "sqlite" else "postgres_db")
