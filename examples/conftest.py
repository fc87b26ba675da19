"""The examples' tests: liveactor.testing's pytest plugin (the `live` fixture) — an installed
liveactor registers it by itself; the checkout's package is found through pytest.ini's pythonpath.

The notes example keeps a SQLite database: the tests use one of their own, in a temporary folder,
never the one `./run-demo` serves."""

import atexit
import os
import shutil
import tempfile

pytest_plugins = ["liveactor.testing.plugin"]

if "LIVEACTOR_STATE_DIR" not in os.environ:
    os.environ["LIVEACTOR_STATE_DIR"] = _state = tempfile.mkdtemp(prefix="liveactor-examples-")
    atexit.register(shutil.rmtree, _state, ignore_errors=True)
os.environ.setdefault("NOTES_EXPORT_STEP_S", "0.01")  # the export is slow on purpose; not here
