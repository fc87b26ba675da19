#include "python/handlerbudget.h"

#include "python/gilguard.h"
#include "python/pythonstats.h"

#include <QLoggingCategory>

#include <algorithm>

#include <Python.h>

#include <vector>

Q_DECLARE_LOGGING_CATEGORY(lcPython)

namespace LiveActor {

namespace {
PyObject *handlerTimeoutType()
{
    // GIL held. liveactor._host.HandlerTimeout, looked up once.
    static PyObject *type = [] {
        PyObject *module = PyImport_ImportModule("liveactor._host");
        PyObject *t = module ? PyObject_GetAttrString(module, "HandlerTimeout") : nullptr;
        Py_XDECREF(module);
        if (!t) {
            PyErr_Clear();
            t = PyExc_TimeoutError;
            Py_INCREF(t);
        }
        return t;
    }();
    return type;
}
} // namespace

/// One per thread that calls into Python. seq is odd while a call runs; the watchdog reads a
/// call's start and label only while seq still holds the value it saw.
struct HandlerBudget::Slot
{
    std::atomic<std::uint64_t> seq{0};
    std::atomic<std::int64_t> startNs{0};
    std::atomic<std::uint64_t> interruptedSeq{0};
    unsigned long threadIdent = 0;
    std::mutex labelMutex;
    QString label;
    std::uint64_t warnedSeq = 0; // watchdog thread only
    std::int64_t raisedNs = 0;   // watchdog thread only: when HandlerTimeout was last raised
};

namespace {
std::atomic<std::uint64_t> g_generations{0};

std::int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}
} // namespace

HandlerBudget::HandlerBudget(std::chrono::milliseconds warnAfter, std::chrono::milliseconds interruptAfter)
    : m_warnAfter(warnAfter), m_interruptAfter(interruptAfter), m_generation(g_generations.fetch_add(1) + 1)
{
    m_thread = std::thread([this] { run(); });
}

HandlerBudget::~HandlerBudget()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_cv.notify_all();
    m_thread.join();
}

HandlerBudget::Slot *HandlerBudget::slotForThisThread()
{
    // The generation, not the address, identifies the budget: a later one may reuse the address.
    thread_local std::uint64_t generation = 0;
    thread_local Slot *slot = nullptr;
    if (generation != m_generation) {
        auto owned = std::make_unique<Slot>();
        owned->threadIdent = PyThread_get_thread_ident();
        slot = owned.get();
        std::lock_guard lock(m_mutex);
        m_slots.push_back(std::move(owned));
        generation = m_generation;
    }
    return slot;
}

void HandlerBudget::wakeIfParked()
{
    if (!m_parked.load()) // seq_cst, pairs with run()'s park check
        return;
    {
        std::lock_guard lock(m_mutex);
        m_parked.store(false);
    }
    m_cv.notify_one();
}

HandlerBudget::Scope::Scope(HandlerBudget *budget, QString label)
{
    if (!budget)
        return;
    m_slot = budget->slotForThisThread();
    {
        std::lock_guard lock(m_slot->labelMutex);
        m_slot->label = std::move(label);
    }
    m_slot->startNs.store(nowNs(), std::memory_order_relaxed);
    m_seq = m_slot->seq.fetch_add(1) + 1; // odd: running (seq_cst, pairs with the park check)
    budget->wakeIfParked();
}

bool HandlerBudget::Scope::interrupted() const
{
    return m_slot && m_slot->interruptedSeq.load() == m_seq;
}

HandlerBudget::Scope::~Scope()
{
    if (!m_slot)
        return;
    // GIL held, so the watchdog (which raises under the GIL) cannot interrupt concurrently.
    // Drop an interrupt that was raised but not delivered yet.
    if (m_slot->interruptedSeq.load() == m_seq)
        PyThreadState_SetAsyncExc(m_slot->threadIdent, nullptr);
    m_slot->seq.fetch_add(1); // even: idle
}

