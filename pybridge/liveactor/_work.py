"""Where view callbacks run when they may wait: a bounded worker pool for blocking sync code and
an asyncio loop (its own thread) for ``async def`` callbacks, owned by the runtime.

The native side calls a view's ``_la_*`` entry point on the view's executor thread. A callback
that can run there (the default for plain sync handlers, see :data:`policy`) runs at once; one
that may wait returns a :class:`Job`, which the native side starts with a ``resume`` function
after suspending the view (its later messages wait, in order). When the job is done, ``resume()``
brings the view back to its executor, where ``Job.finish()`` re-raises the callback's exception,
if any, and the render goes out. Executors never wait on user I/O.
"""

import asyncio
import ctypes
import inspect
import os
import queue
import threading
import time

from liveactor._host import HandlerTimeout

# Where a plain sync callback (not declared with blocking=, not async def) runs:
# "pool": always on the worker pool (safe for any blocking call; costs a thread hop, ~60 us per
#   event on a 2-vCPU VM against ~5 us inline: bench/python/run);
# "inline": on the executor;
# "auto" (default): on the executor until one call of it takes longer than slow_s, then on the
#   pool from its next call on (that first slow call still holds its executor).
# See docs/writing-views.md, "Doing I/O".
policy = os.environ.get("LIVEACTOR_SYNC_HANDLERS", "auto")
slow_s = 0.02
timeout_s = 10.0
learned = 0

_lock = threading.Lock()
_loop = None
_pool = None   # started with the first blocking call
_workers = int(os.environ.get("LIVEACTOR_WORKERS", "16"))

#: Context-manager factories entered around every sync callback that runs on the pool or is
#: timed inline (Django's close_old_connections, see liveactor/_django.py). Empty: no cost.
call_hooks: list = []


def call(fn, args):
    """fn(*args) inside the call hooks."""
    if not call_hooks:
        return fn(*args)
    import contextlib
    with contextlib.ExitStack() as stack:
        for hook in call_hooks:
            stack.enter_context(hook())
        return fn(*args)


def configure(workers=None, handler_timeout_s=None, sync_policy=None):
    """Called by the runtime at start: pool size, the hard limit per callback, the policy."""
    global timeout_s, policy, _workers
    if handler_timeout_s:
        timeout_s = float(handler_timeout_s)
    if sync_policy:
        if sync_policy not in ("pool", "inline", "auto"):
            raise ValueError("sync handler policy must be 'pool', 'inline' or 'auto'")
        policy = sync_policy
    if workers:
        _workers = int(workers)
        if _pool is not None:
            _pool.resize(_workers)


def loop():
    """The runtime's asyncio loop (started on first use, on the thread "liveactor-asyncio")."""
    global _loop
    with _lock:
        if _loop is None:
            ready = threading.Event()
            holder = {}

            def run():
                lp = asyncio.new_event_loop()
                asyncio.set_event_loop(lp)
                holder["loop"] = lp
                ready.set()
                lp.run_forever()

            threading.Thread(target=run, name="liveactor-asyncio", daemon=True).start()
            ready.wait()
            _loop = holder["loop"]
        return _loop


def pool():
    global _pool
    with _lock:
        if _pool is None:
            _pool = WorkerPool(_workers)
        return _pool


class WorkerPool:
    """Threads that run blocking callbacks, ``size`` of them. A call still running past the
    handler timeout gets HandlerTimeout raised in it (when Python code runs); one stuck in C
    beyond that is counted as leaked and replaced by a new thread (at most ``size`` replacements
    at a time), and its thread ends once the call returns."""

    def __init__(self, size):
        self.size = max(1, size)
        self.queue = queue.SimpleQueue()
        self.busy = 0
        self.leaked = 0
        self.timeouts = 0
        self.completed = 0
        self._threads = 0
        self._running = {}
        self._watching = False
        self._lock = threading.Lock()
        for _ in range(self.size):
            self._spawn()

    def resize(self, size):
        with self._lock:
            grow = max(0, size - self.size)
            self.size = max(1, size)
        for _ in range(grow):
            self._spawn()

    def _spawn(self):
        with self._lock:
            self._threads += 1
            n = self._threads
        threading.Thread(target=self._work, name="liveactor-worker-%d" % n, daemon=True).start()

    def submit(self, fn):
        self.queue.put(fn)

    def stats(self):
        return {"size": self.size, "busy": self.busy, "queued": self.queue.qsize(),
                "leaked": self.leaked, "timeouts": self.timeouts, "completed": self.completed}

    def _work(self):
        me = threading.current_thread()
        while True:
            fn = self.queue.get()
            state = {"start": time.monotonic(), "interrupted": False, "leaked": False}
            with self._lock:
                self.busy += 1
                self._running[me.ident] = state
                self._ensure_watchdog()
            try:
                fn()
            except BaseException:  # a job records its own errors; nothing may kill the worker
                pass
            finally:
                with self._lock:
                    self.busy -= 1
                    self.completed += 1
                    self._running.pop(me.ident, None)
                    if state["leaked"]:
                        self.leaked -= 1
                if state["leaked"]:
                    return  # replaced while stuck: this thread ends

    def _ensure_watchdog(self):
        # (lock held) one thread, started with the first call, checks the running calls every
        # 50 ms (a thread per call cost more than the call)
        if not self._watching:
            self._watching = True
            threading.Thread(target=self._watch, name="liveactor-worker-watchdog", daemon=True).start()

    def _watch(self):
        while True:
            time.sleep(0.05)
            now = time.monotonic()
            replace = 0
            with self._lock:
                for ident, state in self._running.items():
                    age = now - state["start"]
                    if age > timeout_s and not state["interrupted"]:
                        state["interrupted"] = True
                        self.timeouts += 1
                        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident),
                                                                   ctypes.py_object(HandlerTimeout))
                    elif age > 2 * timeout_s and not state["leaked"] and self.leaked < self.size:
                        state["leaked"] = True  # stuck in C: counted until it returns
                        self.leaked += 1
                        replace += 1
            for _ in range(replace):
                self._spawn()


