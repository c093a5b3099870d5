"""Synthetic holdout: node F1 (±1 period), kind accuracy, ECE and false detections on no-change series.

    python bench/detect_synthetic.py [--series 300] [--null 300] [--daily-null 100] [--daily 100]
                                     [--undated 200] [--native-daily-null 100] [--native-daily 100]

Held-out seeds (50_000+ for changes, 2_000_000+ for no-change series) never used by
`bench/detect_calibrate.py`. Monthly series of 14 years with 0–3 changes (the issue's setting).
Baselines in the same run: ruptures PELT (l2, penalty 3·ln n, z-scored) and BEAST (Rbeast, if installed).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _detect_common import (beast_baseline, match_nodes, node_points, pelt_baseline,  # noqa: E402
                            working_index)

from policytrace.detect import Detector  # noqa: E402
from policytrace.detect.calibrate import expected_calibration_error  # noqa: E402
from policytrace.detect.synth import (make_native_daily, make_native_daily_changes, make_null,  # noqa: E402
                                     make_series, make_undated)

HOLDOUT_SEED, NULL_SEED, DAILY_NULL_SEED, DAILY_SEED = 50_000, 2_000_000, 3_000_000, 4_000_000
UNDATED_SEED, NATIVE_DAILY_NULL_SEED, NATIVE_DAILY_SEED = 5_000_000, 9_000_000, 26_000_000
SHORT_EVENTS = ("nominal", "controlled")


def point_f1(predicted: list[int], truth: list[int], tolerance: int = 1) -> tuple[int, int, int]:
    """True positives, predictions, truths: each truth matched at most once within ± tolerance."""
    left = sorted(truth)
    tp = 0
    for p in sorted(predicted):
        near = [t for t in left if abs(t - p) <= tolerance]
        if near:
            left.remove(min(near, key=lambda t: abs(t - p)))
            tp += 1
    return tp, len(predicted), len(truth)


def f1_score(tp: float, predicted: float, true: float) -> tuple[float, float, float]:
    """F1, precision and recall from counts of true positives, predictions and true changes."""
    precision, recall = tp / max(predicted, 1), tp / max(true, 1)
    return 2 * precision * recall / max(precision + recall, 1e-12), precision, recall


def bootstrap_f1(rows: np.ndarray, draws: int = 2000, seed: int = 0) -> tuple[float, float]:
    """95% interval of the pooled F1 when the series are resampled: rows are per-series
    (true positives, predictions, truths). With 300 series it is about ±0.02 wide, so a goal a hair
    above or below the point figure is not settled by it."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(rows), size=(draws, len(rows)))
    totals = rows[picks].sum(axis=1)
    f1 = np.array([f1_score(*t)[0] for t in totals])
    return float(np.quantile(f1, 0.025)), float(np.quantile(f1, 0.975))


def truth_points(sample) -> list[int]:
    points = []
    for t in sample.truth:
        points.append(t.index)
        if t.kind == "event" and t.end is not None:
            points.append(t.end)
    return points


def point_counts(det: Detector, sample, tolerance: int = 1) -> tuple[int, int, int]:
    """`point_f1` over change points in working periods: every node's start and a shock node's end step
    against every true start and shock end. Counting nodes instead (one found truth per node) had credited a
    shock node with its start only, though its end found the shock's end too."""
    starts = list(det.working_.starts)
    return point_f1([working_index(starts, p) for p in node_points(det.nodes_)],
                    [working_index(starts, p) for p in truth_points(sample)], tolerance=tolerance)


def truth_label(truth) -> str:
    """The generator's kind of a true change, a shock (an event with an end) told apart."""
    return "shock" if truth.kind == "event" and truth.end is not None else truth.kind


def count_found(tally: dict[str, np.ndarray], sample, matches) -> None:
    """Add each true change of `sample` to `tally[kind]` as (found at either end, total)."""
    found = {id(truth) for _, truth, _ in matches if truth is not None}
    for truth in sample.truth:
        tally.setdefault(truth_label(truth), np.zeros(2))[:] += (id(truth) in found, 1)


