#pragma once

#include <QtGlobal>

#include <atomic>

namespace LiveActor {

/// A copy of the Python layer's counters (PythonInterpreter::stats()). Plain value type.
struct PythonStats
{
    quint64 calls = 0;          ///< handler calls (mount, params, event, info) into Python
    quint64 crashes = 0;        ///< calls that raised (each one crashes its view)
    quint64 overBudget = 0;     ///< calls that ran past the handler budget (logged)
    quint64 interrupted = 0;    ///< calls interrupted with HandlerTimeout past the hard limit
    qint64 gilWaitNs = 0;       ///< total time threads waited to get the GIL
    qint64 gilHeldNs = 0;       ///< total time the GIL was held through GilGuard
    // The worker pool and async tasks (liveactor/_work.py)
    int workers = 0;            ///< pool size
    int workersBusy = 0;        ///< running a callback now
    int workersQueued = 0;      ///< callbacks waiting for a worker
    int workersLeaked = 0;      ///< stuck past twice the handler timeout (replaced)
    quint64 handlerTimeouts = 0; ///< pool callbacks interrupted with HandlerTimeout
    int asyncTasks = 0;         ///< start_async / assign_async tasks running
};

/// The live counters behind PythonStats (any thread, relaxed atomics).
struct PythonCounters
{
    std::atomic<quint64> calls{0};
    std::atomic<quint64> crashes{0};
    std::atomic<quint64> overBudget{0};
    std::atomic<quint64> interrupted{0};
    std::atomic<qint64> gilWaitNs{0};
    std::atomic<qint64> gilHeldNs{0};

    static PythonCounters &global();
    PythonStats snapshot() const;
};

} // namespace LiveActor
