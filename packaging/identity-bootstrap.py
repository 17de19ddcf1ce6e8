#!/usr/bin/env python3
"""Exploratory check of `psr bench report`'s paired intervals against shared identities.

The report bootstraps items as if independent. A suite's items reuse its identities (heldout-700:
4,900 items over 124 held-out identities), so an effect specific to some identities makes the
item intervals too narrow. This reweights identities instead (Owen's product-weight bootstrap for
crossed factors: every identity draws an Exp(1) weight each round, an item weighs the product of
its identities' weights) and prints both intervals of the paired A - B mean per subset and metric.
Product weights over 3-4 identities are heavy-tailed, so on Three and Four this errs wide.

usage: packaging/identity-bootstrap.py WORKSPACE SUITE A B [ROUNDS] [SEED]
Reads WORKSPACE/studio.db read-only; the labels' first seed replicate is used.
"""
import json
import random
import sqlite3
import sys


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    ws, suite, a_label, b_label = sys.argv[1:5]
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 500
    rng = random.Random(int(sys.argv[6]) if len(sys.argv) > 6 else 7)
    db = sqlite3.connect(f"file:{ws}/studio.db?mode=ro", uri=True)
    row = db.execute("SELECT id FROM bench_suites WHERE name = ?", (suite,)).fetchone()
    if row is None:
        sys.exit(f"no suite '{suite}' in {ws}")
    identities = {s: [c["key"] for c in json.loads(cats)]
                  for s, cats in db.execute("SELECT sample_id, categories FROM bench_items WHERE suite_id = ?", row)}

    def values(label, subset, metric):
        q = ("SELECT v.sample_id, v.value FROM bench_results v JOIN bench_runs r ON r.id = v.run_id "
             "WHERE r.suite = ? AND r.label = ? AND v.subset = ? AND v.metric = ? "
             "AND r.seed = (SELECT min(seed) FROM bench_runs WHERE suite = ? AND label = ?)")
        return dict(db.execute(q, (suite, label, subset, metric, suite, label)).fetchall())

    def interval(draws):
        draws = sorted(draws)
        return draws[int(0.025 * len(draws))], draws[int(0.975 * len(draws)) - 1]

    subsets = [s for (s,) in db.execute("SELECT DISTINCT subset FROM bench_items WHERE suite_id = ?", row)]
    order = ["attribute", "action", "background", "position", "complex", "three", "four"]
    subsets.sort(key=lambda s: order.index(s) if s in order else len(order))
    print(f"{a_label} - {b_label} on {suite}: mean, item bootstrap, identity-weighted bootstrap ({rounds} rounds)")
    for subset in subsets:
        for metric in ("psr", "semantic", "aesthetic"):
            a, b = values(a_label, subset, metric), values(b_label, subset, metric)
            items = [s for s in a if s in b and s in identities]
            if not items:
                continue
            d = [a[s] - b[s] for s in items]
            keys = sorted({k for s in items for k in identities[s]})
            by_item, by_identity = [], []
            for _ in range(rounds):
                by_item.append(sum(rng.choice(d) for _ in d) / len(d))
                w = {k: rng.expovariate(1.0) for k in keys}
                ws_ = []
                for s in items:
                    p = 1.0
                    for k in identities[s]:
                        p *= w[k]
                    ws_.append(p)
                by_identity.append(sum(x * y for x, y in zip(ws_, d)) / sum(ws_))
            (lo, hi), (clo, chi) = interval(by_item), interval(by_identity)
            print(f"{subset:10s} {metric:9s} {sum(d) / len(d):+.3f}  [{lo:+.3f}, {hi:+.3f}]  [{clo:+.3f}, {chi:+.3f}]"
                  f"  ({len(items)} items, {len(keys)} identities)")


if __name__ == "__main__":
    main()
