"""File gates for views.Waiter's "hold" and "await_gate" events: the handler announces that it
waits and returns when the test opens its gate, so a test knows a wait is going on without
guessing how long anything takes on a loaded machine. Files, so that a server process works too."""

import os
import time


class Gates:
    def __init__(self, directory):
        self.directory = str(directory)

    def path(self, name):
        return os.path.join(self.directory, name)

    def wait_entered(self, names, limit=30.0):
        """Blocks until every named handler waits; fails after `limit` seconds (a hang, not a
        measurement)."""
        deadline = time.monotonic() + limit
        while not all(os.path.exists(self.path(n) + ".entered") for n in names):
            assert time.monotonic() < deadline, "the handlers never started waiting"
            time.sleep(0.005)

    def open(self, names):
        for n in names:
            with open(self.path(n), "w"):
                pass
