"""One operation run in a process of its own, for the fault tests (test_crash_midway.py), which kill it.

    python tests/faults/crash_script.py '{"operation": ..., "args": {...}, "pause": {...}}'

with DJANGO_SETTINGS_MODULE=config.settings, DEBUG=1 and DATABASE_URL naming the database the test uses.
`pause` wraps one function the operation calls in the middle of its transaction ("module.name"): after its
Nth call returns, the wrapper writes the marker file (JSON: the process id, whether a transaction is open,
and what the database holds as this transaction sees it) and sleeps, so the test can kill
the process there, with part of the operation's writes done and none committed.

`database_state()` is also what the tests compare before and after: every row of every table of the
project's apps.
"""

import importlib
import json
import os
import sys
import time
from pathlib import Path

APP_LABELS = ("activity", "organization", "assets", "loans", "audits", "procurement", "reports")


def database_state() -> dict[str, list]:
    """Every row of every table of the project's apps (people and their roles included), ordered by primary key."""
    from django.apps import apps

    state = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in APP_LABELS:
            state[model._meta.label] = [[str(value) for value in row]
                                        for row in model._base_manager.order_by("pk").values_list()]
    return state


def _install_pause(target: str, after_call: int, marker: str) -> None:
    module_name, name = target.rsplit(".", 1)
    module = importlib.import_module(module_name)
    original = getattr(module, name)
    calls = 0

    def paused(*args, **kwargs):
        nonlocal calls
        result = original(*args, **kwargs)
        calls += 1
        if calls == after_call:
            from django.db import connection

            note = {"pid": os.getpid(), "in_atomic_block": connection.in_atomic_block,
                    "state": database_state()}
            Path(marker + ".tmp").write_text(json.dumps(note))
            os.replace(marker + ".tmp", marker)  # the test sees the whole note or none of it
            time.sleep(600)  # killed here
        return result

    setattr(module, name, paused)


def run(operation: str, args: dict):
    """The operations the fault tests interrupt, also run normally (in the test's process) afterwards."""
    import datetime as dt

    from django.core.management import call_command

    from organization.models import User

    actor = User.objects.get(pk=args["actor"])
    if operation == "import":
        call_command("import_assets", args["path"], actor=actor.username, stdout=sys.stdout, stderr=sys.stderr)
    elif operation == "hand_out":
        from loans.models import Loan
        from loans.services import loan_hand_out

        loan_hand_out(actor=actor, loan=Loan.objects.get(pk=args["loan"]), conditions={})
    elif operation == "sheet_close":
        from audits.models import Sheet
        from audits.services import sheet_close

        sheet_close(actor=actor, sheet=Sheet.objects.get(pk=args["sheet"]))
    elif operation == "round_submit":
        from audits.models import Round
        from audits.services import round_submit

        round_submit(actor=actor, round_=Round.objects.get(pk=args["round"]))
    elif operation == "accept":
        from procurement.models import Procurement
        from procurement.services import procurement_accept

        procurement_accept(actor=actor, procurement=Procurement.objects.get(pk=args["procurement"]),
                           accepted_on=dt.date.fromisoformat(args["accepted_on"]), committee=args["committee"])
    else:
        raise ValueError(operation)


def main() -> None:
    spec = json.loads(sys.argv[1])
    root = str(Path(__file__).resolve().parents[2])
    if root not in sys.path:
        sys.path.insert(0, root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    pause = spec.get("pause")
    if pause:
        _install_pause(pause["target"], pause["after_call"], pause["marker"])
    run(spec["operation"], spec["args"])


if __name__ == "__main__":
    main()
