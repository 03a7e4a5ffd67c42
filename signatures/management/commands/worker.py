import logging
import threading
from argparse import ArgumentParser
from datetime import timedelta
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.utils.autoreload import run_with_reloader
from django_tasks_db.management.commands import db_worker

from signatures import queue

logger = logging.getLogger(__name__)


class LeasedWorker(db_worker.Worker):
    """django-tasks-db's worker, made safe to stop and to lose.

    SIGTERM (or SIGINT) lets the current task finish, then the worker exits;
    it never interrupts a task. Meanwhile a thread queues again the tasks of
    workers that died mid-task, once they have run ``TASK_LEASE_SECONDS``.
    """

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        logger.warning("Received %s: finishing the current task, then stopping", signum)
        self.running = False

    def run(self) -> None:
        stop = threading.Event()
        thread = threading.Thread(target=self.requeue_stalled, args=(stop,), daemon=True)
        thread.start()
        try:
            super().run()
        finally:
            stop.set()
            thread.join(timeout=5)

    def requeue_stalled(self, stop: threading.Event) -> None:
        lease = timedelta(seconds=settings.TASK_LEASE_SECONDS)
        every = max(1.0, settings.TASK_LEASE_SECONDS / 4)
        while True:
            try:
                queue.requeue_stalled(lease)
            except Exception:
                logger.exception("Could not queue stalled tasks again")
            finally:
                close_old_connections()
            if stop.wait(every):
                return


class Command(db_worker.Command):
    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*")  # mail and hand-in files alike, unless told

    help = (
        "Run the background worker: confirmation mail, invalidations. Finishes its task on "
        "SIGTERM; runs again the tasks of workers that died (after TASK_LEASE_SECONDS)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        excluded = options["exclude_queues"]
        worker = LeasedWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded.split(",") if excluded else [],
        )
        if options["reload"]:
            run_with_reloader(worker.run)  # development only: a change restarts the worker
        else:
            worker.configure_signals()
            worker.run()
