#pragma once

#include <QtGlobal>

#include <chrono>

namespace LiveActor {

/// Takes the GIL for a scope, cheaply, on any thread (executors, the HTTP thread, the watchdog).
///
/// Unlike pybind11::gil_scoped_acquire, the first GilGuard on a thread creates a Python thread
/// state that stays for the thread's lifetime, so later guards only swap the GIL (no thread state
/// allocation per handler call). Nested guards and pybind11's own guards inside are fine.
/// The time spent waiting for the GIL and holding it is added to the process-wide counters that
/// PythonInterpreter::stats() reports. Requires a running interpreter; a thread that used a
/// GilGuard must not outlive PythonInterpreter (stop the actor system first).
class GilGuard
{
public:
    GilGuard();
    ~GilGuard();
    GilGuard(const GilGuard &) = delete;
    GilGuard &operator=(const GilGuard &) = delete;

    /// Nanoseconds this guard waited for the GIL.
    qint64 waitedNs() const { return m_waitNs; }

private:
    int m_state; // PyGILState_STATE
    std::chrono::steady_clock::time_point m_acquired;
    qint64 m_waitNs = 0;
};

} // namespace LiveActor
