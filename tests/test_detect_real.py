"""The detector on real series: Carbon Monitor China, TCPD quality control (needs ../shared)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from conftest import CM_DAILY, cli
from policytrace.detect import Detector, NodeKind
from policytrace.series import Frequency, Series, read_series


def daily(shared, province: str, sector: str) -> Series:
    frame = pd.read_csv(shared / CM_DAILY, parse_dates=["date"])
    part = frame[(frame.province == province) & (frame.sector == sector)]
    return Series(part.set_index("date").co2_mt_per_day.sort_index().asfreq("D"), Frequency.DAILY)


def in_festival_season(node) -> bool:
    day = pd.Timestamp(node.date)
    return day.year in (2019, 2021) and pd.Timestamp(day.year, 1, 15) <= day <= pd.Timestamp(day.year, 4, 15)


def test_xinjiang_industry_month_starts_are_not_events(xinjiang_industry_csv):
    series = read_series(xinjiang_industry_csv)
    det = Detector().fit(series)
    assert det.working_.resolution == "monthly" and det.working_.disaggregated
    events = [n for n in det.nodes_ if n.kind in (NodeKind.EVENT, NodeKind.TREND)]
    assert len(events) <= 6 and len(det.nodes_) <= 10
    assert not [n for n in events if in_festival_season(n)]


def shock_found(nodes, first: str, last: str) -> bool:
    """An event or trend node that starts inside [first, last] (months, inclusive)."""
    return any(n.kind in (NodeKind.EVENT, NodeKind.TREND) and first <= n.date[:7] <= last for n in nodes)


def test_xinjiang_industry_covid_shock_is_an_event(xinjiang_industry_csv):
    nodes = Detector().fit(read_series(xinjiang_industry_csv)).nodes_
    assert shock_found(nodes, "2020-01", "2020-03"), nodes


@pytest.mark.xfail(strict=True, reason="open: the series barely carries them: even as given windows, p 0.33 "
                                       "alone / 0.05 jointly (2021 curbs) and 0.015 / 0.075 (2022 lockdown) against "
                                       "no-change series (bench/detect_shock_evidence.py); a blind search at 5% "
                                       "needs far more")
@pytest.mark.parametrize("first,last", [("2021-09", "2021-12"), ("2022-08", "2022-11")])
def test_xinjiang_industry_dual_control_and_lockdown(xinjiang_industry_csv, first, last):
    nodes = Detector().fit(read_series(xinjiang_industry_csv)).nodes_
    assert shock_found(nodes, first, last), nodes


@pytest.mark.parametrize("province,sector", [
    ("Hebei", "Power"), ("Guangdong", "Industry"), ("Jiangsu", "Industry"),
    # a +10% rise at 2021-02, inside the festival season, had 0.4-0.5 (over the floor in round 15); 0.24 since
    # short series' noise is read as at eight cycles (round 16)
    ("Xinjiang", "Power"),
])
def test_other_provinces_no_festival_events_and_few_nodes(shared, province, sector):
    det = Detector().fit(daily(shared, province, sector))
    assert det.working_.resolution == "monthly"
    assert len(det.nodes_) <= 10
    assert not [n for n in det.nodes_ if n.kind is NodeKind.EVENT and in_festival_season(n)]


@pytest.mark.parametrize("province", ["Anhui", "Sichuan"])
def test_ground_transport_festival_recovery_is_no_event_and_covid_is(shared, province):
    # read week by week; before round 10 every province got 2021-02-23 +26% (the recovery after the holiday)
    det = Detector().fit(daily(shared, province, "Ground Transport"))
    assert det.working_.resolution == "weekly"
    assert not [n for n in det.nodes_ if n.kind is NodeKind.EVENT and in_festival_season(n)]
    onset = [n for n in det.nodes_ if n.kind is NodeKind.EVENT and n.direction == "down"
             and pd.Timestamp("2020-01-15") <= pd.Timestamp(n.date) <= pd.Timestamp("2020-02-15")]
    assert onset and onset[0].change_pct < -30
    # traffic came back over the spring, not in one step: a shock that fades, not a lasting fall
    assert onset[0].details.get("recovery") == "gradual"
    assert "2020-03-01" <= onset[0].end_date <= "2020-07-31"


def test_cli_json_names_the_working_resolution(xinjiang_industry_csv):
    run = cli("detect", str(xinjiang_industry_csv), "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["frequency"] == "daily" and out["resolution"] == "monthly"
    for node in out["nodes"]:
        assert node["date"].endswith("-01")   # nodes sit at the resolution the data carry


@pytest.mark.parametrize("name", ["quality_control_1", "quality_control_3"])
def test_tcpd_quality_control_level_shift_is_reported(shared, name):
    # One level shift in ~300 points, which all five annotators mark. Confidence maps fitted on
    # 14-year monthly series alone put it at 0.19-0.26, under the reporting floor; undated series
    # of other lengths in the training set lifted it over.
    folder = shared / "data" / "tcpd"
    data = json.loads((folder / "datasets" / name / f"{name}.json").read_text())
    marked = json.loads((folder / "annotations.json").read_text())[name]
    values = pd.Series([float(v) for v in data["series"][0]["raw"]])
    nodes = Detector().fit(Series(values, Frequency.UNDATED, source=name)).nodes_
    centre = int(np.median([cp for cps in marked.values() for cp in cps]))
    events = [n for n in nodes if n.kind is NodeKind.EVENT and abs(n.index - centre) <= 5]
    assert len(events) == 1, nodes   # nodes_ holds only those over the default reporting floor (0.4)
