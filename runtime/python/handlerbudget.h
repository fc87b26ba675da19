#pragma once

#include <QString>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace LiveActor {

/// Watches Python handler calls and enforces the handler budget.
///
/// Every call into Python opens a Scope. A call still running after `warnAfter` is logged once
/// (category liveactor.python) and counted (PythonStats::overBudget); one still running after
/// `interruptAfter` (0 = never) gets liveactor.HandlerTimeout raised inside it with
/// PyThreadState_SetAsyncExc, which crashes that view only; it is raised again every quarter of
/// `interruptAfter` (at least 100 ms) while the call still runs, so catching it does not let a
/// handler escape the limit. The exception is delivered at the next
/// Python bytecode boundary: code blocked in C (time.sleep, a socket read) is interrupted when it
/// returns to Python. A pending interrupt is cleared when the scope ends, so it never fires in
/// a later, unrelated call.
///
/// Cost: a Scope touches only its own thread's slot (two atomic stores and an uncontended lock),
/// never the watchdog. The watchdog polls the slots every tick (warnAfter/4, 5–50 ms) and parks
/// after a second without calls; the first Scope after that wakes it. An earlier version
/// notified the watchdog on every call: under load that was a futex wake-up and a context
/// switch per event, about a fifth of the server's CPU with the Python counter.
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

    struct Slot;

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
        Slot *m_slot = nullptr;
        std::uint64_t m_seq = 0;
    };

private:
    Slot *slotForThisThread();
    void run();
    void wakeIfParked();

    const std::chrono::milliseconds m_warnAfter;
    const std::chrono::milliseconds m_interruptAfter;
    const std::uint64_t m_generation;
    std::mutex m_mutex; // guards m_slots, m_stop and parking
    std::condition_variable m_cv;
    std::vector<std::unique_ptr<Slot>> m_slots;
    std::atomic<bool> m_parked{false};
    bool m_stop = false;
    std::thread m_thread;
};

} // namespace LiveActor
