import logging
import threading
import time
from argparse import ArgumentParser
from datetime import timedelta
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils.autoreload import run_with_reloader
from django_tasks_db.management.commands import db_worker

from signatures.mail import news, queue
from signatures.mail import outbox as mailing

logger = logging.getLogger(__name__)


class LeasedWorker(db_worker.Worker):
    """django-tasks-db's worker, made safe to stop and to lose, and a mail sender.

    SIGTERM (or SIGINT) lets the current task and mail batch finish, then the
    worker exits; it never interrupts either. Beside the task loop, one thread
    sends the confirmation mail signature rows owe (signatures.mail.outbox), a
    batch per claim, and another queues again the tasks of workers that died
    mid-task, once they have run ``TASK_LEASE_SECONDS``.
    """

    def __init__(self, *args: Any, mail: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mail = mail

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        logger.warning("Received %s: finishing the current task, then stopping", signum)
        self.running = False

    def run(self) -> None:
        stop = threading.Event()
        threads = [threading.Thread(target=self.requeue_stalled, args=(stop,), daemon=True)]
        if self.mail and not self.batch:
            # Each mail waits on the mail server and the database in turn; a
            # second thread sends while the first waits (each has its own SMTP
            # and database connection; SKIP LOCKED keeps their claims apart).
            threads += [
                threading.Thread(target=self.send_mail, args=(stop,), daemon=True)
                for _ in range(settings.MAIL_THREADS)
            ]
        for thread in threads:
            thread.start()
        try:
            if self.mail and self.batch:
                self.drain_mail()
            super().run()
            if self.mail and self.batch:
                self.drain_mail()
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=60)

    def send_mail(self, stop: threading.Event) -> None:
        while not stop.is_set():
            sent = 0
            try:
                # News only when no confirmation waits: a new signer's link comes first.
                sent = mailing.deliver_due().total() or news.deliver_news().total()
            except Exception:
                logger.exception("Could not send mail")
            finally:
                close_old_connections()
            if not sent:
                stop.wait(self.interval)

    def drain_mail(self) -> None:
        """Send every mail that is due, from ``MAIL_THREADS`` threads, then return (``--batch``)."""
        helpers = [
            threading.Thread(target=drain, kwargs={"own_connection": True})
            for _ in range(settings.MAIL_THREADS - 1)
        ]
        for thread in helpers:
            thread.start()
        drain(own_connection=False)
        for thread in helpers:
            thread.join()

    def requeue_stalled(self, stop: threading.Event) -> None:
        """Queue again the tasks of workers that died; prune finished results now and then."""
        lease = timedelta(seconds=settings.TASK_LEASE_SECONDS)
        keep = timedelta(days=settings.TASK_RESULTS_KEEP_DAYS)
        every = max(1.0, settings.TASK_LEASE_SECONDS / 4)
        next_prune = 0.0
        while True:
            try:
                queue.requeue_stalled(lease)
                if time.monotonic() >= next_prune:
                    queue.prune_finished(keep)
                    next_prune = time.monotonic() + 3600
            except Exception:
                logger.exception("Could not queue stalled tasks again or prune finished ones")
            finally:
                close_old_connections()
            if stop.wait(every):
                return


def drain(*, own_connection: bool) -> None:
    """Send due mail until none is left; a thread of its own closes its connections after."""
    try:
        while mailing.deliver_due().total() or news.deliver_news().total():
            pass
    finally:
        if own_connection:
            connections.close_all()  # this thread's; the thread ends here


class Command(db_worker.Command):
    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(queue_name="*")  # mail and hand-in files alike, unless told
        parser.add_argument(
            "--no-mail",
            action="store_false",
            dest="mail",
            help="Leave confirmation mail to other workers (e.g. one kept for hand-in files).",
        )

    help = (
        "Run the background worker: confirmation mail, invalidations, hand-in files. Finishes "
        "its task and mail batch on SIGTERM; runs again the tasks of workers that died (after "
        "TASK_LEASE_SECONDS) and their mail (after MAIL_LEASE_SECONDS)."
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
            mail=options["mail"],
        )
        if options["reload"]:
            run_with_reloader(worker.run)  # development only: a change restarts the worker
        else:
            worker.configure_signals()
            worker.run()
