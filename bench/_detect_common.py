"""Helpers shared by the detection benchmarks: matching nodes to true changes, TCPD metrics."""

from __future__ import annotations

import bisect

from policytrace.detect import Detector, Node
from policytrace.detect.synth import Synthetic, Truth


def truth_positions(sample: Synthetic, det: Detector) -> list[tuple[int, Truth, bool]]:
    """(working index, truth, is_start) for every true change start and every shock end."""
    starts = list(det.working_.starts)
    out = []
    for tr in sample.truth:
        out.append((working_index(starts, tr.index), tr, True))
        if tr.end is not None and tr.kind == "event" and tr.end < sample.series.values.size:
            out.append((working_index(starts, tr.end), tr, False))
    return out


def working_index(starts: list[int], index: int) -> int:
    """The working period (by its first indices `starts`) that holds the original index."""
    return bisect.bisect_right(starts, index) - 1


def node_points(nodes) -> list[int]:
    """Every node's start and an event's end step, as the synthetic truths count them (`truth_points`)."""
    points = []
    for node in nodes:
        points.append(node.index)
        if node.ends_in_step and node.kind.value == "event":
            points.append(node.index + node.duration)
    return points


def match_nodes(det: Detector, sample: Synthetic, tolerance: int = 1, by: str = "confidence"
                ) -> list[tuple[Node, Truth | None, bool]]:
    """Each node with the true change it finds (within ± tolerance working periods), greedily by distance.

    Nodes claim truths in order of `by`, highest first: "confidence", or "strength" (the evidence, which
    does not depend on the confidence maps: calibration labels its training nodes so, or the maps it
    starts from would decide which of two nodes near one truth is the real one). A shock node also claims
    the shock's end. Returns (node, truth or None, matched at the start).
    """
    truths = truth_positions(sample, det)
    free = set(range(len(truths)))
    out = []
    rank = (lambda nd: nd.confidence) if by == "confidence" else (lambda nd: nd.details["strength"])
    for node in sorted(det.nodes_, key=lambda nd: -rank(nd)):
        at = node.details["working_index"]
        best = min((abs(truths[j][0] - at), j) for j in free) if free else None
        if best is not None and best[0] <= tolerance:
            j = best[1]
            free.discard(j)
            out.append((node, truths[j][1], truths[j][2]))
            if node.ends_in_step and truths[j][1].end is not None:
                free -= {k for k in free if truths[k][1] is truths[j][1]}
        else:
            out.append((node, None, False))
    return out


# --- TCPD metrics, as TCPDBench scores them (van den Burg & Williams 2020, `metrics.py`) -----------
# F1: every annotator's set and the prediction set include 0; precision counts predictions matched
# (within the margin, each used once) against the union of annotations; recall is averaged over
# annotators. Cover: Arbelaez et al. (2010) eq. 8, the covering of each annotator's partition by the
# predicted one, averaged over annotators.

def _true_positives(truth: set[int], predicted: set[int], margin: int) -> set[int]:
    left = set(predicted)
    found = set()
    for tau in sorted(truth):
        close = sorted((abs(tau - x), x) for x in left if abs(tau - x) <= margin)
        if close:
            found.add(tau)
            left.remove(close[0][1])
    return found


def f_measure(annotations: dict[str, list[int]], predictions: list[int], margin: int = 5) -> float:
    per_annotator = [set(cps) | {0} for cps in annotations.values()]
    predicted = set(predictions) | {0}
    union = set().union(*per_annotator)
    precision = len(_true_positives(union, predicted, margin)) / len(predicted)
    recall = sum(len(_true_positives(a, predicted, margin)) / len(a) for a in per_annotator) / len(per_annotator)
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def _partition(cps: list[int], n: int) -> list[set[int]]:
    bounds = [0, *sorted(c for c in set(cps) if 0 < c < n), n]
    return [set(range(a, b)) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def covering(annotations: dict[str, list[int]], predictions: list[int], n: int) -> float:
    predicted = _partition(predictions, n)
    scores = []
    for cps in annotations.values():
        truth = _partition(cps, n)
        total = sum(len(r) * max(len(r & p) / len(r | p) for p in predicted) for r in truth)
        scores.append(total / n)
    return sum(scores) / len(scores)


def node_change_points(nodes) -> list[int]:
    """Regime boundaries of typed nodes: each start, and a shock's end step (outliers are not regimes; a
    gradual recovery's end is where a line gets back, no boundary)."""
    cps = set()
    for node in nodes:
        if node.kind.value == "outlier":
            continue
        cps.add(node.index)
        if node.ends_in_step:
            cps.add(node.index + node.duration)
    return sorted(cps)


def pelt_baseline(values, jump: int = 5):
    """ruptures PELT, l2 cost, penalty 3·ln n on the z-scored series (the issue's baseline)."""
    import numpy as np
    import ruptures as rpt

    y = np.asarray(values, float)
    y = (y - y.mean()) / (y.std() or 1.0)
    bkps = rpt.Pelt(model="l2", jump=jump).fit(y.reshape(-1, 1)).predict(pen=3 * np.log(len(y)))
    return [b for b in bkps if b < len(y)]


def beast_baseline(values):
    """BEAST (Rbeast), default priors, no season; change points with probability >= 0.5. None if absent."""
    try:
        import Rbeast
    except ImportError:
        return None
    import numpy as np

    out = Rbeast.beast(np.asarray(values, float), season="none", quiet=1, print_progress=0,
                       print_param=0, print_options=0)
    cps, probs = np.atleast_1d(out.trend.cp), np.atleast_1d(out.trend.cpPr)
    return sorted({int(c) - 1 for c, p in zip(cps, probs) if np.isfinite(c) and p >= 0.5})
