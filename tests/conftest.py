"""Shared fixtures. Tests that need ../shared skip when it is absent, and fail instead under CI
(`.ci/run` sets POLICYTRACE_REQUIRE_SHARED=1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from policytrace.series import Frequency, Series

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("POLICYTRACE_SHARED", ROOT.parent / "shared"))
CM_DAILY = "data/emissions/carbon_monitor_china_provincial_daily_2019_2022.csv.gz"
CHINA_RECORDS = "data/policies/china_policy_events_merged.csv"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "data").is_dir():
        message = f"shared data not found at {SHARED} (set POLICYTRACE_SHARED)"
        if os.environ.get("POLICYTRACE_REQUIRE_SHARED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return SHARED


@pytest.fixture(scope="session")
def xinjiang_industry_csv(shared: Path, tmp_path_factory) -> Path:
    """Carbon Monitor's Xinjiang industry daily series as a user's two-column CSV."""
    daily = pd.read_csv(shared / CM_DAILY)
    xj = daily[(daily.province == "Xinjiang") & (daily.sector == "Industry")]
    path = tmp_path_factory.mktemp("series") / "xinjiang_industry.csv"
    xj[["date", "co2_mt_per_day"]].rename(columns={"co2_mt_per_day": "value"}).to_csv(path, index=False)
    return path


def monthly_step_csv(path: Path, *, n: int = 140, at: int = 70, jump: float = 0.25, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    values = 100 * (1 + rng.normal(0, 0.03, n))
    values[at:] *= 1 + jump
    dates = [f"{2010 + i // 12}-{i % 12 + 1:02d}" for i in range(n)]
    pd.DataFrame({"date": dates, "value": values.round(3)}).to_csv(path, index=False)
    return path


def year_to_date_csv(path: Path) -> Path:
    """`monthly_step_csv` as NBS publishes it: each month's value and its running total (value_type
    current_month, cumulative_ytd), January only inside the January-February total."""
    step = pd.read_csv(monthly_step_csv(path))
    total = step["value"].groupby(step["date"].str[:4]).cumsum().round(3)
    long = pd.concat([step.assign(value_type="current_month"), step.assign(value_type="cumulative_ytd", value=total)])
    long = long[long["date"].str[5:] != "01"]
    long[["date", "value_type", "value"]].to_csv(path, index=False)
    return path


def cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run the installed command as a user would (`env`: variables set on top of this process's)."""
    return subprocess.run([sys.executable, "-m", "policytrace", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600, env=None if env is None else {**os.environ, **env})


def undated(values) -> Series:
    """`values` as an undated series (positions 0..n-1)."""
    return Series(pd.Series(np.asarray(values, dtype=float)), Frequency.UNDATED)
