"""The benchmark's own arithmetic: a figure's ratio and verdict, and the table it prints
(the figures themselves are never judged in CI; `.ci/run` runs `python -m bench --quick` so
the benchmark keeps working)."""

from bench.figures import (Figure, Stat, at_least, at_most, baseline_at_most, growth_at_most,
                           percentile)
from bench.run import Context, table


def test_a_stat_is_the_median_with_its_spread():
    stat = Stat.of([30.0, 10.0, 20.0])
    assert (stat.median, stat.low, stat.high, stat.runs) == (20.0, 10.0, 30.0, 3)
    assert stat.text("ms") == "20.0 ms ±50%"
    assert Stat.one(5.0).text("ms") == "5.0 ms"


def test_percentiles_pick_a_measured_value():
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) in values and 50.0 <= percentile(values, 0.5) <= 51.0
    assert percentile(values, 0.95) == 95.0
    assert percentile([7.0], 0.95) == 7.0


def test_targets_judge_the_large_clinic_its_growth_and_its_baseline():
    figure = Figure("x", "ms", "g", {1000: Stat.one(10.0), 100_000: Stat.one(30.0)},
                    "SQL", {100_000: Stat.one(25.0)})
    assert figure.growth() == 3.0
    assert figure.baseline_ratio() == 1.2
    assert at_most(30, "ms").met(figure) is True
    assert at_most(29, "ms").met(figure) is False
    assert at_least(31, "ms").met(figure) is False
    assert growth_at_most(2.0).met(figure) is False
    assert baseline_at_most(1.5).met(figure) is True
    figure.targets = (at_most(50, "ms"), baseline_at_most(1.5))
    assert figure.met() is True
    figure.targets = (at_most(50, "ms"), growth_at_most(2.0))
    assert figure.met() is False


def test_a_figure_without_what_its_target_needs_is_not_judged():
    figure = Figure("x", "ms", "g", {1000: Stat.one(10.0)}, targets=(growth_at_most(2.0),))
    assert figure.met() is None
    assert Figure("y", "ms", "g", {1000: Stat.one(1.0)}).met() is None


def test_the_table_shows_each_figure_with_its_verdict(tmp_path):
    ctx = Context((1000, 100_000), 3, False, tmp_path)
    figures = [
        Figure("census range", "ms", "commands", {1000: Stat.of([700.0, 800.0, 900.0]),
                                                  100_000: Stat.of([1500.0] * 3)},
               targets=(at_most(1000, "ms"),)),
        Figure("import throughput", "rows/s", "commands",
               {1000: Stat.one(40_000.0), 100_000: Stat.one(60_000.0)},
               targets=(at_least(50_000, "rows/s"),)),
    ]
    lines = table(figures, ctx).splitlines()
    assert lines[0].split()[:3] == ["figure", "1,000", "100,000"]
    census = next(line for line in lines if line.startswith("census range"))
    assert "800 ms ±12%" in census and "1,500 ms" in census and census.endswith("NO")
    assert "1.88x small" in census
    imported = next(line for line in lines if line.startswith("import throughput"))
    assert "60,000/s" in imported and imported.endswith("yes")
    assert lines[-1].startswith("targets met: 1 of 2;")
