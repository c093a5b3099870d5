"""Panel mode: a break common to most members is credited once to a national cause; a regional break keeps
regional evidence. Synthetic series with steps at the dates of real records; the KB is the shared data."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from policytrace.attribute import PanelAttributor
from policytrace.attribute.panel import read_panel
from policytrace.detect.synth import make_series
from policytrace.errors import InputError
from policytrace.kb import KnowledgeBase
from policytrace.regions import lookup

from conftest import CM_DAILY, cli

PROVINCES = ("Xinjiang", "Hubei", "Guangdong", "Henan", "Sichuan", "Jiangsu")


@pytest.fixture(scope="module")
def kb_path(shared, tmp_path_factory):
    path = tmp_path_factory.mktemp("kb") / "kb.sqlite"
    with KnowledgeBase.open(path) as kb:
        for name in ("china_events/covid2020_provincial_emergency_response_levels.csv",
                     "curated/national_and_regional_events.csv", "curated/xinjiang_projects_events.csv"):
            kb.import_file(shared / "data/policies" / name)
    return path


def write_panel(path, seed: int = 7, regional: bool = True):
    """Monthly industry series 2018–2021: all fall in February 2020; with `regional` Xinjiang alone falls in
    May 2021."""
    rng = np.random.default_rng(seed)
    months = pd.date_range("2018-01-01", "2021-12-01", freq="MS")
    rows = []
    for k, province in enumerate(PROVINCES):
        values = (50 + 10 * k) * (1 + rng.normal(0, 0.01, len(months)))
        values[months >= "2020-02-01"] *= 0.7
        if regional and province == "Xinjiang":
            values[months >= "2021-05-01"] *= 0.75
        rows += [{"date": m.strftime("%Y-%m"), "province": province, "sector": "Industry", "value": round(v, 4)}
                 for m, v in zip(months, values)]
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def panel_csv(tmp_path_factory):
    return write_panel(tmp_path_factory.mktemp("panel") / "panel.csv")


def test_common_break_credited_once(panel_csv, kb_path):
    panel = read_panel(panel_csv)
    assert len(panel) == len(PROVINCES)
    with KnowledgeBase.open(kb_path) as kb:
        result = PanelAttributor().fit(panel, kb).result_
    feb = [c for c in result.common if c.period in ("2020-01", "2020-02", "2020-03") and c.direction == "down"]
    assert len(feb) == 1, [c.period for c in result.common]
    common = feb[0]
    assert common.share >= 0.5
    credited = {i.record.id for i in common.attribution.items}
    assert credited and all("000000" in i.record.regions for i in common.attribution.items)
    for key, attributions in result.attributions.items():
        for a in attributions:
            assert not credited & {i.record.id for i in a.items}, key
    xinjiang = result.attributions[f"{lookup('Xinjiang').code}/industry"]
    covid = [a for a in xinjiang if a.common and a.common["id"] == common.id]
    assert covid and any("650000" in i.record.regions for i in covid[0].items)
    regional = [a for a in xinjiang if a.common is None and a.node.date.startswith("2021")]
    assert regional, "the Xinjiang-only break is regional"
    assert json.loads(json.dumps(result.to_dict(), ensure_ascii=False, default=str))["common_breaks"]


def test_panel_command(panel_csv, kb_path, tmp_path):
    run = cli("panel", str(panel_csv), "--kb", str(kb_path), "--regions", "新疆,湖北,广东,河南", "--out", str(tmp_path))
    assert run.returncode == 0, run.stderr
    data = json.loads((tmp_path / "panel.json").read_text(encoding="utf-8"))
    assert len(data["series"]) == 4 and data["common_breaks"]


def test_panel_command_without_a_common_break_prints_no_empty_table(kb_path, tmp_path):
    rows = []
    for seed, province in enumerate(PROVINCES[:4]):
        values = make_series(seed, years=4, n_changes=0).series.values
        rows += [{"date": d.strftime("%Y-%m"), "province": province, "sector": "Industry", "value": round(v, 4)}
                 for d, v in values.items()]
    pd.DataFrame(rows).to_csv(tmp_path / "quiet.csv", index=False)
    run = cli("panel", str(tmp_path / "quiet.csv"), "--kb", str(kb_path))
    assert run.returncode == 0, run.stderr
    assert "4 series: no common break" in run.stdout and "┏" not in run.stdout, run.stdout


def test_a_common_break_in_the_last_months_says_its_values_may_be_provisional(tmp_path, kb_path):
    # Carbon Monitor's provincial totals drop in 12 provinces at 2025-09, three months from their end
    path = write_panel(tmp_path / "late.csv", seed=8, regional=False)
    frame = pd.read_csv(path)
    frame.loc[frame["date"] >= "2021-11", "value"] *= 0.5
    frame.to_csv(path, index=False)
    run = cli("panel", str(path), "--kb", str(kb_path), "--json")
    assert run.returncode == 0, run.stderr
    breaks = json.loads(run.stdout)["common_breaks"]
    late = [c for c in breaks if c["period"] >= "2021-10"]
    early = [c for c in breaks if c["period"] < "2021"]
    assert late and all(c["attribution"]["node"]["details"]["at_end"] <= 3 for c in late), breaks
    assert early and not any("at_end" in c["attribution"]["node"]["details"] for c in early), breaks
    assert "may be provisional" in run.stderr


def test_a_panel_of_sector_groups_sums_each_group(tmp_path):
    # CEADs' layout: years × provinces × sectors, each sector in a group
    rows = [{"year": year, "province": province, "sector": sector, "sector_group": group, "scope_1_total": value}
            for year in range(2000, 2020) for k, province in enumerate(("Hebei", "Shanxi"))
            for sector, group, value in (("Ferrous Metals", "Industry (mining, manufacturing)", 100 + k),
                                         ("Nonmetal Mineral Products", "Industry (mining, manufacturing)", 50.0),
                                         ("Production and Supply of Electric Power", "Power & heat", 70.0))]
    pd.DataFrame(rows).to_csv(tmp_path / "ceads.csv", index=False)
    panel = read_panel(tmp_path / "ceads.csv", sectors=["工业"])
    assert sorted(panel) == [f"{lookup(p).code}/industry" for p in ("Hebei", "Shanxi")]
    hebei = panel[f"{lookup('Hebei').code}/industry"]
    assert len(hebei) == 20 and hebei.values.iloc[0] == 150 and hebei.meta["sectors_summed"] == 2
    power = read_panel(tmp_path / "ceads.csv", sectors=["电力"])
    assert [s.values.iloc[0] for s in power.values()] == [70.0, 70.0]


def test_a_workbook_of_a_sheet_per_province_is_a_panel(panel_csv, kb_path, tmp_path):
    # it had been refused: "a panel needs a region column"
    frame = pd.read_csv(panel_csv)
    book = tmp_path / "provinces.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"说明": ["单位：万吨"]}).to_excel(writer, sheet_name="说明", index=False)
        for province in PROVINCES:
            rows = frame[frame.province == province][["date", "value"]].rename(columns={"date": "月份", "value": "排放量"})
            rows.to_excel(writer, sheet_name=lookup(province).short_zh, index=False)
    panel = read_panel(book, sectors=["工业"])
    assert sorted(panel) == sorted(f"{lookup(p).code}/industry" for p in PROVINCES)
    xinjiang = panel["650000/industry"]
    assert xinjiang.values.iloc[0] == frame[frame.province == "Xinjiang"].value.iloc[0]
    run = cli("panel", str(book), "--sectors", "工业", "--kb", str(kb_path), "--json")
    assert run.returncode == 0, run.stderr
    breaks = json.loads(run.stdout)["common_breaks"]
    assert [c for c in breaks if c["period"] in ("2020-01", "2020-02", "2020-03") and c["direction"] == "down"]
    # a bad cell names its sheet and row
    with pd.ExcelWriter(book, mode="a", if_sheet_exists="replace") as writer:
        bad = frame[frame.province == "Hubei"][["date", "value"]].astype(str)
        bad.iloc[3, 1] = "abc"
        bad.to_excel(writer, sheet_name="湖北", index=False)
    with pytest.raises(InputError, match="sheet 湖北") as err:
        read_panel(book)
    assert err.value.row == 5


def test_panel_bad_input_names_file_row_and_column(tmp_path, kb_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,province,value\n2020-01,Xinjiang,1\n2020-02,Atlantis,2\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_panel(bad)
    assert err.value.row == 3 and err.value.column == "province"
    run = cli("panel", str(bad), "--kb", str(kb_path))
    assert run.returncode == 2 and "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
    one = tmp_path / "one.csv"
    one.write_text("date,value\n2020-01,1\n", encoding="utf-8")
    assert cli("panel", str(one), "--kb", str(kb_path)).returncode == 2
    # a sector the file does not hold is named with the sector column and what it holds (it had blamed 'province')
    two = tmp_path / "two.csv"
    two.write_text("date,province,sector,value\n2020-01,Xinjiang,Industry,1\n2020-01,Xinjiang,Power,2\n",
                   encoding="utf-8")
    with pytest.raises(InputError, match="no rows for the sectors Foo; the file holds Industry, Power") as err:
        read_panel(two, sectors=["Foo"])
    assert err.value.column == "sector"


def test_real_panel_covid_is_one_common_down_break(shared, kb_path):
    """Carbon Monitor China, 31 provinces × Industry: alone, the detector finds the early-2020 dip in about a
    third of the provinces (too few for a common break by counting); pooled, it is common."""
    panel = read_panel(shared / CM_DAILY, sectors=["Industry"])
    assert len(panel) == 31
    with KnowledgeBase.open(kb_path) as kb:
        fitted = PanelAttributor().fit(panel, kb)
    result = fitted.result_
    covid = [c for c in result.common if "2020-01" <= c.period <= "2020-04" and c.direction == "down"]
    assert len(covid) == 1, [(c.period, c.direction, c.share) for c in result.common]
    common = covid[0]
    assert common.share >= 0.5 and len(common.members) == round(common.share * 31)
    assert common.attribution is not None and common.attribution.node.change_pct < 0
    assert common.attribution.items and all("000000" in i.record.regions for i in common.attribution.items)
    hubei = result.attributions[f"{lookup('Hubei').code}/industry"]
    assert any(a.common and a.common["id"] == common.id for a in hubei)
    assert fitted.pooled_ is not None
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False, default=str))
    assert data["common_breaks"][0]["share"] == round(common.share, 3)


@pytest.mark.parametrize("first", [0, 100])
def test_independent_no_change_panel_has_no_common_break(kb_path, first):
    panel = {f"s{seed}": make_series(seed, years=4, n_changes=0, daily=False).series
             for seed in range(first, first + 12)}
    with KnowledgeBase.open(kb_path) as kb:
        fitted = PanelAttributor().fit(panel, kb)
    assert fitted.pooled_ is not None
    assert fitted.result_.common == (), [(c.period, c.direction, c.share) for c in fitted.result_.common]
    assert all(a.common is None for v in fitted.result_.attributions.values() for a in v)
