"""A pool of worker processes beside the Scrapy reactor for CPU-heavy pure readers (the news
spider's page reader: trafilatura, metadata, relevance), so that a crawl uses every core.

- `workers` processes (0: the reader runs in the crawl's own process, as one call, on the same
  path: the same function with the same state).
- At most `max_in_flight` pages are read or waiting to be handed back at once: a callback waits
  for a place before its page is sent, so memory stays flat on thousands of pages (Scrapy keeps
  the responses that wait, up to SCRAPER_SLOT_MAX_ACTIVE_SIZE, and then stops downloading).
- Results are handed back in the order the pages asked for a place (their turn), whatever order
  the workers finish in: what the caller does with them (a story's id, new or version) is the
  same as in one process.
- A worker that dies (killed, out of memory, a crash in C code) breaks the whole pool: the pool is
  replaced and each page that was in it is read again alone in a process of its own; a page that
  kills that one too gets a `Crashed` result with the reason, and the crawl goes on. A page that
  takes longer than `timeout` is treated the same way (its worker is killed).

Worker processes are forked from the crawl (Linux): they start with the readers already imported,
and the state (the run's MentionFinder) is handed over at fork, not pickled per page.
"""

import asyncio
import ctypes
import multiprocessing
import os
import signal
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from dataclasses import dataclass

CRASH_REASON = "the page reader's worker process died reading this page ({error}); read again alone, it died again"
TIMEOUT_REASON = "the page reader took longer than {seconds:g} s on this page (NEWS_EXTRACT_TIMEOUT), twice"
PLACES_PER_WORKER = 4
PR_SET_PDEATHSIG = 1  # linux/prctl.h

_state = None  # in a worker: the state handed over at its start


