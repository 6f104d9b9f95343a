"""Setting up a municipality from its spreadsheets (issue 15): 12 divisions, then 300 staff as the list is kept
(a heading row per division, titles with names), previewed and committed through organization.table_io; then the
same staff file again (every row unchanged). Prints the seconds of each step.

Usage: python benchmarks/import_staff.py [sqlite|postgres] [--staff N]
Runs on a fresh database: var/bench/staff.sqlite3, or phatsadu_bench_staff on 127.0.0.1 (PostgreSQL).
"""

import argparse
import time

from _setup import fresh_database


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database", nargs="?", default="sqlite")
    parser.add_argument("--staff", type=int, default=300)
    args = parser.parse_args()
    fresh_database(args.database, "staff")
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from organization import roles, table_io
    from organization.models import Division, User
    from tests.organization import staff_shapes as shapes

    office = Division.objects.create(code="00", name="ผู้ดูแลระบบ")
    admin = User.objects.create(username="bench-admin", division=office)
    admin.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    divisions = shapes.xlsx(shapes.divisions_file())
    staff = shapes.xlsx(shapes.municipality_staff(args.staff))
    for label, key, data in (("divisions (12)", "divisions", divisions), (f"staff ({args.staff})", "staff", staff),
                             (f"staff again ({args.staff}, unchanged)", "staff", staff)):
        spec = table_io.REGISTRY[key]
        started = time.perf_counter()
        preview = table_io.run(spec, data, "file.xlsx", actor=admin, commit=False)
        previewed = time.perf_counter()
        outcome = table_io.run(spec, data, "file.xlsx", actor=admin, commit=True)
        done = time.perf_counter()
        assert preview.ok and outcome.committed, outcome.problems[:3]
        print(f"{args.database}: {label}: preview {previewed - started:.2f} s, confirm {done - previewed:.2f} s "
              f"(new {outcome.count('new')}, changed {outcome.count('update')}, unchanged {outcome.count('skip')})")


if __name__ == "__main__":
    main()
