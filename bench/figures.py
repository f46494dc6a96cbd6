"""A figure: one measured thing at the small and the large clinic, with its spread, a baseline
measured in the same run where there is one, and the target it is judged against."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class Stat:
    """Repeated runs of one measure: the median is the figure, min and max its spread."""
    median: float
    low: float
    high: float
    runs: int

    @classmethod
    def of(cls, samples: list[float]) -> "Stat":
        if not samples:
            raise ValueError("no samples")
        return cls(statistics.median(samples), min(samples), max(samples), len(samples))

    @classmethod
    def one(cls, value: float) -> "Stat":
        return cls(value, value, value, 1)

    def text(self, unit: str) -> str:
        main = number(self.median, unit)
        if self.runs < 2 or self.high == self.low:
            return main
        if self.median and unit not in ("%", "n"):
            spread = 100 * (self.high - self.low) / self.median
            return f"{main} ±{spread / 2:.0f}%"
        return f"{main} ({number(self.low, unit)}-{number(self.high, unit)})"


def number(value: float, unit: str) -> str:
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:,.0f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "rows/s":
        return f"{value:,.0f}/s"
    if unit == "%":
        return f"{value:.0f}%"
    return f"{value:,.0f}"


@dataclass(frozen=True)
class Target:
    """How a figure is judged. `of` picks what is compared: the large clinic's median
    ("large"), its ratio to the small clinic's ("growth") or to the baseline's ("baseline")."""
    text: str
    of: str
    limit: float
    at_least: bool = False

    def met(self, figure: "Figure") -> bool | None:
        value = {"large": figure.large_value, "growth": figure.growth,
                 "baseline": figure.baseline_ratio}[self.of]()
        if value is None:
            return None
        return value >= self.limit if self.at_least else value <= self.limit


def at_most(limit: float, unit: str) -> Target:
    return Target(f"<= {number(limit, unit)}", "large", limit)


def at_least(limit: float, unit: str) -> Target:
    return Target(f">= {number(limit, unit)}", "large", limit, at_least=True)


def growth_at_most(limit: float) -> Target:
    return Target(f"<= {limit:g}x small", "growth", limit)


def baseline_at_most(limit: float) -> Target:
    return Target(f"<= {limit:g}x baseline", "baseline", limit)


@dataclass
class Figure:
    name: str
    unit: str
    group: str
    values: dict[int, Stat] = field(default_factory=dict)  # patients -> measured
    baseline_name: str = ""
    baseline: dict[int, Stat] = field(default_factory=dict)
    targets: tuple[Target, ...] = ()
    database: str = "sqlite"

    def sizes(self) -> list[int]:
        return sorted(self.values)

    def large_value(self) -> float | None:
        return self.values[max(self.values)].median if self.values else None

    def growth(self) -> float | None:
        sizes = self.sizes()
        if len(sizes) < 2 or not self.values[sizes[0]].median:
            return None
        return self.values[sizes[-1]].median / self.values[sizes[0]].median

    def baseline_ratio(self) -> float | None:
        if not self.values or max(self.values) not in self.baseline:
            return None
        base = self.baseline[max(self.values)].median
        return self.large_value() / base if base else None

    def ratio(self) -> float | None:
        return self.baseline_ratio() if self.baseline else self.growth()

    def met(self) -> bool | None:
        verdicts = [t.met(self) for t in self.targets]
        if not verdicts or None in verdicts:
            return None
        return all(verdicts)

    def as_json(self) -> dict:
        def stats(values: dict[int, Stat]) -> dict[str, dict]:
            return {str(size): vars(stat) for size, stat in sorted(values.items())}
        return {"name": self.name, "group": self.group, "unit": self.unit,
                "database": self.database, "values": stats(self.values),
                "baseline_name": self.baseline_name or None,
                "baseline": stats(self.baseline), "ratio": self.ratio(),
                "targets": [t.text for t in self.targets], "met": self.met()}


def timed(call: Callable[[], object], repeat: int, *, warm: bool = True) -> list[float]:
    """Seconds per call, `repeat` times (after one untimed call when `warm`)."""
    if warm:
        call()
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        samples.append(time.perf_counter() - began)
    return samples


def ms(samples: list[float]) -> Stat:
    return Stat.of([1000 * s for s in samples])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]