class Job:
    """One callback that runs elsewhere: ``start(resume)`` (executor thread, GIL held) hands it
    to the pool or the loop; ``resume`` is called from there when it is done; ``finish()`` (the
    view's thread again) re-raises what the callback raised."""

    __slots__ = ("fn", "args", "is_async", "error", "started_at", "label", "future", "result", "reply_to")

    def __init__(self, fn, args, is_async, label):
        self.fn = fn
        self.args = args
        self.is_async = is_async
        self.error = None
        self.label = label
        self.started_at = None
        self.future = None
        self.result = None
        self.reply_to = None

    def start(self, resume):
        self.started_at = time.time()
        if self.is_async:
            self.future = asyncio.run_coroutine_threadsafe(self._run_async(), loop())
            self.future.add_done_callback(lambda _f: resume())
        else:
            def run():
                try:
                    self.result = call(self.fn, self.args)
                except BaseException as e:  # noqa: B036 - re-raised on the view's thread
                    self.error = e
                finally:
                    resume()
            pool().submit(run)

    async def _run_async(self):
        try:
            self.result = await asyncio.wait_for(self.fn(*self.args), timeout_s)
        except asyncio.TimeoutError:
            self.error = HandlerTimeout("handler timeout: %s did not finish within %.1f s" % (self.label, timeout_s))
        except BaseException as e:  # noqa: B036
            self.error = e

    def run_here(self):
        """For a context that cannot wait (the dead render): run to the end on this thread;
        returns the callback's value."""
        if not self.is_async:
            return call(self.fn, self.args)
        fut = asyncio.run_coroutine_threadsafe(self._run_async(), loop())
        fut.result()
        return self.finish()

    def cancel(self):
        if self.future is not None:
            self.future.cancel()

    def finish(self):
        """The callback's value, or re-raises what it raised."""
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        result, self.result = self.result, None
        return result


def classify(fn, declared):
    """"async", "pool" or "inline" for a callback: declared is its blocking= / the view's
    ``blocking`` (True, False or None)."""
    if inspect.iscoroutinefunction(fn):
        return "async"
    if declared is True:
        return "pool"
    if declared is False:
        return "inline"
    if policy == "pool":
        return "pool"
    if policy == "auto":
        return "auto"
    return "inline"


def run_inline_learning(fn, args, slow, key):
    """Runs fn on this thread and returns its value; adds key to the set slow (pool from now on)
    if it took longer than slow_s."""
    global learned
    t0 = time.perf_counter()
    try:
        return call(fn, args)
    finally:
        if time.perf_counter() - t0 > slow_s and key not in slow:
            slow.add(key)
            learned += 1




class Task:
    """A start_async/assign_async task: delivers _AsyncDone(name, token, ok, value) to its view's
    private topic when done, unless cancelled."""

    __slots__ = ("name", "token", "assign_names", "future", "cancelled")

    def __init__(self, name, assign_names):
        self.name = name
        self.token = object()
        self.assign_names = assign_names
        self.future = None
        self.cancelled = False

    def cancel(self):
        self.cancelled = True
        if self.future is not None:
            self.future.cancel()


running_tasks = 0


def start_task(name, fn, args, topic, assign_names):
    from liveactor._host import broadcast
    from liveactor.view import _AsyncDone

    task = Task(name, assign_names)

    def deliver(ok, value):
        global running_tasks
        with _lock:
            running_tasks -= 1
        if not task.cancelled:
            broadcast(topic, _AsyncDone(name, task.token, ok, value))

    def failure(e):
        return "%s: %s" % (type(e).__name__, e)

    global running_tasks
    with _lock:
        running_tasks += 1
    if inspect.iscoroutine(fn) or inspect.iscoroutinefunction(fn):
        coro = fn if inspect.iscoroutine(fn) else fn(*args)

        async def run():
            try:
                value = await coro
            except asyncio.CancelledError:
                deliver(False, "cancelled")
                raise
            except BaseException as e:  # noqa: B036 - a failed result, not a crash
                deliver(False, failure(e))
            else:
                deliver(True, value)

        task.future = asyncio.run_coroutine_threadsafe(run(), loop())
    else:
        def run_sync():
            if task.cancelled:
                deliver(False, "cancelled")
                return
            try:
                value = call(fn, args)
            except BaseException as e:  # noqa: B036
                deliver(False, failure(e))
            else:
                deliver(True, value)

        pool().submit(run_sync)
    return task


def stats():
    """The worker pool and async task counters (for /metrics and the monitor)."""
    p = _pool.stats() if _pool is not None else {"size": _workers, "busy": 0, "queued": 0, "leaked": 0,
                                                    "timeouts": 0, "completed": 0}
    p["async_tasks"] = running_tasks
    p["learned_blocking"] = learned
    return p
