#include "python/gilguard.h"

#include "python/pythonstats.h"

#include <Python.h>

namespace LiveActor {

namespace {
thread_local bool t_primed = false;

qint64 nsSince(std::chrono::steady_clock::time_point t)
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t).count();
}
} // namespace

GilGuard::GilGuard()
{
    const auto t0 = std::chrono::steady_clock::now();
    if (!t_primed) {
        // Keep one PyGILState count on this thread forever, so its thread state survives the
        // guards' Release calls (otherwise CPython allocates and frees one per call).
        // A thread that already holds the GIL (Python calling into C++) has a live thread state.
        if (!PyGILState_Check()) {
            PyGILState_Ensure();
            PyEval_SaveThread();
        }
        t_primed = true;
    }
    m_state = int(PyGILState_Ensure());
    m_acquired = std::chrono::steady_clock::now();
    m_waitNs = std::chrono::duration_cast<std::chrono::nanoseconds>(m_acquired - t0).count();
}

GilGuard::~GilGuard()
{
    auto &c = PythonCounters::global();
    c.gilWaitNs.fetch_add(m_waitNs, std::memory_order_relaxed);
    c.gilHeldNs.fetch_add(nsSince(m_acquired), std::memory_order_relaxed);
    PyGILState_Release(PyGILState_STATE(m_state));
}

PythonCounters &PythonCounters::global()
{
    static PythonCounters counters;
    return counters;
}

PythonStats PythonCounters::snapshot() const
{
    PythonStats s;
    s.calls = calls.load(std::memory_order_relaxed);
    s.crashes = crashes.load(std::memory_order_relaxed);
    s.overBudget = overBudget.load(std::memory_order_relaxed);
    s.interrupted = interrupted.load(std::memory_order_relaxed);
    s.gilWaitNs = gilWaitNs.load(std::memory_order_relaxed);
    s.gilHeldNs = gilHeldNs.load(std::memory_order_relaxed);
    return s;
}

} // namespace LiveActor