def _die_with(parent_pid):
    """A worker must not outlive its crawl: a crawl killed with SIGKILL cannot shut its pool down,
    and the workers would go on holding the files they inherited (the crawl lock among them)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux
        return
    if os.getppid() != parent_pid:  # the crawl died before the line above
        os._exit(1)


def _start_worker(state, parent_pid):
    global _state
    _die_with(parent_pid)
    # The crawl's signal handlers (Scrapy's graceful shutdown) are no worker's: Ctrl-C reaches the
    # whole process group and the crawl shuts the pool down; SIGTERM ends a worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _state = state


def _call(function, args):
    return function(_state, *args)


@dataclass
class Crashed:
    reason: str


def default_workers():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


class ReaderPool:
    def __init__(self, workers, state, max_in_flight=0, stats=None, stats_prefix="reader", timeout=0):
        """state is handed to every call: function(state, *args). timeout: seconds a worker may
        spend on one page (0: no limit; none in the crawl's own process)."""
        self.workers = max(0, workers)
        self.timeout = timeout
        self.max_in_flight = max_in_flight or PLACES_PER_WORKER * max(1, self.workers)
        self.state = state
        self.stats = stats
        self.prefix = stats_prefix
        self._context = multiprocessing.get_context("fork")
        self._executor = None
        self._place_waiters = deque()
        self._placed = set()
        self._alone = None  # made inside the running loop
        self._next_turn = 0
        self._current_turn = 0
        self._finished_turns = set()
        self._turn_waiters = {}
        self._in_flight = 0
        self._set_stat("workers", self.workers)
        self._set_stat("max_in_flight", self.max_in_flight)

    # --- stats ---

    def _set_stat(self, name, value):
        if self.stats is not None:
            self.stats.set_value(f"{self.prefix}/{name}", value)

    def _inc_stat(self, name):
        if self.stats is not None:
            self.stats.inc_value(f"{self.prefix}/{name}")

    # --- reading ---

    @asynccontextmanager
    async def reading(self, function, *args):
        """`async with pool.reading(read_page, html, url) as result:` - the result (or a `Crashed`)
        of function(state, *args), in turn; the next page's turn comes when the block ends."""
        turn = self._next_turn  # taken before anything is awaited: the order the pages came in
        self._next_turn += 1
        try:
            await self._place(turn)
            result = await self._read(function, args)
            await self._wait_for(turn)
            yield result
        finally:
            self._leave(turn)

    # --- places: at most max_in_flight pages read or waiting to be handed back, given in turn ---

    async def _place(self, turn):
        if self._in_flight >= self.max_in_flight or self._place_waiters:
            waiter = asyncio.get_running_loop().create_future()
            self._place_waiters.append((turn, waiter))
            await waiter  # _leave counted this page in when it gave it the place
        else:
            self._enter(turn)

    def _enter(self, turn):
        self._in_flight += 1
        self._placed.add(turn)
        if self.stats is not None:
            self.stats.max_value(f"{self.prefix}/in_flight_max", self._in_flight)

    def _leave(self, turn):
        if turn in self._placed:
            self._placed.remove(turn)
            self._in_flight -= 1
        else:  # cancelled while waiting for a place
            self._place_waiters = deque((t, w) for t, w in self._place_waiters if t != turn)
        while self._place_waiters and self._in_flight < self.max_in_flight:
            waiting_turn, waiter = self._place_waiters.popleft()
            if not waiter.done():  # a cancelled one leaves by itself
                self._enter(waiting_turn)
                waiter.set_result(None)
        self._finish(turn)

    async def _read(self, function, args):
        if self.workers == 0:
            return function(self.state, *args)
        executor = self._pool()
        try:
            return await self._within_time(executor, function, args)
        except BrokenProcessPool as error:
            self._replace(executor)
            return await self._read_alone(function, args, error)
        except TimeoutError:
            # a worker cannot be told to stop one page: the pool goes, and its other pages are
            # read again alone as after a crash
            self._inc_stat("timeouts")
            self._kill(executor)
            self._replace(executor)
            return await self._read_alone(function, args, f"took longer than {self.timeout:g} s")

    async def _read_alone(self, function, args, first_error):
        """A page that was in the pool when a worker died, read again in a process of its own:
        only the page that kills that one is the culprit."""
        if self._alone is None:
            self._alone = asyncio.Semaphore(max(1, self.workers))
        async with self._alone:
            executor = self._new_executor(1)
            try:
                return await self._within_time(executor, function, args)
            except BrokenProcessPool:
                self._inc_stat("crashed_pages")
                return Crashed(CRASH_REASON.format(error=first_error))
            except TimeoutError:
                self._kill(executor)
                self._inc_stat("crashed_pages")
                return Crashed(TIMEOUT_REASON.format(seconds=self.timeout))
            finally:
                executor.shutdown(wait=False)

    async def _within_time(self, executor, function, args):
        result = asyncio.wrap_future(executor.submit(_call, function, args))
        return await asyncio.wait_for(result, self.timeout or None)

    @staticmethod
    def _kill(executor):
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.kill()

    # --- turns: results are handed back in the order pages got their place ---

    async def _wait_for(self, turn):
        if turn != self._current_turn:
            waiter = asyncio.get_running_loop().create_future()
            self._turn_waiters[turn] = waiter
            await waiter

    def _finish(self, turn):
        self._finished_turns.add(turn)
        while self._current_turn in self._finished_turns:
            self._finished_turns.remove(self._current_turn)
            self._current_turn += 1
        waiter = self._turn_waiters.pop(self._current_turn, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # --- processes ---

    def _new_executor(self, workers):
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=self._context,
            initializer=_start_worker,
            initargs=(self.state, os.getpid()),
        )

    def _pool(self):
        if self._executor is None:
            self._executor = self._new_executor(self.workers)
        return self._executor

    def _replace(self, broken):
        if self._executor is broken:
            self._inc_stat("worker_deaths")
            # not cancel_futures: every page in it is answered BrokenProcessPool and read again alone
            broken.shutdown(wait=False)
            self._executor = None

    def close(self):
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
