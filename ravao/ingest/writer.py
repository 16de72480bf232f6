"""Group commit: the check-ins that arrive together are written in one transaction.

Writer threads (RAVAO_INGEST_WRITERS per server process, each with its own connection) take
every job waiting in the process's queue (up to RAVAO_INGEST_GROUP), run each job's work (the
shared check-in rules of ravao/checkins: every job in its own savepoint, as ``replay.once``
makes it) inside one transaction, commit once —
one fsync for the group, ``synchronous_commit`` stays on — and only then answer every job of
the group. Several writers keep the database busy while one waits for its commit (a group is
bound by round trips, not CPU: docs/performance.md). A job is therefore acknowledged only once it is durable.

* A job's refusal (ServiceError: unknown venue, rate limit, …) is its answer; the group goes on.
* A database error that breaks the group's transaction (a deadlock with another worker's group,
  a unique race) rolls the group back and its jobs run again one by one, each in its own
  transaction, as the Django path runs them: same answers.
* A lost connection (the database restarted or cut it): every job of the group is answered 503
  with ``Retry-After``; nothing of it was acknowledged, and a retry with the same ``client_id``
  is answered once (replays).
* The queue is bounded (RAVAO_INGEST_QUEUE): ``submit`` refuses beyond it, and the front answers
  503 with ``Retry-After`` at once instead of holding the request in memory.
"""

import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections, connection, transaction

from ravao.core.errors import ServiceError

logger = logging.getLogger("ravao.ingest")
RETRY_AFTER_SECONDS = 2


@dataclass(eq=False)
class Job:
    """One request for the writer: ``work()`` returns the answer (status, body) or raises
    ServiceError; ``done(answer)`` is called once with the answer, after the commit, from the
    writer thread (the front hands it to its event loop)."""

    work: object
    done: object
    answer: tuple = field(default=None)
    language: str = ""


class Unavailable(Exception):
    """The database could not be reached: answer 503 with Retry-After."""


def refused(error: ServiceError) -> tuple:
    headers = {"Retry-After": "60"} if error.status == 429 else None
    return (error.status, error.body(), headers)


UNAVAILABLE = (503, None, {"Retry-After": str(RETRY_AFTER_SECONDS)})  # body made by the front (translated)


def _alive() -> bool:
    raw = connection.connection
    return raw is not None and not getattr(raw, "closed", True) and not getattr(raw, "broken", False)


class GroupWriter:
    """A bounded queue and the thread that commits it group by group."""

    def __init__(self, *, max_group: int, max_queue: int, writers: int = 1, prepare=None):
        self.max_group, self.max_queue, self.writers = max_group, max_queue, max(1, writers)
        self.prepare = prepare  # called in the writer thread before each job (language, …)
        self._queue: deque[Job] = deque()
        self._ready = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._held = False  # tests: hold the queue to make a group of what they send together
        self._stopping = False
        self.groups = self.jobs = self.rerun_groups = 0

    # --- the front's side -------------------------------------------------------------------

    def submit(self, job: Job) -> bool:
        """Queue ``job``; False when the queue is full (the caller answers 503 at once)."""
        with self._ready:
            if len(self._queue) >= self.max_queue:
                return False
            self._queue.append(job)
            self._ready.notify()
        if not self._threads:
            self.start()
        return True

    def start(self) -> None:
        with self._ready:
            while len(self._threads) < self.writers:
                name = f"ravao-ingest-writer-{len(self._threads)}"
                thread = threading.Thread(target=self._run, name=name, daemon=True)
                self._threads.append(thread)
                thread.start()

    def waiting(self) -> int:
        return len(self._queue)

    def hold(self, held: bool) -> None:
        """Tests: ``hold(True)``, send requests, ``hold(False)``: they are written as one group."""
        with self._ready:
            self._held = held
            self._ready.notify_all()

    # --- the writer thread ----------------------------------------------------------------

    def stop(self) -> None:
        """Write what is queued, then end the thread and close its connection (tests)."""
        with self._ready:
            self._stopping = True
            self._held = False
            self._ready.notify_all()
        for thread in self._threads:
            thread.join(timeout=30)

    def _take(self) -> list[Job]:
        with self._ready:
            while (not self._queue or self._held) and not self._stopping:
                self._ready.wait()
            if not self._queue:
                return []
            n = min(len(self._queue), self.max_group)
            return [self._queue.popleft() for _ in range(n)]

    def _run(self) -> None:
        while True:
            group = self._take()
            if not group:
                connection.close()
                return
            try:
                self.write(group)
            except Exception:  # never let the thread die: answer what is left 500
                logger.exception("ingest writer: group failed")
                for job in group:
                    if job.answer is None:
                        self._answer(job, (500, {"detail": "Internal error."}, None))

    def write(self, group: list[Job]) -> None:
        """Run, commit and answer one group (also called directly by tests)."""
        self.groups += 1
        self.jobs += len(group)
        close_old_connections()  # CONN_HEALTH_CHECKS / CONN_MAX_AGE, as between Django requests
        try:
            answers = self._together(group)
        except Unavailable:
            for job in group:
                self._answer(job, UNAVAILABLE)
            return
        except DatabaseError:
            # The group's transaction broke (a deadlock with another worker's group, a race on a
            # unique key): nothing of it was written; each job again, alone, as the Django path.
            self.rerun_groups += 1
            for job in group:
                self._answer(job, self._alone(job))
            return
        for job, answer in zip(group, answers, strict=True):
            self._answer(job, answer)

    def _together(self, group: list[Job]) -> list[tuple]:
        answers = []
        try:
            with transaction.atomic():
                for job in group:
                    answers.append(self._one(job))
                    if connection.needs_rollback:
                        raise DatabaseError("group transaction marked for rollback")
        except (OperationalError, InterfaceError) as error:
            if _alive():
                # A deadlock with another worker's group, a lock or statement timeout: the
                # connection is fine, the group is not; rerun its jobs alone.
                raise DatabaseError("group transaction failed") from error
            self._lost(error)
            raise Unavailable from error
        return answers

    def _alone(self, job: Job) -> tuple:
        try:
            with transaction.atomic():
                return self._one(job, alone=True)
        except (OperationalError, InterfaceError) as error:
            self._lost(error)
            return UNAVAILABLE
        except DatabaseError:
            logger.exception("ingest writer: a job failed alone")
            return (500, {"detail": "Internal error."}, None)

    def _one(self, job: Job, *, alone: bool = False) -> tuple:
        if self.prepare is not None:
            self.prepare(job)
        try:
            status, body = job.work()
            return (status, body, None)
        except ServiceError as error:
            return refused(error)
        except (OperationalError, InterfaceError):
            raise
        except DatabaseError:
            raise  # breaks the group: rerun alone
        except Exception:
            if alone:
                logger.exception("ingest writer: a job failed")
                return (500, {"detail": "Internal error."}, None)
            raise DatabaseError("job failed inside a group") from None

    def _lost(self, error: Exception) -> None:
        logger.error("ingest writer: database unavailable (%s: %s)", type(error).__name__, str(error).strip()[:200])
        try:
            connection.close()
        except Exception:
            pass
        time.sleep(0.05)

    @staticmethod
    def _answer(job: Job, answer: tuple) -> None:
        job.answer = answer
        job.done(answer)