void HandlerBudget::run()
{
    const auto tick = std::chrono::milliseconds(std::clamp<qint64>(m_warnAfter.count() / 4, 5, 50));
    // Long enough for a raised HandlerTimeout to be delivered (the handler needs the GIL back,
    // up to a switch interval) and unwind before it is raised again.
    const std::int64_t reraiseNs = std::max<std::int64_t>(100, m_interruptAfter.count() / 4) * 1000000;
    const int idleTicksBeforeParking = int(std::max<qint64>(1, 1000 / tick.count()));
    int idleTicks = 0;
    std::uint64_t lastSeqSum = 0;
    std::vector<Slot *> slots;
    struct Overrun
    {
        Slot *slot;
        std::uint64_t seq;
    };
    std::vector<Overrun> toInterrupt;
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
        m_cv.wait_for(lock, tick, [this] { return m_stop; });
        if (m_stop)
            break;
        slots.clear();
        for (const auto &s : m_slots)
            slots.push_back(s.get());
        lock.unlock();

        const std::int64_t now = nowNs();
        std::uint64_t seqSum = 0;
        bool running = false;
        toInterrupt.clear();
        for (Slot *slot : slots) {
            const std::uint64_t seq = slot->seq.load();
            seqSum += seq;
            if (seq % 2 == 0)
                continue;
            running = true;
            const auto ran = std::chrono::nanoseconds(now - slot->startNs.load(std::memory_order_relaxed));
            if (slot->seq.load() != seq)
                continue; // finished meanwhile: start belonged to another call
            if (slot->warnedSeq != seq && m_warnAfter.count() > 0 && ran >= m_warnAfter) {
                QString label;
                {
                    std::lock_guard labelLock(slot->labelMutex);
                    label = slot->label;
                }
                if (slot->seq.load() == seq) {
                    slot->warnedSeq = seq;
                    PythonCounters::global().overBudget.fetch_add(1, std::memory_order_relaxed);
                    qCWarning(lcPython).noquote() << label << "is running past the handler budget of"
                                                  << m_warnAfter.count() << "ms";
                }
            }
            // Raised again while the call goes on: a handler that catches HandlerTimeout (a bare
            // except in a retry loop, a finally that recurses) does not outlive the limit by it.
            if (m_interruptAfter.count() > 0 && ran >= m_interruptAfter
                && (slot->interruptedSeq.load() != seq || now - slot->raisedNs >= reraiseNs))
                toInterrupt.push_back({slot, seq});
        }
        if (!toInterrupt.empty()) {
            // Raising needs the GIL; the running handler gives it up at the next switch interval.
            // While this thread holds it no Scope can end, so seq is stable below.
            GilGuard gil;
            for (const Overrun &o : toInterrupt) {
                if (o.slot->seq.load() != o.seq)
                    continue; // finished meanwhile
                o.slot->raisedNs = now;
                PyThreadState_SetAsyncExc(o.slot->threadIdent, handlerTimeoutType());
                if (o.slot->interruptedSeq.exchange(o.seq) == o.seq)
                    continue; // raised again: counted and logged the first time
                PythonCounters::global().interrupted.fetch_add(1, std::memory_order_relaxed);
                QString label;
                {
                    std::lock_guard labelLock(o.slot->labelMutex);
                    label = o.slot->label;
                }
                qCWarning(lcPython).noquote() << "interrupting" << label << "after" << m_interruptAfter.count()
                                              << "ms (HandlerTimeout)";
            }
        }

        idleTicks = (running || seqSum != lastSeqSum) ? 0 : idleTicks + 1;
        lastSeqSum = seqSum;
        lock.lock();
        if (idleTicks < idleTicksBeforeParking)
            continue;
        // Park until a Scope starts. Dekker-style with the Scope constructor (both seq_cst): either
        // it sees m_parked and wakes us, or we see its odd seq here and do not park.
        m_parked.store(true);
        bool busy = false;
        for (const auto &s : m_slots)
            busy = busy || s->seq.load() % 2 == 1;
        if (busy) {
            m_parked.store(false);
            idleTicks = 0;
            continue;
        }
        m_cv.wait(lock, [this] { return m_stop || !m_parked.load(); });
        idleTicks = 0;
    }
}

} // namespace LiveActor
