"""Verification of the activity log: seconds to walk a 100,000-entry chain (issue 3).

Usage: python benchmarks/verify_log.py [sqlite|postgres ...] [--assets N] [--runs N]
seed_demo writes one log entry per asset, so --assets 100000 gives a chain of about 100,000 entries.
"""

import argparse
import statistics
import subprocess
import sys
import time

from _setup import migrate_and_seed, use_database


def run_one(kind: str, assets: int, runs: int) -> None:
    use_database(kind)
    migrate_and_seed(assets)
    from activity.chain import verify

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        verdict = verify()
        times.append(time.perf_counter() - started)
        assert verdict.ok, verdict.problem
    per_100k = statistics.median(times) * 100_000 / verdict.count
    print(f"{kind}: {verdict.count:,} entries verified, median {statistics.median(times):.2f} s "
          f"(best {min(times):.2f} s) over {runs} runs = {per_100k:.2f} s per 100,000 entries")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("databases", nargs="*", default=[])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if len(args.databases) == 1:
        run_one(args.databases[0], args.assets, args.runs)
        return
    for kind in args.databases or ["sqlite", "postgres"]:
        subprocess.run([sys.executable, __file__, kind, "--assets", str(args.assets), "--runs", str(args.runs)],
                       check=True)


if __name__ == "__main__":
    main()