def recall_line(tally: dict[str, np.ndarray]) -> str:
    return ", ".join(f"{kind} {found / total:.2f} ({int(found)}/{int(total)})"
                     for kind, (found, total) in sorted(tally.items()))


def native_daily_line(count: int) -> str:
    """F1 and ECE on genuinely daily series with 1-3 changes, read week by week: nodes matched within ±1 week
    (the confidence's sense of real) and within ±4 weeks (as a month of monthly data); PELT's change points
    on the daily values counted in the same weeks."""
    ours = {1: np.zeros(3), 4: np.zeros(3)}
    pelt = np.zeros(3)
    confidence, real = [], []
    held = []   # the true start day inside the date interval of a node within ±4 weeks of it
    for i in range(count):
        sample = make_native_daily_changes(NATIVE_DAILY_SEED + i, n_changes=1 + i % 3)
        det = Detector().fit(sample.series)
        for tolerance, tally in ours.items():
            tally += point_counts(det, sample, tolerance)
        for node, truth, at_start in match_nodes(det, sample, tolerance=4):
            if truth is not None and at_start:
                held.append(node.interval_index[0] <= truth.index <= node.interval_index[1])
        matches = match_nodes(det, sample, tolerance=1)
        confidence += [node.confidence for node, _, _ in matches]
        real += [truth is not None for _, truth, _ in matches]
        starts = list(det.working_.starts)
        weeks = [working_index(starts, p) for p in pelt_baseline(sample.series.array)]
        pelt += point_f1(weeks, [working_index(starts, p) for p in truth_points(sample)], tolerance=4)
    (f1, precision, recall), wide = f1_score(*ours[1]), f1_score(*ours[4])[0]
    ece = expected_calibration_error(np.array(confidence), np.array(real, float))
    return (f"genuinely daily series with 1-3 changes ({count}, 2-6 years, read week by week, seeds "
            f"{NATIVE_DAILY_SEED}+): F1±1 week {f1:.3f} (precision {precision:.3f}, recall {recall:.3f}), "
            f"F1±4 weeks {wide:.3f}, ECE {ece:.3f} over {len(confidence)} nodes, date intervals holding the true day "
            f"{np.mean(held):.3f} of {len(held)}; PELT on the daily values "
            f"F1±4 weeks {f1_score(*pelt)[0]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=300)
    parser.add_argument("--null", type=int, default=300)
    parser.add_argument("--daily-null", type=int, default=100,
                        help="no-change daily series spread from monthly totals (4-7 years), as Carbon Monitor China")
    parser.add_argument("--undated", type=int, default=200,
                        help="undated series of 40-800 points with 0-3 changes (make_undated): F1 and ECE")
    parser.add_argument("--daily", type=int, default=100,
                        help="daily series spread from monthly totals with 1-3 changes (4-7 years)")
    parser.add_argument("--native-daily-null", type=int, default=100,
                        help="no-change genuinely daily series (2-6 years, make_native_daily), read week by week")
    parser.add_argument("--native-daily", type=int, default=100,
                        help="genuinely daily series with 1-3 changes (2-6 years, make_native_daily_changes)")
    args = parser.parse_args()

    counts = {m: np.zeros(3) for m in ("policytrace", "pelt_l2_3logn", "beast")}
    kinds_right = kinds_total = 0
    confidence, real = [], []
    monthly_found: dict[str, np.ndarray] = {}
    daily_found: dict[str, np.ndarray] = {}
    seconds = {m: 0.0 for m in counts}
    per_series = []   # policytrace's (tp, predicted, true) per series, for the interval
    interval_held: dict[str, list[bool]] = {}   # by node kind: the true start inside the node's date interval
    for i in range(args.series):
        sample = make_series(HOLDOUT_SEED + i)
        started = time.perf_counter()
        det = Detector().fit(sample.series)
        seconds["policytrace"] += time.perf_counter() - started
        matches = match_nodes(det, sample)
        for node, truth, at_start in matches:
            confidence.append(node.confidence)
            real.append(truth is not None)
            if truth is not None and at_start:
                kinds_total += 1
                kinds_right += node.kind.value == truth.kind
        count_found(monthly_found, sample, matches)
        for node, truth, at_start in match_nodes(det, sample, tolerance=6):
            if truth is not None and at_start:   # does the node's date interval hold the true start?
                lo, hi = node.interval_index
                interval_held.setdefault(node.kind.value, []).append(lo <= truth.index <= hi)
        per_series.append(point_counts(det, sample))
        counts["policytrace"] += per_series[-1]
        for name, run in (("pelt_l2_3logn", pelt_baseline), ("beast", beast_baseline)):
            started = time.perf_counter()
            cps = run(sample.series.array)
            seconds[name] += time.perf_counter() - started
            if cps is None:
                counts[name][:] = np.nan
            else:
                counts[name] += point_f1(cps, truth_points(sample))

    fired = {m: 0 for m in counts}
    for i in range(args.null):
        series = make_null(NULL_SEED + i)
        fired["policytrace"] += bool(Detector().fit(series).nodes_)
        fired["pelt_l2_3logn"] += bool(pelt_baseline(series.array))
        cps = beast_baseline(series.array)
        fired["beast"] = np.nan if cps is None else fired["beast"] + bool(cps)

    daily_fired = {"pelt_l2_3logn": 0, **{f"short_events={m}": 0 for m in SHORT_EVENTS}}
    for i in range(args.daily_null):
        series = make_series(DAILY_NULL_SEED + i, years=4 + i % 4, n_changes=0, daily=True).series
        daily_fired["pelt_l2_3logn"] += bool(pelt_baseline(series.array))
        for mode in SHORT_EVENTS:
            daily_fired[f"short_events={mode}"] += bool(Detector(short_events=mode).fit(series).nodes_)
    default_mode = Detector().short_events
    daily_fired["policytrace"] = daily_fired[f"short_events={default_mode}"]   # the default's run
    native_fired = {"policytrace": 0, "pelt_l2_3logn": 0}
    for i in range(args.native_daily_null):
        series = make_native_daily(NATIVE_DAILY_NULL_SEED + i)
        native_fired["policytrace"] += bool(Detector().fit(series).nodes_)
        native_fired["pelt_l2_3logn"] += bool(pelt_baseline(series.array))
    # the other side of that trade: daily series with 1-3 changes, nodes matched within ±1 month
    daily_counts = {mode: np.zeros(3) for mode in SHORT_EVENTS}
    daily_confidence = {mode: ([], []) for mode in SHORT_EVENTS}   # (confidence, real) of each node
    for i in range(args.daily):
        sample = make_series(DAILY_SEED + i, years=4 + i % 4, n_changes=1 + i % 3, daily=True)
        for mode in SHORT_EVENTS:
            det = Detector(short_events=mode).fit(sample.series)
            matches = match_nodes(det, sample)
            daily_confidence[mode][0].extend(node.confidence for node, _, _ in matches)
            daily_confidence[mode][1].extend(truth is not None for _, truth, _ in matches)
            daily_counts[mode] += point_counts(det, sample)
            if mode == default_mode:
                count_found(daily_found, sample, matches)

    undated_rows, undated_confidence, undated_real = [], [], []
    for i in range(args.undated):
        sample = make_undated(UNDATED_SEED + i)
        det = Detector().fit(sample.series)
        matches = match_nodes(det, sample)
        undated_confidence += [node.confidence for node, _, _ in matches]
        undated_real += [truth is not None for _, truth, _ in matches]
        undated_rows.append(point_counts(det, sample))

    print(f"synthetic holdout: {args.series} monthly series of 14 years with 0-3 changes "
          f"(seeds {HOLDOUT_SEED}+); {args.null} no-change series (seeds {NULL_SEED}+)")
    print(f"{'method':16s} {'F1±1':>6s} {'prec':>6s} {'recall':>6s} {'false-det':>9s} {'seconds':>8s}")
    f1s = {}
    for m, (tp, npred, ntrue) in counts.items():
        if np.isnan(tp):
            print(f"{m:16s} not run (package not installed)")
            continue
        f1s[m], precision, recall = f1_score(tp, npred, ntrue)
        print(f"{m:16s} {f1s[m]:6.3f} {precision:6.3f} {recall:6.3f} {fired[m] / max(args.null, 1):9.3f} {seconds[m]:8.2f}")
    if per_series:
        low, high = bootstrap_f1(np.array(per_series, float))
        print(f"policytrace F1 95% interval over series (bootstrap): {low:.3f}-{high:.3f}")
        print(f"  true changes found (±1), by the generator's kind: {recall_line(monthly_found)}")
        held = ", ".join(f"{k} {np.mean(v):.3f} ({len(v)})" for k, v in sorted(interval_held.items()))
        every = [h for v in interval_held.values() for h in v]
        print(f"  date intervals holding the true start (nodes within ±6 of one): {held}; all "
              f"{np.mean(every):.3f}")
    if args.native_daily_null:
        rates = {m: v / args.native_daily_null for m, v in native_fired.items()}
        print(f"no-change genuinely daily series ({args.native_daily_null}, 2-6 years, read week by week, seeds "
              f"{NATIVE_DAILY_NULL_SEED}+) with a node: policytrace {rates['policytrace']:.3f}, PELT on the daily "
              f"values {rates['pelt_l2_3logn']:.3f}; goal <= 0.05 {'met' if rates['policytrace'] <= 0.05 else 'NOT met'}")
    if args.native_daily:
        print(native_daily_line(args.native_daily))
    if args.daily_null:
        rates = {m: v / args.daily_null for m, v in daily_fired.items()}
        print(f"no-change daily series spread from monthly totals ({args.daily_null}, 4-7 years, seeds "
              f"{DAILY_NULL_SEED}+) with a node: policytrace {rates['policytrace']:.3f}, "
              f"PELT on the daily values {rates['pelt_l2_3logn']:.3f}; goal <= 0.05 "
              f"{'met' if rates['policytrace'] <= 0.05 else 'NOT met'}")
        for mode in SHORT_EVENTS:
            line = f"  Detector(short_events={mode!r}): no-change {rates[f'short_events={mode}']:.3f}"
            if args.daily:
                f1, precision, recall = f1_score(*daily_counts[mode])
                conf, real_ = (np.array(v, float) for v in daily_confidence[mode])
                line += (f"; {args.daily} daily series with 1-3 changes (seeds {DAILY_SEED}+): F1±1 month "
                         f"{f1:.3f} (precision {precision:.3f}, recall {recall:.3f}); ECE "
                         f"{expected_calibration_error(conf, real_):.3f} over {len(conf)} nodes")
            print(line)
        if daily_found:
            print(f"  daily series, true changes found (±1 month) by the default, by kind: {recall_line(daily_found)}")
    if args.undated:
        f1, precision, recall = f1_score(*np.sum(undated_rows, axis=0))
        low, high = bootstrap_f1(np.array(undated_rows, float))
        undated_ece = expected_calibration_error(np.array(undated_confidence), np.array(undated_real, float))
        print(f"undated series of 40-800 points ({args.undated}, seeds {UNDATED_SEED}+): F1±1 {f1:.3f} "
              f"({low:.3f}-{high:.3f}; precision {precision:.3f}, recall {recall:.3f}); ECE {undated_ece:.3f} "
              f"over {len(undated_confidence)} nodes")
    ece = expected_calibration_error(np.array(confidence), np.array(real, float))
    kind_acc = kinds_right / max(kinds_total, 1)
    print(f"policytrace kind accuracy {kind_acc:.3f} ({kinds_right}/{kinds_total} matched nodes); "
          f"ECE {ece:.3f} over {len(confidence)} nodes (10 bins)")
    print(f"ratio F1 to PELT baseline {f1s['policytrace'] / f1s['pelt_l2_3logn']:.3f}x; goals F1 >= 0.90 "
          f"{'met' if f1s['policytrace'] >= 0.9 else 'NOT met'}, kind >= 0.85 {'met' if kind_acc >= 0.85 else 'NOT met'}, "
          f"ECE <= 0.05 {'met' if ece <= 0.05 else 'NOT met'}, false-det <= 0.05 "
          f"{'met' if fired['policytrace'] / max(args.null, 1) <= 0.05 else 'NOT met'}")


if __name__ == "__main__":
    main()
