"""A node's change in the report's words says what its percentage is of, kind by kind."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from conftest import undated

from policytrace.attribute.model import Attribution
from policytrace.detect import NodeKind, detect
from policytrace.report.change import change_text, short_change
from policytrace.report.view import node_view
from policytrace.series import Frequency, Series


def monthly(values) -> Series:
    index = pd.date_range("2010-01-01", periods=len(values), freq="MS")
    return Series(pd.Series(np.asarray(values, float), index=index), Frequency.MONTHLY)


def the(nodes, kind):
    found = [n for n in nodes if n.kind is kind]
    assert len(found) == 1, nodes
    return found[0]


def rates(text: str) -> list[float]:
    return [float(x) for x in re.findall(r"([+-]\d+\.\d)%", text)]


def test_growth_that_stops_is_not_reported_as_a_fall():
    # +1 % a month for five years, then flat: the level never falls, though the turn's change_pct
    # (against the old trend carried a year on) is about -11 %; "down 11 %" had been its whole wording
    t = np.arange(120)
    noise = np.random.default_rng(0).normal(0, 0.004, 120)
    node = the(detect(monthly(100 * np.exp(0.01 * np.minimum(t, 60) + noise))), NodeKind.TREND)
    assert node.change_pct < -5
    zh, en = change_text(node, "zh", str), change_text(node, "en", str)
    assert "下降" not in zh and "down" not in en
    before, after = rates(en)[:2]
    assert abs(before - 1.0) < 0.15 and abs(after) < 0.15, en
    assert rates(zh)[:2] == [before, after] and "每月" in zh and "a month" in en
    assert "12 months past the turn" in en and "较原趋势外推低" in zh
    assert short_change(node, "zh") == f"{before:+.1f}%→{after:+.1f}%/月"   # the CLI tables' cell
    assert short_change(node, "en").endswith("/mo")


def test_turn_of_an_undated_series_in_levels_gives_its_growth_per_period():
    t = np.arange(150, dtype=float)
    values = 100 + 0.2 * t + np.random.default_rng(3).normal(0, 1.0, 150)
    values[90:] += 1.5 * (t[90:] - 89)
    node = the(detect(undated(values)), NodeKind.TREND)
    before, after = rates(change_text(node, "en", str))[:2]
    level = node.details["level_at_turn"]   # about 118: slopes 0.2 and 1.7 a point
    assert abs(before - 100 * 0.2 / level) < 0.1 and abs(after - 100 * 1.7 / level) < 0.2
    assert "a period" in change_text(node, "en", str) and "每期" in change_text(node, "zh", str)


def test_a_shock_says_when_it_ended():
    values = 100 + np.random.default_rng(2).normal(0, 2.0, 120)
    values[50:56] -= 30
    node = the(detect(monthly(values)), NodeKind.EVENT)
    shown = change_text(node, "zh", lambda d: f"<{d}>")
    assert shown.startswith("下降") and f"<{node.end_date}>" in shown
    assert "a shock that ended" in change_text(node, "en", str)


def test_a_shock_that_fades_says_when_it_was_back():
    values = 100 + np.random.default_rng(0).normal(0, 1.0, 150)
    values[60:80] -= np.linspace(30, 0, 20, endpoint=False)
    node = the(detect(undated(values)), NodeKind.EVENT)
    zh, en = change_text(node, "zh", lambda d: f"<{d}>"), change_text(node, "en", lambda d: f"<{d}>")
    assert zh.startswith("下降") and f"逐步回升，至<{node.end_date}>回到原有水平" in zh
    assert f"faded gradually, back on its earlier path by <{node.end_date}>" in en and "ended" not in en


def test_seasonal_and_outlier_nodes_say_what_changed():
    n = 168
    season = 10 * np.cos(2 * np.pi * np.arange(n) / 12)
    values = 200 + season + np.random.default_rng(5).normal(0, 1.0, n)
    values[84:] += 1.5 * season[84:]
    node = the(detect(monthly(values)), NodeKind.SEASONAL)
    assert change_text(node, "zh", str).startswith("季节波动幅度扩大")
    assert change_text(node, "en", str).startswith("seasonal swing wider by")

    values = 50 + np.random.default_rng(4).normal(0, 1.0, 100)
    values[37] -= 15
    node = the(detect(undated(values)), NodeKind.OUTLIER)
    assert change_text(node, "zh", str).startswith("单期低于预期")
    assert "below its expected level" in change_text(node, "en", str)


def test_an_outlier_of_a_two_cycle_series_names_its_mirror_in_both_languages():
    values = 100 * np.exp(0.1 * np.cos(2 * np.pi * np.arange(24) / 12) + np.random.default_rng(3).normal(0, 0.02, 24))
    values[14] *= 0.4
    node = the(detect(monthly(values)), NodeKind.OUTLIER)
    zh = node_view(Attribution(node, ()), "zh", str).interval
    en = node_view(Attribution(node, ()), "en", str).interval
    assert node.date == "2011-03" and "2010-03" in zh and "另一周期" in zh and "2010-03" in en, (zh, en)
