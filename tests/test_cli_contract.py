"""The CLI contract of the foundation: demo, detect, kb, report, and one-line user errors."""

from __future__ import annotations

import codecs
import gzip
import json
import re
import zipfile

import numpy as np
import pandas as pd
import pytest
from rich.cells import cell_len
from conftest import CHINA_RECORDS, cli, monthly_step_csv, year_to_date_csv

from policytrace.series import read_series

NODE_FIELDS = {"index", "date", "kind", "label_zh", "confidence", "direction", "change_pct"}


def report_texts(series, out) -> tuple[str, str]:
    """The Chinese and English Markdown reports of `series` (Hubei industry, the bundled KB)."""
    run = cli("report", "--series", str(series), "-r", "湖北", "-s", "工业", "--format", "zh,en", "--out", str(out))
    assert run.returncode == 0, run.stderr
    return tuple((out / f"report.{lang}.md").read_text(encoding="utf-8") for lang in ("zh", "en"))


def test_detect_finds_monthly_step(tmp_path):
    path = monthly_step_csv(tmp_path / "step.csv")
    run = cli("detect", str(path), "--json")
    assert run.returncode == 0, run.stderr
    nodes = json.loads(run.stdout)["nodes"]
    near = [n for n in nodes if abs(n["index"] - 70) <= 2]
    assert near, nodes
    assert near[0]["direction"] == "up"
    assert NODE_FIELDS <= set(near[0])
    assert near[0]["kind"] in {"event", "seasonal", "trend", "outlier"}
    assert 0 <= near[0]["confidence"] <= 1


def test_one_node_and_one_record_are_counted_in_the_singular(tmp_path):
    run = cli("detect", str(monthly_step_csv(tmp_path / "step.csv")))
    assert run.returncode == 0 and ": 1 key node (monthly" in run.stdout, run.stdout   # had been "1 key nodes"
    (tmp_path / "mine.csv").write_text("政策名称,发布时间\nA,2020-01-01\nB,\n", encoding="utf-8")
    run = cli("kb", "import", str(tmp_path / "mine.csv"), "--kb", str(tmp_path / "kb.sqlite"), "--empty")
    assert run.returncode == 0 and "1 new, 0 updated, 0 unchanged, 1 row skipped" in run.stdout, run.stdout
    assert ": 1 record" in run.stdout, run.stdout


def test_detect_table_fits_80_columns_without_cutting_a_date(tmp_path):
    path = monthly_step_csv(tmp_path / "step.csv")
    run = cli("detect", str(path), env={"COLUMNS": "80"})
    assert run.returncode == 0, run.stderr
    summary, *table = run.stdout.splitlines()   # the summary is one line, which the terminal wraps
    assert "key node" in summary and max(len(line) for line in table) <= 80, run.stdout
    # the step's month, its whole date and the figures, each on one line
    assert "2015-11" in run.stdout and "…" not in run.stdout.replace(" … ", ""), run.stdout


def test_report_table_fits_80_columns_without_cutting_a_date_or_a_change(tmp_path):
    steps = pd.read_csv(monthly_step_csv(tmp_path / "steps.csv", jump=0.25))
    steps.loc[110:, "value"] *= 0.7
    steps.to_csv(tmp_path / "steps.csv", index=False)
    run = cli("report", "--series", str(tmp_path / "steps.csv"), "-r", "新疆维吾尔自治区", "-s", "工业", "--format", "json",
              "--out", str(tmp_path / "r"), env={"COLUMNS": "80"})
    assert run.returncode == 0, run.stderr
    title, *table = [line for line in run.stdout.splitlines() if not line.startswith("wrote ")]
    assert title.startswith("新疆维吾尔自治区工业领域") and all(cell_len(line) <= 80 for line in table), run.stdout
    nodes = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))["nodes"]
    assert len(nodes) >= 2
    for n in nodes:   # each date and change whole, on its node's line
        assert any(n["node"]["date"] in line and short_change_zh(n) in line for line in table), (n, run.stdout)


def short_change_zh(node: dict) -> str:
    pct = node["node"]["change_pct"]
    return f"{pct:+.1f}%"


def test_detect_without_a_node_prints_no_empty_table_and_counts_what_it_left_out(tmp_path):
    path = monthly_step_csv(tmp_path / "flat.csv", jump=0.0)
    run = cli("detect", str(path))
    assert run.returncode == 0 and "0 key nodes" in run.stdout and "┏" not in run.stdout, run.stdout
    found = json.loads(cli("detect", str(path), "--json").stdout)
    assert found["nodes"] == [] and found["unreported"] >= 0 and found["beyond_max_nodes"] == 0
    run = cli("report", "--series", str(path), "-r", "广东", "-s", "电力", "--format", "json", "--out", str(tmp_path / "r"))
    assert run.returncode == 0 and "0 key nodes" in run.stdout and "┏" not in run.stdout, run.stdout
    # a node limit says how many it left out, in the table's words and in the JSON
    steps = pd.read_csv(monthly_step_csv(tmp_path / "steps.csv", jump=0.25))
    steps.loc[110:, "value"] *= 0.7
    steps.to_csv(tmp_path / "steps.csv", index=False)
    both = json.loads(cli("detect", str(tmp_path / "steps.csv"), "--json").stdout)
    assert len(both["nodes"]) >= 2, both["nodes"]
    one = json.loads(cli("detect", str(tmp_path / "steps.csv"), "--json", "--nodes", "1").stdout)
    assert len(one["nodes"]) == 1 and one["beyond_max_nodes"] == len(both["nodes"]) - 1
    said = cli("detect", str(tmp_path / "steps.csv"), "--nodes", "1").stdout
    assert "not listed: 1 beyond --nodes 1\n" in said, said   # had been "beyond --nodes 1 key node"


