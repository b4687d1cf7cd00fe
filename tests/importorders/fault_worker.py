"""A Celery worker process for the shipment-event fault tests (tests/importorders/test_event_faults.py).

It is the product's worker with one addition for the tests: with FAULT_APPLY_PAUSE set, each batch
pauses after its effects are written and before its transaction commits, and touches the file named
by FAULT_APPLY_MARK first, so a test can see a batch in flight and kill the process there."""

from __future__ import annotations

import os
import pathlib
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from config.celery_app import app  # noqa: E402
from importorders.services import events  # noqa: E402

pause = float(os.environ.get("FAULT_APPLY_PAUSE", "0"))
if pause:
    original = events._Applier.run

    def run(self) -> None:
        original(self)
        pathlib.Path(os.environ["FAULT_APPLY_MARK"]).touch()
        time.sleep(pause)

    events._Applier.run = run

if __name__ == "__main__":
    app.conf.task_always_eager = False
    app.worker_main(
        [
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ]
    )
