#pragma once

#include <QString>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

namespace LiveActor {

/// Watches Python handler calls and enforces the handler budget.
///
/// Every call into Python opens a Scope. A call still running after `warnAfter` is logged once
/// (category liveactor.python) and counted (PythonStats::overBudget); one still running after
/// `interruptAfter` (0 = never) gets liveactor.HandlerTimeout raised inside it with
/// PyThreadState_SetAsyncExc, which crashes that view only. The exception is delivered at the next
/// Python bytecode boundary: code blocked in C (time.sleep, a socket read) is interrupted when it
/// returns to Python. A pending interrupt is cleared when the scope ends, so it never fires in
/// a later, unrelated call.
///
/// Threading: one watchdog std::thread, started by the constructor and joined by the destructor;
/// Scope may be used on any thread while the GIL is held. Owned by PythonInterpreter.
class HandlerBudget
{
public:
    HandlerBudget(std::chrono::milliseconds warnAfter, std::chrono::milliseconds interruptAfter);
    ~HandlerBudget();
    HandlerBudget(const HandlerBudget &) = delete;
    HandlerBudget &operator=(const HandlerBudget &) = delete;

    std::chrono::milliseconds warnAfter() const { return m_warnAfter; }
    std::chrono::milliseconds interruptAfter() const { return m_interruptAfter; }

    /// One handler call (GIL held by the caller for the scope's whole life).
    class Scope
    {
    public:
        Scope(HandlerBudget *budget, QString label);
        ~Scope();
        Scope(const Scope &) = delete;
        Scope &operator=(const Scope &) = delete;
        /// true if the watchdog raised HandlerTimeout in this call.
        bool interrupted() const;

    private:
        HandlerBudget *m_budget;
        std::uint64_t m_id = 0;
    };

private:
    struct Entry
    {
        unsigned long threadIdent;
        std::chrono::steady_clock::time_point start;
        QString label;
        bool warned = false;
        bool interrupted = false;
    };
    void run();

    std::chrono::milliseconds m_warnAfter;
    std::chrono::milliseconds m_interruptAfter;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::map<std::uint64_t, Entry> m_active;
    std::uint64_t m_nextId = 1;
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace LiveActor