def test_min_confidence_lists_weaker_nodes_or_leaves_them_out(tmp_path):
    path = monthly_step_csv(tmp_path / "step.csv", jump=0.05, seed=2)
    (node,) = json.loads(cli("detect", str(path), "--json").stdout)["nodes"]
    above = f"{node['confidence'] + 0.01:.2f}"
    strict = json.loads(cli("detect", str(path), "--json", "--min-confidence", above).stdout)
    assert strict["nodes"] == [] and strict["unreported"] == 1, strict
    said = cli("detect", str(path), "--min-confidence", above).stdout
    # the floor that lists it, named: "--min-confidence lists it" had been said to a user who had just used it
    hint = re.search(rf"not listed: 1 under confidence {above} \(--min-confidence (\d\.\d\d) lists it\)", said)
    assert hint and float(hint[1]) <= node["confidence"], said
    listed = json.loads(cli("detect", str(path), "--json", "--min-confidence", hint[1]).stdout)
    assert [n["date"] for n in listed["nodes"]] == [node["date"]]
    run = cli("report", "--series", str(path), "-r", "湖北", "-s", "工业", "--min-confidence", above, "--format", "zh,json",
              "--out", str(tmp_path / "r"))
    assert run.returncode == 0, run.stderr
    assert f"not listed: 1 under confidence {above} (--min-confidence {hint[1]} lists it)" in run.stdout, run.stdout
    assert json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))["nodes"] == []
    assert f"置信度不低于 {above}" in (tmp_path / "r" / "report.zh.md").read_text(encoding="utf-8")
    bad = cli("detect", str(path), "--min-confidence", "1.5")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr, bad.stderr


def test_detect_table_reads_chinese_headers(tmp_path):
    path = monthly_step_csv(tmp_path / "step.csv")
    text = path.read_text().replace("date,value", "日期,排放量")
    (tmp_path / "zh.csv").write_text(text, encoding="utf-8")
    run = cli("detect", str(tmp_path / "zh.csv"))
    assert run.returncode == 0, run.stderr
    assert "key node" in run.stdout


@pytest.mark.parametrize("encoding,sep", [("gbk", ","), ("utf-16", "\t"), ("utf-16-be", "\t")])
def test_chinese_headers_in_the_encodings_spreadsheets_save(tmp_path, encoding, sep):
    # Excel's "Unicode text" is UTF-16 with a byte-order mark and tabs; it had been "not a UTF-8 or GBK text file"
    text = monthly_step_csv(tmp_path / "step.csv").read_text().replace("date,value", "日期,排放量").replace(",", sep)
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    (tmp_path / "zh.txt").write_bytes(data)
    run = cli("detect", str(tmp_path / "zh.txt"), "--json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["nodes"][0]["date"] == json.loads(cli("detect", str(tmp_path / "step.csv"),
                                                                        "--json").stdout)["nodes"][0]["date"]


def test_non_numeric_value_is_one_line_error(tmp_path):
    path = monthly_step_csv(tmp_path / "bad.csv")
    lines = path.read_text().splitlines()
    lines[5] = lines[5].split(",")[0] + ",abc"
    path.write_text("\n".join(lines) + "\n")
    run = cli("detect", str(path), "--json")
    assert run.returncode == 2
    err = run.stderr.strip().splitlines()
    assert len(err) == 1, run.stderr
    assert "row 6" in err[0] and "'value'" in err[0] and "abc" in err[0]
    assert "Traceback" not in run.stderr and run.stdout == ""


def test_a_running_total_is_never_taken_for_the_value(tmp_path):
    # statistical tables give the month's value beside its year-to-date total (当月值, 累计值)
    step = pd.read_csv(monthly_step_csv(tmp_path / "step.csv"))
    table = pd.DataFrame({"month": step["date"], "output_current_month": step["value"],
                          "output_cumulative_ytd": step["value"].groupby(step["date"].str[:4]).cumsum()})
    table.to_csv(tmp_path / "nbs.csv", index=False)
    run = cli("detect", str(tmp_path / "nbs.csv"), "--json")
    assert run.returncode == 0, run.stderr
    nodes = json.loads(run.stdout)["nodes"]
    assert [n["direction"] for n in nodes if abs(n["index"] - 70) <= 2] == ["up"], nodes
    assert len(nodes) <= 2, nodes   # the running total would give a node at every January


def test_months_missing_beside_running_totals_are_taken_from_them(tmp_path):
    # NBS's thermal-power table: the month's own value is empty in January and February, the running total
    # beside it gives their sum from February on
    step = pd.read_csv(monthly_step_csv(tmp_path / "step.csv", n=144))
    total = step["value"].groupby(step["date"].str[:4]).cumsum().round(1)
    own = step["value"].where(~step["date"].str[5:].isin(["01", "02"]))
    table = pd.DataFrame({"month": step["date"], "gen_current_month": own.round(1),
                          "gen_cumulative_ytd": total.where(step["date"].str[5:] != "01")})
    table.to_csv(tmp_path / "nbs.csv", index=False)
    series = read_series(tmp_path / "nbs.csv")
    assert series.meta["filled_from_totals"] == 24 and series.meta["gaps"] == 0
    first_two = step["value"].to_numpy().reshape(-1, 12)[:, :2].mean(axis=1)
    filled = series.values[series.values.index.month <= 2].to_numpy().reshape(-1, 2)
    assert np.allclose(filled, first_two[:, None], atol=0.1)
    run = cli("report", "--series", str(tmp_path / "nbs.csv"), "-r", "山西", "-s", "电力", "--format", "zh",
              "--out", str(tmp_path / "r"))
    assert run.returncode == 0, run.stderr
    assert "24 期缺测的本期值由同表累计值推算" in (tmp_path / "r" / "report.zh.md").read_text(encoding="utf-8")
    # where February's own value is given, January is February's total less it
    february = step["date"].str[5:] == "02"
    table.loc[february, "gen_current_month"] = step["value"][february].round(1)
    table.to_csv(tmp_path / "february.csv", index=False)
    series = read_series(tmp_path / "february.csv")
    january = series.values[series.values.index.month == 1].to_numpy()
    assert series.meta["filled_from_totals"] == 12
    assert np.allclose(january, step["value"][step["date"].str[5:] == "01"], atol=0.2)
    # NBS's long table gives the totals in rows of their own (value_type): choosing the months' own values
    # takes the missing Januaries from them, each February's total less its February
    series = read_series(year_to_date_csv(tmp_path / "long.csv"), where={"value_type": "current_month"})
    assert series.meta["filled_from_totals"] == 12 and series.meta["gaps"] == 0
    long_january = series.values[series.values.index.month == 1].to_numpy()
    # (year_to_date_csv draws its months as step.csv above does: same generator, seed and step)
    assert np.allclose(long_january, pd.read_csv(tmp_path / "step.csv")["value"][::12], atol=0.01)
    # totals that do not add up to the months (another measure under a like name) are not used
    table.assign(gen_cumulative_ytd=table["gen_cumulative_ytd"] * 1.3).to_csv(tmp_path / "other.csv", index=False)
    series = read_series(tmp_path / "other.csv")
    empty = table["gen_current_month"].isna().sum()   # the first January opens the file: outside the period
    assert "filled_from_totals" not in series.meta and (series.meta["gaps"], series.meta["empty_ends"]) == (empty - 1, 1)
    assert 0.25 < series.meta["totals_unused"] < 0.35   # and the reader is told why the gaps remain
    run = cli("detect", str(tmp_path / "other.csv"), "--json")
    assert any("were not used to fill the gaps" in note for note in json.loads(run.stdout)["data_notes"]["en"])


