"""Statistical downloads as they come: a title line above the header, a region's series across a row."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import cli

from policytrace.errors import InputError
from policytrace.series import Frequency, read_series

YEARS = list(range(2000, 2020))
PROVINCES = ["新疆", "甘肃", "青海"]


def wide_table(heading=str, region_heading="地区") -> pd.DataFrame:
    rng = np.random.default_rng(0)
    rows = [[p, *(100 * (k + 1) + rng.normal(0, 2, 20) + np.r_[np.zeros(10), np.full(10, 20)])]
            for k, p in enumerate(PROVINCES)]
    return pd.DataFrame(rows, columns=[region_heading, *(heading(y) for y in YEARS)])


@pytest.mark.parametrize("heading", [str, lambda y: f"{y}年"], ids=["2000", "2000年"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_yearbook_table_gives_each_region_its_row(tmp_path, heading, suffix):
    table = wide_table(heading)
    path = tmp_path / f"wide{suffix}"
    table.to_csv(path, index=False) if suffix == ".csv" else table.to_excel(path, index=False)
    series = read_series(path, region="甘肃")
    assert series.frequency is Frequency.ANNUAL and len(series) == 20 and series.region == "620000"
    assert np.allclose(series.values.to_numpy(), table.iloc[1, 1:].to_numpy(dtype=float))
    with pytest.raises(InputError, match="several regions"):
        read_series(path)


def test_row_labels_without_a_heading_are_the_regions(tmp_path):
    path = tmp_path / "wide.csv"
    wide_table(region_heading="").to_csv(path, index=False)
    assert read_series(path, region="青海").region == "630000"


def test_a_title_line_above_the_header_is_skipped_and_rows_keep_their_lines(tmp_path):
    table = pd.DataFrame({"日期": [f"2020-{m:02d}" for m in range(1, 13)], "排放量": [float(10 + m) for m in range(12)]})
    path = tmp_path / "titled.csv"
    path.write_text("2020年新疆工业碳排放（万吨）,\n,\n" + table.to_csv(index=False), encoding="utf-8")
    assert read_series(path).values.iloc[0] == 10.0
    path.write_text(path.read_text(encoding="utf-8").replace("2020-07,16.0", "2020-07,abc"), encoding="utf-8")
    run = cli("detect", str(path))
    assert run.returncode != 0 and "row 10, column '排放量'" in run.stderr, run.stderr   # the file's line 10

    xlsx = tmp_path / "titled.xlsx"
    with pd.ExcelWriter(xlsx) as writer:
        pd.DataFrame([["2020年新疆工业碳排放（万吨）"]]).to_excel(writer, index=False, header=False)
        table.to_excel(writer, index=False, startrow=1)
    assert read_series(xlsx).values.iloc[-1] == 21.0


@pytest.mark.parametrize("region_heading", ["地区", ""])
def test_a_yearbook_table_is_a_panel_of_its_regions(tmp_path, region_heading):
    from policytrace.attribute.panel import read_panel

    path = tmp_path / "wide.csv"
    wide_table(region_heading=region_heading).to_csv(path, index=False)
    members = read_panel(path)
    assert sorted(members) == ["620000/all", "630000/all", "650000/all"]
    assert all(m.frequency is Frequency.ANNUAL and len(m) == 20 for m in members.values())


def test_a_header_with_one_named_column_is_not_a_title(tmp_path):
    # 'date,' names one column: a header, not a title line; nor is a spreadsheet's unnamed index column
    from pathlib import Path

    from policytrace.series.table import load_table

    path = tmp_path / "one.csv"
    path.write_text("date,\n2020-01,5\n2020-02,6\n", encoding="utf-8")
    assert list(load_table(Path(path)).columns)[0] == "date"
    xlsx = tmp_path / "index.xlsx"
    pd.DataFrame({"value": [1.0, 2.0, 3.0]}).to_excel(xlsx)
    assert list(load_table(Path(xlsx)).columns) == ["Unnamed: 0", "value"]


def test_a_yearbooks_marks_for_missing_values_are_gaps(tmp_path):
    # NBS writes … for "not available" and — for "not applicable"; any other text is still an error
    table = wide_table().astype(object)
    table.iloc[1, 3], table.iloc[1, 7] = "…", "—"
    path = tmp_path / "marks.csv"
    table.to_csv(path, index=False)
    series = read_series(path, region="甘肃")
    assert series.meta["gaps"] == 2 and series.values.isna().sum() == 2
    table.iloc[1, 5] = "n.a"
    table.to_csv(path, index=False)
    with pytest.raises(InputError, match="'n.a' is not a number"):
        read_series(path, region="甘肃")


@pytest.mark.parametrize("asked", ["钢铁", "黑色金属冶炼和压延加工业", "iron and steel"])
def test_a_branch_finds_the_rows_a_table_names_by_its_classification(tmp_path, asked):
    # CEADs names the branch "Smelting and Pressing of Ferrous Metals"; 钢铁 had found no rows
    rows = [f"{year},Hebei,{sector},Industry,{value}"
            for year in range(2000, 2012)
            for sector, value in (("Smelting and Pressing of Ferrous Metals", 40 + year - 2000),
                                  ("Smelting and Pressing of Nonferrous Metals", 5), ("Total", 300))]
    path = tmp_path / "ceads.csv"
    path.write_text("year,province,sector,sector_group,scope_1_total\n" + "\n".join(rows) + "\n", encoding="utf-8")
    series = read_series(path, region="河北", sector=asked, value_column="scope_1_total")
    assert series.values.tolist() == [float(40 + k) for k in range(12)] and series.sector == asked


def test_a_workbook_whose_first_sheet_is_notes_is_read_from_its_data_sheet(tmp_path):
    path = tmp_path / "book.xlsx"
    months = pd.date_range("2015-01-01", periods=48, freq="MS").strftime("%Y-%m")
    data = pd.DataFrame({"日期": months, "排放量": np.r_[np.full(24, 100.0), np.full(24, 130.0)].astype(object)})
    data.loc[30, "排放量"] = "abc"
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"说明": ["单位：万吨", "来源：统计局"]}).to_excel(book, sheet_name="说明", index=False)
        data.to_excel(book, sheet_name="数据", index=False)
    with pytest.raises(InputError) as err:   # an error names the sheet, and the row within it
        read_series(path)
    assert "(sheet 数据)" in str(err.value) and "row 32" in str(err.value), str(err.value)
    data.loc[30, "排放量"] = 130.0
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"说明": ["单位：万吨"]}).to_excel(book, sheet_name="说明", index=False)
        data.to_excel(book, sheet_name="数据", index=False)
    series = read_series(path)
    assert series.frequency is Frequency.MONTHLY and len(series) == 48 and series.values.iloc[-1] == 130.0


def sheets_of_levels(path, levels: dict[str, float]):
    """A workbook of one 48-month sheet per name, each at its constant level."""
    months = pd.date_range("2015-01-01", periods=48, freq="MS").strftime("%Y-%m")
    with pd.ExcelWriter(path) as book:
        for name, level in levels.items():
            pd.DataFrame({"日期": months, "排放量": np.full(48, level)}).to_excel(book, sheet_name=name, index=False)
    return path


def test_a_workbook_of_a_sheet_per_province_is_read_from_the_sheet_the_region_names(tmp_path):
    path = sheets_of_levels(tmp_path / "provinces.xlsx", {"新疆": 100.0, "广东": 300.0})
    series = read_series(path, region="广东省")
    assert series.values.iloc[0] == 300.0 and series.region == "440000" and "(sheet 广东)" in series.source
    assert read_series(path).values.iloc[0] == 100.0   # no region named: the first sheet with dates
    run = cli("detect", str(path), "-r", "Guangdong")
    assert run.returncode == 0 and "(sheet 广东)" in run.stdout, run.stdout + run.stderr
    # a region without a sheet of its own is not read from another's
    with pytest.raises(InputError, match="has sheets for 新疆, 广东, not 湖北省") as err:
        read_series(path, region="湖北")
    assert str(path) in str(err.value)


def test_a_workbook_of_a_sheet_per_sector_is_read_from_the_sheet_the_sector_names(tmp_path):
    # -s 电力 had read the first sheet, 工业, as power without a word
    path = sheets_of_levels(tmp_path / "sectors.xlsx", {"工业": 100.0, "电力": 300.0})
    series = read_series(path, region="新疆", sector="Power")
    assert series.values.iloc[0] == 300.0 and "(sheet 电力)" in series.source
    with pytest.raises(InputError, match="has sheets for 工业, 电力, not 居民"):
        read_series(path, sector="居民")


@pytest.mark.parametrize("heading, years", [(lambda m: f"{m}月", "年份"), (lambda m: f"{m}月", ""),
                                           (lambda m: pd.Timestamp(2000, m, 1).strftime("%b"), "year"),
                                           (lambda m: "一二三四五六七八九"[m - 1] + "月" if m < 10 else
                                            "十" + "一二"[m - 11:m - 10] + "月", "年份")],
                         ids=["1月", "1月, row labels without a heading", "Jan", "一月"])
def test_a_yearbooks_grid_of_years_by_months_is_read_month_by_month(tmp_path, heading, years):
    values = np.arange(60, dtype=float).reshape(5, 12) + 100
    grid = pd.DataFrame(values, columns=[heading(m) for m in range(1, 13)]).astype(object)
    grid.insert(0, years, [f"{y}年" if years == "年份" else str(y) for y in range(2015, 2020)])
    grid.iloc[1, 3] = "…"   # 2016-03 not available
    grid.to_csv(tmp_path / "grid.csv", index=False)
    series = read_series(tmp_path / "grid.csv")
    assert series.frequency is Frequency.MONTHLY and len(series) == 60 and series.meta["gaps"] == 1
    assert series.values.index[0] == pd.Timestamp("2015-01-01") and series.values.iloc[-1] == 159.0
    assert np.isnan(series.values["2016-03-01"]) and series.values["2016-04-01"] == 115.0
    grid.iloc[2, 5] = "abc"
    grid.to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(InputError) as err:   # the year's line in the file
        read_series(tmp_path / "bad.csv")
    assert "row 4" in str(err.value) and "abc" in str(err.value), str(err.value)


@pytest.mark.parametrize("running", [False, True], ids=["1-2月 together", "1-2月, 1-3月 … running"])
def test_months_published_together_are_split_and_running_spans_are_totals(tmp_path, running):
    # NBS's releases write January and February as one (2020年1-2月); year-to-date tables label every total
    # by its span (1-3月 … 1-12月)
    months = pd.date_range("2015-01-01", periods=60, freq="MS")
    own = pd.Series(100 + np.arange(60, dtype=float), index=months)
    rows = []
    for year in range(2015, 2020):
        part = own[str(year)]
        total = part.cumsum() if running else part
        rows.append((f"{year}年1-2月", total.iloc[1] if running else part.iloc[:2].sum()))
        rows += [(f"{year}年1-{m}月" if running else f"{year}年{m}月", total.iloc[m - 1]) for m in range(3, 13)]
    pd.DataFrame(rows, columns=["时间", "发电量"]).to_csv(tmp_path / "spans.csv", index=False)
    series = read_series(tmp_path / "spans.csv")
    assert series.frequency is Frequency.MONTHLY and len(series) == 60 and series.meta["gaps"] == 0
    assert series.meta["year_to_date_split" if running else "spans_split"] == 5
    january_and_february = (own.iloc[0] + own.iloc[1]) / 2
    assert series.values.iloc[0] == series.values.iloc[1] == january_and_february
    assert np.allclose(series.values[own.index.month > 2], own[own.index.month > 2])
    (tmp_path / "bad.csv").write_text("时间,发电量\n2015年3-2月,5\n" + "".join(f"2015年{m}月,5\n" for m in range(3, 13)),
                                      encoding="utf-8")
    with pytest.raises(InputError, match="2015年3-2月"):
        read_series(tmp_path / "bad.csv")


@pytest.mark.parametrize("units", [",万吨CO2", "单位：万吨,", "单位,万吨"])
def test_a_units_line_under_the_header_and_notes_under_the_table_are_not_data(tmp_path, units):
    # statistical tables carry both; each had stopped the read ("value '万吨CO2' is not a number")
    rows = "".join(f"2015-{m:02d},{100 + 30 * (m > 6)}\n" for m in range(1, 13))
    path = tmp_path / "t.csv"
    path.write_text(f"新疆工业碳排放（月度）\n月份,排放量\n{units}\n{rows}注：2015年为初步核算数,\n资料来源：某统计年鉴,\n",
                    encoding="utf-8")
    series = read_series(path)
    assert len(series) == 12 and series.meta["gaps"] == 0 and "万吨" in series.unit
    # a bad cell is still named by its line in the file (title 1, header 2, units 3, data from 4)
    path.write_text(f"新疆工业碳排放（月度）\n月份,排放量\n{units}\n{rows.replace('2015-05,100', '2015-05,x')}",
                    encoding="utf-8")
    with pytest.raises(InputError, match="'x' is not a number") as err:
        read_series(path)
    assert err.value.row == 8
    # a first row of data with a unit in it is data, not a units line
    path.write_text("date,value\n2015-01,5%\n" + rows, encoding="utf-8")
    with pytest.raises(InputError, match="'5%' is not a number"):
        read_series(path)


@pytest.mark.parametrize("total", ["合计,1560", "总计,1560", "Total,1560"])
def test_a_total_row_under_the_table_is_not_a_period(tmp_path, total):
    # it had stopped the read: "cannot read '合计' as a date"
    rows = "".join(f"2015-{m:02d},{100 + 30 * (m > 6)}\n" for m in range(1, 13))
    path = tmp_path / "t.csv"
    path.write_text(f"月份,排放量\n{rows}{total}\n", encoding="utf-8")
    series = read_series(path)
    assert len(series) == 12 and series.values.iloc[-1] == 130
    # inside the table it is still an error that names its line
    path.write_text(f"月份,排放量\n{total}\n{rows}", encoding="utf-8")
    with pytest.raises(InputError, match="as a date") as err:
        read_series(path)
    assert err.value.row == 2
    # a long file whose first column is a sector keeps its rows of Total
    long = "".join(f"{sector},2015-{m:02d},{100 + m}\n" for sector in ("Industry", "Total") for m in range(1, 13))
    path.write_text("sector,date,value\n" + long, encoding="utf-8")
    assert len(read_series(path, sector="Total")) == 12


def test_what_was_never_estimated_is_dropped_as_the_reader_drops_it():
    # the Python API's way to a series as `read_series` reads it: Carbon Monitor's zeros beside positive values
    # are gaps, its leading zeros outside the period (a sweep building series by hand had found a +13,053 % trend)
    from policytrace.series import Frequency, drop_unestimated

    values = pd.Series([0.0, 0.0, 1.0, 0.0, 2.0, 3.0, 0.0], index=pd.date_range("2022-01-01", periods=7))
    kept, meta = drop_unestimated(values, Frequency.DAILY)
    assert kept.index[0] == pd.Timestamp("2022-01-03") and kept.index[-1] == pd.Timestamp("2022-01-06")
    assert kept.isna().sum() == 1 and meta == {"empty_ends": 3, "zeros_as_gaps": 1}
    # an undated series may count zeros; a series of zeros alone has nothing to set them beside
    assert drop_unestimated(pd.Series([0.0, 1.0, 0.0]), Frequency.UNDATED)[0].tolist() == [0.0, 1.0, 0.0]
    assert drop_unestimated(pd.Series([0.0, 0.0], index=values.index[:2]), Frequency.DAILY)[1] == {}
