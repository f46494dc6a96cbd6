"""One benchmark run: the clinics, each group's figures, the table and the JSON."""

from __future__ import annotations

import compileall
import datetime as dt
import json
import os
import platform
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import clinics
from bench.figures import Figure, number

#: The parts, in the order they run (the cheap ones first, so a failure shows early).
GROUPS = ("services", "desk", "commands")


@dataclass(frozen=True)
class Options:
    sizes: tuple[int, int]
    repeat: int
    quick: bool
    groups: tuple[str, ...]
    postgres: bool
    json: Path | None


@dataclass
class Context:
    """What every part gets: the two clinics, a work folder, how often to repeat."""
    sizes: tuple[int, int]
    repeat: int
    quick: bool
    work: Path
    postgres: object | None = None  # bench.postgres.Clinics while a server runs
    notes: list[str] = field(default_factory=list)
    _clinics: dict[int, Path] = field(default_factory=dict)

    def clinic(self, size: int) -> Path:
        """The run's clinic of `size`: found (or seeded) once, so an edit to the generator
        during a run cannot swap the database under the figures."""
        if size not in self._clinics:
            self._clinics[size] = clinics.cached(size, say=self.say)
        return self._clinics[size]

    def say(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def note(self, text: str) -> None:
        self.notes.append(text)


def _part(group: str):
    if group == "services":
        from bench import services as part
    elif group == "desk":
        from bench import desk as part
    else:
        from bench import commands as part
    return part


def run(options: Options, work: Path) -> int:
    began = time.perf_counter()
    ctx = Context(options.sizes, options.repeat, options.quick, work)
    # Bytecode as an installed program has it (PYTHONDONTWRITEBYTECODE, set on some
    # machines, would make every start compile frontdesk's source anew: 0.15-0.3 s of CPU
    # that the empty app, its packages compiled at install, never pays).
    compileall.compile_dir(clinics.ROOT / "frontdesk", quiet=1)
    compileall.compile_dir(clinics.ROOT / "bench", quiet=1)
    for size in ctx.sizes:
        ctx.clinic(size)
    figures: list[Figure] = []
    server = None
    if options.postgres and "services" in options.groups:
        from bench import postgres
        server = postgres.start(ctx)
    try:
        ctx.postgres = server
        for group in options.groups:
            figures += _part(group).measure(ctx)
    finally:
        if server is not None:
            server.stop()
    ctx.notes += machine(ctx)
    ctx.notes.append(f"the whole run took {time.perf_counter() - began:.0f} s")
    print(table(figures, ctx))
    if options.json:
        options.json.write_text(json.dumps({
            "sizes": list(ctx.sizes), "repeat": ctx.repeat, "quick": ctx.quick,
            "figures": [f.as_json() for f in figures], "notes": ctx.notes}, indent=2))
    return 0


def _ratio(figure: Figure) -> str:
    growth, base = figure.growth(), figure.baseline_ratio()
    parts = []
    if base is not None:
        parts.append(f"{base:.2f}x base")
    if growth is not None and (base is None or any(t.of == "growth" for t in figure.targets)):
        parts.append(f"{growth:.2f}x small")
    return ", ".join(parts)


def _met(figure: Figure) -> str:
    return {True: "yes", False: "NO", None: ""}[figure.met()]


def table(figures: list[Figure], ctx: Context) -> str:
    small, large = ctx.sizes
    head = ["figure", f"{small:,}", f"{large:,}", "baseline", "ratio", "target", "met?"]
    rows = []
    for f in figures:
        name = f.name if f.database == "sqlite" else f"{f.name} [{f.database}]"
        baseline = ""
        if f.baseline:
            baseline = f"{f.baseline[max(f.baseline)].text(f.unit)} ({f.baseline_name})"
        rows.append([name, *(f.values[s].text(f.unit) if s in f.values else "" for s in
                             ctx.sizes), baseline, _ratio(f), "; ".join(t.text for t in
                                                                        f.targets), _met(f)])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    right = {1, 2}

    def line(cells: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    out = [line(head), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    verdicts = [f.met() for f in figures]
    out.append("")
    out.append(f"targets met: {verdicts.count(True)} of "
               f"{sum(v is not None for v in verdicts)}; "
               f"each figure the median of {ctx.repeat} run(s), ± half its spread")
    out += [f"- {n}" for n in ctx.notes]
    return "\n".join(out)


def machine(ctx: Context) -> list[str]:
    import textual
    cpu = platform.machine()
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    sizes = []
    for size in ctx.sizes:
        got = clinics.facts(ctx.clinic(size))
        sizes.append(f"{size:,} patients: {got['appointment']:,} appointments, "
                     f"{got['chair']:,} chairs, {number(got['mb'], 'MB')}")
    return [*sizes, f"{platform.platform()}, {cpu}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}, Textual {textual.__version__}, "
            f"SQLite {sqlite3.sqlite_version}, {dt.datetime.now():%Y-%m-%d %H:%M}"]