def test_year_to_date_totals_chosen_by_name_are_read_as_each_months_own_value(tmp_path):
    # NBS publishes January and February only as their sum; a running total read as it stands is a sawtooth
    # in which a one-month dip lasts to December
    step = pd.read_csv(monthly_step_csv(tmp_path / "step.csv"))
    step.loc[45, "value"] *= 0.6
    total = step["value"].groupby(step["date"].str[:4]).cumsum().round(3)
    long = pd.concat([step.assign(value_type="current_month"), step.assign(value_type="cumulative_ytd", value=total)])
    long = long[long["date"].str[5:] != "01"]
    long[["date", "value_type", "value"]].to_csv(tmp_path / "nbs.csv", index=False)

    series = read_series(tmp_path / "nbs.csv", where={"value_type": "cumulative_ytd"})
    own = series.values
    assert series.meta["year_to_date_split"] == 12 and own.notna().all() and len(own) == len(step)
    february = step["date"].str[5:] == "02"
    pairs = (step["value"].to_numpy()[february.to_numpy()] + step["value"].to_numpy()[np.flatnonzero(february) - 1]) / 2
    assert np.allclose(own[own.index.month <= 2].to_numpy().reshape(-1, 2), pairs[:, None], atol=0.01)
    assert np.allclose(own[own.index.month > 2], step["value"][~step["date"].str[5:].isin(["01", "02"])], atol=0.01)

    run = cli("detect", str(tmp_path / "nbs.csv"), "--where", "value_type=cumulative_ytd", "--json")
    assert run.returncode == 0, run.stderr
    nodes = json.loads(run.stdout)["nodes"]
    assert [n["direction"] for n in nodes if abs(n["index"] - 70) <= 2] == ["up"], nodes
    assert [n["kind"] for n in nodes if n["index"] == 45] == ["outlier"], nodes   # one month, not a step
    run = cli("report", "--series", str(tmp_path / "nbs.csv"), "--where", "value_type=cumulative_ytd", "-r", "广东",
              "-s", "电力", "--format", "zh", "--out", str(tmp_path / "report"))
    assert run.returncode == 0, run.stderr
    assert "由年内累计值换算" in (tmp_path / "report" / "report.zh.md").read_text(encoding="utf-8")

    # a total that falls within a year is no running total: the line and column say where
    long.loc[(long["value_type"] == "cumulative_ytd") & (long["date"] == "2012-06"), "value"] = 1.0
    long[["date", "value_type", "value"]].to_csv(tmp_path / "bad.csv", index=False)
    run = cli("detect", str(tmp_path / "bad.csv"), "--where", "value_type=cumulative_ytd")
    line = 2 + int(np.flatnonzero((long["value_type"] == "cumulative_ytd") & (long["date"] == "2012-06"))[0])
    assert run.returncode == 2 and "falls within 2012" in run.stderr and f"row {line}" in run.stderr, run.stderr
    # a year-to-date growth rate (累计增长, %) is no total either
    step.assign(**{"累计增长(%)": 5.0}).to_csv(tmp_path / "rate.csv", index=False)
    run = cli("detect", str(tmp_path / "rate.csv"), "--value-column", "累计增长(%)")
    assert run.returncode == 2 and "growth rate" in run.stderr and "Traceback" not in run.stderr, run.stderr


def test_several_possible_value_columns_ask_for_one(tmp_path):
    step = pd.read_csv(monthly_step_csv(tmp_path / "step.csv"))
    step.assign(coal=step["value"] * 0.6, gas=step["value"] * 0.4).drop(columns="value").to_csv(
        tmp_path / "two.csv", index=False)
    run = cli("detect", str(tmp_path / "two.csv"))
    assert run.returncode == 2 and "coal, gas" in run.stderr and "--value-column" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
    run = cli("detect", str(tmp_path / "two.csv"), "--value-column", "gas", "--json")
    assert run.returncode == 0, run.stderr
    assert [n["direction"] for n in json.loads(run.stdout)["nodes"] if abs(n["index"] - 70) <= 2] == ["up"]


