"""Label sheets and the scan page (issue 4).

Usage: python benchmarks/labels.py [--labels N] [--runs N]
On the 100,000-asset SQLite benchmark database (var/bench, seeded the first time):
- `render_labels` for N labels (default 1,000) in the A4 3×8 layout, run as the command runs, in a
  new process each time: from cold (QR images and fitted name lines not cached) and warm (both made
  by an earlier sheet); wall time of the whole process and the PDF's size.
- the scan page /a/<number>: median server time and query count, anonymous and signed in.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _setup import ROOT, measure, migrate_and_seed, use_database


def render_once(first: int, output: Path, env: dict) -> float:
    code = (
        "import os, sys, time, django; sys.path.insert(0, %r); os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
        "'config.settings'); django.setup()\n"
        "from assets.models import Asset\nfrom reports.labels import labels_for, render_sheet\n"
        "from reports.management.commands.render_labels import find_layout\n"
        "start = time.perf_counter()\nlayout = find_layout('3×8')\n"
        "assets = Asset.objects.select_related('division').order_by('number_key')[:%d]\n"
        "pdf = render_sheet(labels_for(assets.iterator(chunk_size=2000)), layout)\n"
        "open(%r, 'wb').write(pdf)\nprint(time.perf_counter() - start)\n"
    ) % (str(ROOT), first, str(output))
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    return wall, float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--labels", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    use_database("sqlite")
    migrate_and_seed(100_000)
    from assets.qr import clear_cache
    from reports.textfit import fit_cache

    env = dict(os.environ)
    output = Path(tempfile.mkdtemp()) / "labels.pdf"
    print(f"{args.labels:,} labels, A4 3×8, {os.cpu_count()} cores; wall time of a fresh process "
          f"(Python start-up and imports included) / time inside it")
    for label, cold in (("cold (nothing cached)", True), ("warm (QR, lines cached)", False)):
        results = []
        for _ in range(args.runs):
            if cold:
                clear_cache()
                fit_cache.clear()
            results.append(render_once(args.labels, output, env))
        walls, inner = zip(*results)
        print(f"  {label:<26} median {statistics.median(walls):.2f} s wall, {statistics.median(inner):.2f} s "
              f"rendering (best {min(inner):.2f} s), PDF {output.stat().st_size / 1024:,.0f} KB")

    from django.test import Client

    from assets.models import Asset
    from organization.models import User

    number = Asset.objects.order_by("id").values_list("number", flat=True)[5000]
    client = Client()
    anonymous = measure(client, f"/a/{number}", runs=50)
    client.force_login(User.objects.get(username="officer"))
    signed_in = measure(client, f"/a/{number}", runs=50)
    print(f"scan page /a/{number}: anonymous {anonymous[0]:.1f} ms median, {anonymous[1]} queries; "
          f"signed in {signed_in[0]:.1f} ms, {signed_in[1]} queries")


if __name__ == "__main__":
    main()
