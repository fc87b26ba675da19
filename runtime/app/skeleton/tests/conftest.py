"""pytest set-up: the app's views in one liveactor runtime for the whole run (the embedded
runtime is one per process), and asyncio tests without marks (pytest.ini: asyncio_mode = auto)."""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
@DEV_PATHS@
from liveactor.runtime import Runtime  # noqa: E402


@pytest.fixture(scope="session")
def runtime():
    rt = Runtime(app=os.path.join(ROOT, "app.py"))
    yield rt
    rt.close()