def test_a_change_after_missing_months_is_reported_over_the_gap(tmp_path):
    # NBS style: January and February published only as their sum, so both cells are empty
    step = pd.read_csv(monthly_step_csv(tmp_path / "step.csv", n=72, at=26, jump=0.2))
    step.loc[step["date"].str[5:].isin(["01", "02"]), "value"] = None
    step.to_csv(tmp_path / "nbs.csv", index=False)
    run = cli("report", "--series", str(tmp_path / "nbs.csv"), "-r", "广东", "-s", "电力", "--format", "zh,en,json",
              "--out", str(tmp_path / "report"))
    assert run.returncode == 0, run.stderr
    nodes = json.loads((tmp_path / "report" / "report.json").read_text(encoding="utf-8"))["nodes"]
    (node,) = [n["node"] for n in nodes if n["node"]["kind"] in ("event", "trend")]
    assert node["kind"] == "event" and node["date"] == "2012-03" and node["interval"] == ["2012-01", "2012-03"]
    zh = (tmp_path / "report" / "report.zh.md").read_text(encoding="utf-8")
    en = (tmp_path / "report" / "report.en.md").read_text(encoding="utf-8")
    assert zh.count("紧接缺测时段") == en.count("just after missing data") == 1


def test_a_file_of_one_province_is_not_read_as_another(tmp_path):
    step = pd.read_csv(monthly_step_csv(tmp_path / "step.csv"))
    step.assign(province="新疆维吾尔自治区").to_csv(tmp_path / "xj.csv", index=False)
    run = cli("report", "--series", str(tmp_path / "xj.csv"), "-r", "广东", "-s", "工业", "--out", str(tmp_path / "o"))
    assert run.returncode == 2 and "holds only region 新疆维吾尔自治区, not 广东省" in run.stderr, run.stderr
    assert not (tmp_path / "o").exists()
    assert cli("detect", str(tmp_path / "xj.csv"), "-r", "Xinjiang").returncode == 0


def test_a_file_that_names_its_region_and_sector_needs_neither_option(tmp_path):
    step = pd.read_csv(monthly_step_csv(tmp_path / "step.csv"))
    long = pd.concat([step.assign(province=p, sector="Industry") for p in ("Hubei", "Guangdong")])
    long.to_csv(tmp_path / "long.csv", index=False)
    run = cli("report", "--series", str(tmp_path / "long.csv"), "--where", "province=Hubei", "--format", "json",
              "--out", str(tmp_path / "r"))
    assert run.returncode == 0, run.stderr
    data = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert (data["region"], data["sector"]) == ("420000", "industry")
    # two provinces left in the file, or none named in it: the user is asked, and nothing is written
    run = cli("report", "--series", str(tmp_path / "long.csv"), "--out", str(tmp_path / "two"))
    assert run.returncode == 2 and "several regions (Hubei, Guangdong)" in run.stderr
    assert not (tmp_path / "two").exists()
    # a sector the file does not hold: the error says which it holds (a file of one sector had been read as any)
    run = cli("detect", str(tmp_path / "long.csv"), "-r", "湖北", "-s", "电力")
    assert run.returncode == 2 and "holds only sector Industry, not 电力" in run.stderr, run.stderr
    long.assign(sector=["Industry", "Power"] * (len(long) // 2)).to_csv(tmp_path / "long.csv", index=False)
    run = cli("detect", str(tmp_path / "long.csv"), "-r", "湖北", "-s", "居民")
    assert run.returncode == 2 and "no rows for sector '居民'; the file holds Industry, Power" in run.stderr, run.stderr
    run = cli("detect", str(tmp_path / "long.csv"), "-r", "四川", "-s", "工业")
    assert run.returncode == 2 and "no rows for region 四川省; the file holds Hubei, Guangdong" in run.stderr, run.stderr
    run = cli("report", "--series", str(tmp_path / "step.csv"), "-s", "工业", "--out", str(tmp_path / "none"))
    assert run.returncode == 2 and "--region" in run.stderr and not (tmp_path / "none").exists()
    run = cli("report", "--series", str(tmp_path / "step.csv"), "-r", "湖北", "--out", str(tmp_path / "none"))
    assert run.returncode == 2 and "--sector" in run.stderr and not (tmp_path / "none").exists()

def test_a_file_of_several_series_names_the_columns_that_tell_them_apart(tmp_path):
    # NBS tables give each month twice: the month's value and the running total, told apart by value_type
    step = pd.read_csv(monthly_step_csv(tmp_path / "step.csv"))
    long = pd.concat([step.assign(value_type="current_month"),
                      step.assign(value_type="cumulative_ytd", value=step["value"] * 3)])
    long[["date", "value_type", "value"]].to_csv(tmp_path / "long.csv", index=False)
    run = cli("detect", str(tmp_path / "long.csv"))
    assert run.returncode == 2 and "appears twice" in run.stderr, run.stderr
    assert "differ in 'value_type':" in run.stderr and "'value'" not in run.stderr, run.stderr
    assert "--where value_type=" in run.stderr, run.stderr
    # --where keeps the rows of one series
    run = cli("detect", str(tmp_path / "long.csv"), "--where", "value_type=current_month", "--json")
    assert run.returncode == 0, run.stderr
    assert [n["direction"] for n in json.loads(run.stdout)["nodes"] if abs(n["index"] - 70) <= 2] == ["up"]
    for bad, says in ((["--where", "value_type"], "COLUMN=VALUE"), (["--where", "kind=x"], "no column 'kind'"),
                      (["--where", "value_type=monthly"], "no rows where value_type is 'monthly'")):
        run = cli("detect", str(tmp_path / "long.csv"), *bad)
        assert run.returncode == 2 and says in run.stderr and "Traceback" not in run.stderr, (bad, run.stderr)


def _country_file(path, seed=1):
    """Carbon Monitor's global layout: a step of +30% on 2024-02-05 in Brazil, none in Germany."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range("2021-06-01", "2024-12-31", freq="D")
    rows = []
    for country, jump in (("Brazil", 0.3), ("Germany", 0.0)):
        values = 100 * (1 + rng.normal(0, 0.03, len(dates)))
        values[dates >= "2024-02-05"] *= 1 + jump
        rows.append(pd.DataFrame({"date": dates.strftime("%Y-%m-%d"), "country": country, "sector": "Power",
                                  "co2": values.round(3)}))
    pd.concat(rows).to_csv(path, index=False)
    return path


def test_a_country_outside_the_gazetteer_is_detected_without_the_chinese_calendar(tmp_path):
    path = _country_file(tmp_path / "global.csv")
    run = cli("detect", str(path), "-r", "Brazil", "-s", "Power", "--json")
    assert run.returncode == 0, run.stderr
    (node,) = json.loads(run.stdout)["nodes"]
    # read in China, a step a few days before the Spring Festival would be dated over the festival's season
    assert node["direction"] == "up" and "festival_season" not in node["details"], node
    assert "2024-02-01" <= node["interval"][0] <= node["interval"][1] <= "2024-02-20", node
    run = cli("detect", str(path), "-r", "Germany", "-s", "Power", "--json")
    assert run.returncode == 0 and json.loads(run.stdout)["nodes"] == [], run.stdout
    run = cli("detect", str(path), "-r", "Narnia", "-s", "Power")
    assert run.returncode == 2 and "unknown region 'Narnia'" in run.stderr, run.stderr
    # a file of one country reads the same
    frame = pd.read_csv(path)
    frame[frame["country"] == "Brazil"].to_csv(tmp_path / "brazil.csv", index=False)
    run = cli("detect", str(tmp_path / "brazil.csv"), "-r", "Brazil", "-s", "Power", "--json")
    assert run.returncode == 0 and len(json.loads(run.stdout)["nodes"]) == 1, run.stderr + run.stdout
    # the knowledge base speaks of Chinese regions: a report on Brazil would credit Chinese policies
    run = cli("report", "--series", str(path), "-r", "Brazil", "-s", "Power", "--out", str(tmp_path / "o"))
    assert run.returncode == 2 and "unknown region 'Brazil'" in run.stderr, run.stderr
    assert not (tmp_path / "o").exists()


def test_under_two_seasonal_cycles_every_node_says_the_season_was_not_read(tmp_path):
    for months, warned in ((20, True), (60, False)):
        path = monthly_step_csv(tmp_path / f"m{months}.csv", n=months, at=months // 2, jump=0.3)
        run = cli("detect", str(path), "--json")
        assert run.returncode == 0, run.stderr
        nodes = json.loads(run.stdout)["nodes"]
        assert nodes and all(n["details"].get("season_unread", False) is warned for n in nodes), (months, nodes)
    zh, en = report_texts(tmp_path / "m20.csv", tmp_path / "r")
    assert "不足两个完整季节周期" in zh and "under two full seasonal cycles" in en


def test_a_sector_group_is_the_sum_of_its_sectors(tmp_path):
    # CEADs' layout: sectors within groups; 工业 names the group 'Industry (mining, manufacturing, ...)'
    step = pd.read_csv(monthly_step_csv(tmp_path / "step.csv"))
    group = "Industry (mining, manufacturing, gas & water supply)"
    rows = [step.assign(sector="Smelting and Pressing of Ferrous Metals", sector_group=group, value=step["value"] * 0.7),
            step.assign(sector="Nonmetal Mineral Products", sector_group=group, value=100.0),
            step.assign(sector="Production and Supply of Electric Power, Steam and Hot Water",
                        sector_group="Power & heat", value=50.0)]
    table = pd.concat(rows).sample(frac=1, random_state=0).reset_index(drop=True)
    table.to_csv(tmp_path / "ceads.csv", index=False)
    run = cli("detect", str(tmp_path / "ceads.csv"), "-s", "工业")
    assert run.returncode == 0 and "sum of the 2 sectors" in run.stdout, run.stderr + run.stdout
    run = cli("detect", str(tmp_path / "ceads.csv"), "-s", "工业", "--json")
    nodes = json.loads(run.stdout)["nodes"]
    # a 25% step of 70 in a sum of 170 is a step of 10.3%
    near = [n for n in nodes if abs(n["index"] - 70) <= 2]
    assert len(near) == 1 and 7 < near[0]["change_pct"] < 14, nodes
    run = cli("detect", str(tmp_path / "ceads.csv"), "-s", "电力", "--json")
    assert run.returncode == 0 and json.loads(run.stdout)["nodes"] == [], run.stdout
    # a date with a member missing is a gap, not a smaller sum
    from policytrace.series import read_series

    table.drop(index=table.index[table["sector"].eq("Nonmetal Mineral Products")][0]).to_csv(
        tmp_path / "short.csv", index=False)
    short = read_series(tmp_path / "short.csv", sector="工业")
    assert short.meta == {"gaps": 1, "sectors_summed": 2} and short.values.isna().sum() == 1
    # one sector given twice for a date is an error, not a larger sum
    pd.concat([table, table.iloc[[0]]]).to_csv(tmp_path / "twice.csv", index=False)
    run = cli("detect", str(tmp_path / "twice.csv"), "-s", "工业")
    assert run.returncode == 2 and "appears twice" in run.stderr, run.stderr


def test_a_total_the_file_does_not_hold_is_the_sum_of_its_sectors(tmp_path):
    # Carbon Monitor's daily file has five sectors and no total: -s 合计 had been "no rows for sector '合计'"
    from policytrace.series import read_series

    step = pd.read_csv(monthly_step_csv(tmp_path / "step.csv"))
    rows = [step.assign(province="Hubei", sector="Industry", value=step["value"] * 0.7),
            step.assign(province="Hubei", sector="Power", value=100.0),
            step.assign(province="Hubei", sector="Residential", value=[0.0] * 12 + [30.0] * (len(step) - 12))]
    pd.concat(rows).to_csv(tmp_path / "long.csv", index=False)
    run = cli("detect", str(tmp_path / "long.csv"), "-r", "湖北", "-s", "合计", "--json")
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    assert "sum of the file's 3 sectors (Industry, Power, Residential)" in found["data_notes"]["en"][0], found
    # a sector's zeros before its estimates begin are no data: the total starts with them, with no step there
    total = read_series(tmp_path / "long.csv", region="湖北", sector="合计")
    assert str(total.period[0]) == "2011-01" and total.values.iloc[0] == pytest.approx(
        step["value"].iloc[12] * 0.7 + 130, abs=0.01)
    (node,) = found["nodes"]
    assert abs(node["index"] - 58) <= 2 and 7 < node["change_pct"] < 11, found["nodes"]   # 25 % of 70 in 200: 8.75 %


def test_a_region_the_file_has_no_rows_of_is_the_sum_of_the_regions_inside_it(tmp_path):
    # the nation in Carbon Monitor's file of provinces had been "no rows for region 全国"
    from policytrace.series import read_series

    step = pd.read_csv(monthly_step_csv(tmp_path / "step.csv"))
    rows = [step.assign(province="Hubei", value=step["value"] * 0.7), step.assign(province="Hunan", value=100.0),
            step.assign(province="Wuhan", value=40.0),   # a prefecture of Hubei: not counted twice for the nation
            step.assign(province="Xinjiang", value=[0.0] * 12 + [30.0] * (len(step) - 12))]
    pd.concat(rows).to_csv(tmp_path / "long.csv", index=False)
    nation = read_series(tmp_path / "long.csv", region="全国")
    assert nation.meta["regions_summed_names"] == ["Hubei", "Hunan", "Xinjiang"] and nation.region == "000000"
    assert str(nation.period[0]) == "2011-01"   # Xinjiang's zeros before its estimates are no data
    assert nation.values.iloc[0] == pytest.approx(step["value"].iloc[12] * 0.7 + 130, abs=0.01)
    run = cli("detect", str(tmp_path / "long.csv"), "-r", "全国", "--json")
    found = json.loads(run.stdout)
    assert "sum of the file's 3 regions within it (Hubei, Hunan, Xinjiang)" in found["data_notes"]["en"][0], found
    assert "3 个下级地区之和（湖北、湖南、新疆）" in found["data_notes"]["zh"][0], found
    assert [abs(n["index"] - 58) <= 2 for n in found["nodes"]] == [True], found["nodes"]
    # a region with rows of its own is read as written, not summed
    assert read_series(tmp_path / "long.csv", region="湖北").values.iloc[0] == pytest.approx(step["value"][0] * 0.7)
    # where no date has every member, the error says which lack days
    rows[1] = step.assign(province="Hunan", value=[0.0] * 60 + [100.0] * (len(step) - 60))
    rows[3] = step.assign(province="Xinjiang", value=[30.0] * 60 + [0.0] * (len(step) - 60))
    pd.concat(rows).to_csv(tmp_path / "apart.csv", index=False)
    run = cli("detect", str(tmp_path / "apart.csv"), "-r", "全国")
    assert run.returncode == 2 and "no date has a value for each of the 3 series summed" in run.stderr, run.stderr
    assert "Xinjiang 80" in run.stderr and "Hunan 60" in run.stderr and "Traceback" not in run.stderr, run.stderr


def test_each_region_of_a_sum_takes_its_months_from_its_own_running_totals(tmp_path):
    # NBS leaves January out of each province's own values, with the running total beside them: summed row by
    # row, every January of the nation had been a gap
    from policytrace.series import read_series

    rows = []
    for province, level in (("Hubei", 100.0), ("Hunan", 50.0)):
        own = pd.Series(level, index=pd.period_range("2019-01", periods=48, freq="M"))
        total = own.groupby(own.index.year).cumsum()
        rows.append(pd.DataFrame({"province": province, "month": own.index.astype(str),
                                  "thermal_gen_current_month": own.where(own.index.month != 1).to_numpy(),
                                  "thermal_gen_cumulative_ytd": total.to_numpy()}))
    pd.concat(rows).to_csv(tmp_path / "nbs.csv", index=False)
    nation = read_series(tmp_path / "nbs.csv", region="全国", value_column="thermal_gen_current_month")
    assert nation.values.isna().sum() == 0 and nation.values.iloc[0] == pytest.approx(150.0), nation.values.head()
    assert nation.meta["filled_from_totals"] == 8 and nation.meta["regions_summed_names"] == ["Hubei", "Hunan"]


def test_zeros_beside_positive_values_are_missing_data(tmp_path):
    # Carbon Monitor writes 0 where it has no estimate (residential emissions of several provinces, for years)
    step = pd.read_csv(monthly_step_csv(tmp_path / "step.csv", n=140, at=70, jump=0.25))
    step.loc[50:69, "value"] = 0
    step.to_csv(tmp_path / "zeros.csv", index=False)
    run = cli("detect", str(tmp_path / "zeros.csv"))
    assert run.returncode == 0 and "20 values of 0 were read as missing" in run.stdout, run.stderr + run.stdout
    detected = json.loads(cli("detect", str(tmp_path / "zeros.csv"), "--json").stdout)
    assert any(note.startswith("20 values of 0 were read as missing") for note in detected["data_notes"]["en"])
    (node,) = nodes = detected["nodes"]
    assert node["direction"] == "up" and 15 < node["change_pct"] < 35 and node["details"]["after_gap"], nodes
    assert node["interval"][0] <= "2014-03" <= node["interval"][1], node   # the gap is 2014-03..2015-10
    # every format of the report says how the series was read
    run = cli("report", "--series", str(tmp_path / "zeros.csv"), "-r", "湖北", "-s", "工业", "--out", str(tmp_path / "r"))
    assert run.returncode == 0, run.stderr
    notes = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))["data_notes"]
    assert len(notes["zh"]) == len(notes["en"]) == 1 and "20 个为 0 的数值按缺测处理" in notes["zh"][0], notes
    for name in ("report.zh.md", "report.html"):
        assert "20 个为 0 的数值按缺测处理" in (tmp_path / "r" / name).read_text(encoding="utf-8"), name
    assert "20 values of 0 were read as missing" in (tmp_path / "r" / "report.en.md").read_text(encoding="utf-8")
    from docx import Document

    paragraphs = [p.text for p in Document(str(tmp_path / "r" / "report.docx")).paragraphs]
    assert any(p.startswith("数据说明：20 个为 0 的数值按缺测处理") for p in paragraphs), paragraphs[:6]


def test_a_change_seen_only_in_the_last_periods_is_flagged_as_resting_on_provisional_values(tmp_path):
    step = pd.read_csv(monthly_step_csv(tmp_path / "step.csv", n=140, at=70, jump=0.25))
    step.loc[137:, "value"] *= 0.5
    step.to_csv(tmp_path / "end.csv", index=False)
    nodes = json.loads(cli("detect", str(tmp_path / "end.csv"), "--json").stdout)["nodes"]
    late = [n for n in nodes if n["index"] >= 137]
    assert late and all(n["details"]["at_end"] == 140 - n["index"] for n in late), nodes
    assert [n for n in nodes if abs(n["index"] - 70) <= 2 and "at_end" not in n["details"]], nodes
    zh, en = report_texts(tmp_path / "end.csv", tmp_path / "r")
    assert "最新数据常为初步值" in zh and "often provisional" in en


def test_missing_last_periods_do_not_count_as_data_seen_after_a_change(tmp_path):
    # NBS's files end in months not yet published: a change three months before the last value, five
    # rows before the end of the file, is still seen only in the latest values
    step = pd.read_csv(monthly_step_csv(tmp_path / "step.csv", n=140, at=70, jump=0.25))
    step.loc[135:, "value"] *= 0.5
    step.loc[138:, "value"] = float("nan")
    step.to_csv(tmp_path / "end.csv", index=False)
    nodes = json.loads(cli("detect", str(tmp_path / "end.csv"), "--json").stdout)["nodes"]
    late = [n for n in nodes if n["index"] >= 135]
    assert late and all(n["details"]["at_end"] == 138 - n["index"] for n in late), nodes


def test_rows_without_a_value_at_either_end_are_outside_the_period(tmp_path):
    # NBS's files run into months not yet published: the report had given them as part of its period
    step = pd.read_csv(monthly_step_csv(tmp_path / "step.csv", n=140, at=70, jump=0.25))
    step.loc[[0, 138, 139], "value"] = float("nan")
    step.to_csv(tmp_path / "ends.csv", index=False)
    series = read_series(tmp_path / "ends.csv")
    assert series.period == (step["date"][1], step["date"][137]) and series.meta["empty_ends"] == 3
    assert series.meta["gaps"] == 0
    run = cli("report", "--series", str(tmp_path / "ends.csv"), "-r", "湖北", "-s", "工业", "--format", "zh",
              "--out", str(tmp_path / "r"))
    assert run.returncode == 0, run.stderr
    assert "文件首尾 3 期无数值，不计入分析周期" in (tmp_path / "r" / "report.zh.md").read_text(encoding="utf-8")


def test_a_bad_option_value_is_a_usage_error_not_a_traceback(tmp_path):
    path = monthly_step_csv(tmp_path / "ok.csv")
    for option in (["--nodes", "abc"], ["--nodes", "0"], ["--short-events", "loose"]):
        run = cli("detect", str(path), *option)
        assert run.returncode == 2 and option[0] in run.stderr, run.stderr
        assert "Traceback" not in run.stderr and run.stdout == ""
    # --nodes 0 had written a report of no node that said none was found
    run = cli("report", "--series", str(path), "-r", "湖北", "-s", "工业", "--nodes", "0", "--out", str(tmp_path / "r"))
    assert run.returncode == 2 and "--nodes" in run.stderr and not (tmp_path / "r").exists(), run.stderr


def test_detect_short_events_option(xinjiang_industry_csv):
    strength = {}
    for mode in ("nominal", "controlled"):
        run = cli("detect", str(xinjiang_industry_csv), "--short-events", mode, "--json")
        assert run.returncode == 0, run.stderr
        march = [n for n in json.loads(run.stdout)["nodes"]
                 if n["details"].get("test") == "outlier" and n["date"].startswith("2020-03")]
        assert march, (mode, run.stdout)
        strength[mode] = march[0]["details"]["strength"]
    # the same month passes both limits; the controlled one (5%, a scale the season cannot shrink) is higher
    assert strength["nominal"] > strength["controlled"]


def test_missing_file_and_unknown_region_exit_2(tmp_path):
    run = cli("detect", str(tmp_path / "nope.csv"))
    assert run.returncode == 2 and "not found" in run.stderr
    path = monthly_step_csv(tmp_path / "ok.csv")
    run = cli("report", "--series", str(path), "--region", "Atlantis", "--sector", "工业", "--out", str(tmp_path / "o"))
    assert run.returncode == 2 and "Atlantis" in run.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("name, content, said", [
    ("fake.xlsx", b"not a zip", "not an Excel workbook, though named as one"),   # had been pandas' "specify an engine"
    # a ZIP that holds no workbook (a .docx, an archive): had been a KeyError('zip') traceback
    ("archive.xlsx", b"zip", "not an Excel workbook, though named as one"),
    # a download cut short: had been "aborted", without the file or the reason
    ("cut.csv.gz", b"gz", "the compressed file is cut short"),
    # had given +inf % nodes and a report.json with Infinity in it
    ("inf.csv", b"date,value\n" + b"".join(b"2020-%02d,%d\n" % (m, 100 + m) for m in range(1, 12)) + b"2020-12,inf\n",
     "row 13, column 'value': value inf is not a finite number"),
    ("huge.csv", b"date,value\n" + b"".join(b"2020-%02d,%d\n" % (m, 100 + m) for m in range(1, 12)) + b"2020-12,1e308\n",
     "value 1e308 is not a finite number"),
    ("one.csv", b"date,value\n2020-01,1\n", "only 1 value;"),                  # had been "only 1 values"
    ("none.csv", b"date,value\n2020-01,\n2020-02,\n", "no values;"),
])
def test_a_file_that_cannot_be_read_says_why_in_plain_words(tmp_path, name, content, said):
    if content == b"zip":
        with zipfile.ZipFile(tmp_path / name, "w") as archive:
            archive.writestr("notes.txt", "not a workbook")
    elif content == b"gz":
        whole = gzip.compress(b"date,value\n" + b"".join(b"2020-%02d,%d\n" % (m, m) for m in range(1, 13)) * 50)
        (tmp_path / name).write_bytes(whole[: len(whole) // 2])
    else:
        (tmp_path / name).write_bytes(content)
    run = cli("detect", str(tmp_path / name))
    assert run.returncode == 2 and said in run.stderr and "Traceback" not in run.stderr, run.stderr
    if name.endswith(".xlsx"):   # the KB's importer says the same
        run = cli("kb", "import", str(tmp_path / name), "--kb", str(tmp_path / "kb.sqlite"))
        assert run.returncode == 2 and said in run.stderr, run.stderr


def test_an_out_folder_that_is_a_file_is_one_line_error(tmp_path):
    # it had been a FileExistsError traceback
    (tmp_path / "taken").write_text("mine", encoding="utf-8")
    path = monthly_step_csv(tmp_path / "ok.csv")
    for out in ("taken", "taken/sub"):
        run = cli("report", "--series", str(path), "-r", "新疆", "-s", "工业", "--out", str(tmp_path / out))
        assert run.returncode == 2 and "Traceback" not in run.stderr and "folder" in run.stderr, run.stderr
    assert (tmp_path / "taken").read_text(encoding="utf-8") == "mine"
    # an empty folder name (-o "$OUT", unset) had put the five files into the current folder
    run = cli("report", "--series", str(path), "-r", "新疆", "-s", "工业", "--out", "", cwd=tmp_path)
    assert run.returncode == 2 and "an empty folder name" in run.stderr, run.stderr
    assert not list(tmp_path.glob("report.*"))


def test_an_unknown_sector_of_a_single_series_is_an_error_and_a_branch_is_not(tmp_path):
    # -s Foo had been taken on trust and titled the report "新疆维吾尔自治区Foo领域…"
    path = monthly_step_csv(tmp_path / "ok.csv")
    run = cli("report", "--series", str(path), "-r", "新疆", "-s", "Foo", "--out", str(tmp_path / "r"))
    assert run.returncode == 2 and "unknown sector 'Foo'" in run.stderr and "工业 (Industry)" in run.stderr, run.stderr
    assert not (tmp_path / "r").exists()
    assert cli("detect", str(path), "-r", "新疆", "-s", "钢铁").returncode == 0


def test_a_folder_in_the_way_of_one_report_file_leaves_no_file_written(tmp_path):
    # the renames had been unguarded: a traceback, three reports written and two temporary files left
    (tmp_path / "r" / "report.docx").mkdir(parents=True)
    path = monthly_step_csv(tmp_path / "ok.csv")
    run = cli("report", "--series", str(path), "-r", "新疆", "-s", "工业", "--out", str(tmp_path / "r"))
    assert run.returncode == 2 and "Traceback" not in run.stderr and "report.docx" in run.stderr, run.stderr
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == ["report.docx"]


def test_demo_writes_report_with_sources(tmp_path):
    run = cli("demo", "--out", str(tmp_path / "r"))
    assert run.returncode == 0, run.stderr
    md = (tmp_path / "r" / "report.zh.md").read_text(encoding="utf-8")
    data = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert md.startswith("新疆维吾尔自治区工业领域碳排放关键政策与重大事件汇编")
    assert "分析周期" in md and f"收录重大政策节点：{len(data['nodes'])}项" in md
    assert md.count("### 关键节点：") == len(data["nodes"]) > 0
    items = [i for n in data["nodes"] for i in n["items"]]
    assert items, "the demo must explain at least one node"
    assert all(i["record"]["sources"][0]["url"].startswith("http") for i in items)
    ids = [i["record"]["id"] for i in items]
    assert len(ids) == len(set(ids)), "a record is listed under two nodes"
    assert str(tmp_path / "r" / "report.zh.md") in run.stdout


def test_kb_import_search_and_report_on_xinjiang(shared, xinjiang_industry_csv, tmp_path):
    kb = tmp_path / "kb.sqlite"
    run = cli("kb", "import", str(shared / CHINA_RECORDS), "--kb", str(kb))
    assert run.returncode == 0, run.stderr
    run = cli("kb", "search", "COVID-19 emergency response", "--kb", str(kb), "--region", "新疆",
              "--from", "2020-01-01", "--to", "2020-04-30", "--json")
    assert run.returncode == 0, run.stderr
    hits = json.loads(run.stdout)
    assert any("Xinjiang" in h["title"] and h["date"].startswith("2020-01-25") for h in hits[:5])
    run = cli("report", "--series", str(xinjiang_industry_csv), "--region", "新疆维吾尔自治区", "--sector", "工业",
              "--kb", str(kb), "--out", str(tmp_path / "out"))
    assert run.returncode == 0, run.stderr
    data = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert data["region"] == "650000" and data["nodes"]
    covid = [n for n in data["nodes"] if n["node"]["date"].startswith("2020-0")]
    assert any("Xinjiang" in i["record"]["title"] for n in covid for i in n["items"])


def test_version():
    run = cli("--version")
    assert run.returncode == 0 and run.stdout.startswith("policytrace ")



def test_a_total_series_may_be_named_in_the_usual_words(tmp_path):
    # Carbon Monitor's provincial monthly totals have no sector: 总量 had been an unknown sector, and every
    # record tagged with a sector scored as unrelated to it
    series = monthly_step_csv(tmp_path / "total.csv", n=96, at=48, jump=0.2)
    for name in ("总量", "全部", "total"):
        run = cli("report", "--series", str(series), "-r", "湖北", "-s", name, "--format", "json", "--out",
                  str(tmp_path / name))
        assert run.returncode == 0, run.stderr
        assert json.loads((tmp_path / name / "report.json").read_text(encoding="utf-8"))["sector"] == "all"
