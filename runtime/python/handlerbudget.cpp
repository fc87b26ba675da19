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

HandlerBudget::HandlerBudget(std::chrono::milliseconds warnAfter, std::chrono::milliseconds interruptAfter)
    : m_warnAfter(warnAfter), m_interruptAfter(interruptAfter)
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

HandlerBudget::Scope::Scope(HandlerBudget *budget, QString label) : m_budget(budget)
{
    if (!m_budget)
        return;
    std::lock_guard lock(m_budget->m_mutex);
    m_id = m_budget->m_nextId++;
    m_budget->m_active.emplace(m_id, Entry{PyThread_get_thread_ident(), std::chrono::steady_clock::now(),
                                            std::move(label)});
    if (m_budget->m_active.size() == 1)
        m_budget->m_cv.notify_all();
}

bool HandlerBudget::Scope::interrupted() const
{
    if (!m_budget)
        return false;
    std::lock_guard lock(m_budget->m_mutex);
    auto it = m_budget->m_active.find(m_id);
    return it != m_budget->m_active.end() && it->second.interrupted;
}

HandlerBudget::Scope::~Scope()
{
    if (!m_budget)
        return;
    bool wasInterrupted = false;
    {
        std::lock_guard lock(m_budget->m_mutex);
        auto it = m_budget->m_active.find(m_id);
        if (it != m_budget->m_active.end()) {
            wasInterrupted = it->second.interrupted;
            m_budget->m_active.erase(it);
        }
    }
    // GIL held: drop an interrupt that was raised but not delivered yet.
    if (wasInterrupted)
        PyThreadState_SetAsyncExc(PyThread_get_thread_ident(), nullptr);
}

void HandlerBudget::run()
{
    const auto tick = std::chrono::milliseconds(std::clamp<qint64>(m_warnAfter.count() / 4, 5, 50));
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
        if (m_active.empty()) {
            m_cv.wait(lock, [this] { return m_stop || !m_active.empty(); });
            continue;
        }
        m_cv.wait_for(lock, tick, [this] { return m_stop; });
        if (m_stop)
            break;
        const auto now = std::chrono::steady_clock::now();
        std::vector<std::uint64_t> toInterrupt;
        for (auto &[id, e] : m_active) {
            const auto ran = now - e.start;
            if (!e.warned && m_warnAfter.count() > 0 && ran >= m_warnAfter) {
                e.warned = true;
                PythonCounters::global().overBudget.fetch_add(1, std::memory_order_relaxed);
                qCWarning(lcPython).noquote() << e.label << "is running past the handler budget of"
                                              << m_warnAfter.count() << "ms";
            }
            if (!e.interrupted && m_interruptAfter.count() > 0 && ran >= m_interruptAfter)
                toInterrupt.push_back(id);
        }
        if (toInterrupt.empty())
            continue;
        // Raising needs the GIL; the running handler gives it up at the next switch interval.
        lock.unlock();
        {
            GilGuard gil;
            std::lock_guard relock(m_mutex);
            for (auto id : toInterrupt) {
                auto it = m_active.find(id);
                if (it == m_active.end() || it->second.interrupted)
                    continue; // finished meanwhile (its scope ended under the GIL)
                it->second.interrupted = true;
                PyThreadState_SetAsyncExc(it->second.threadIdent, handlerTimeoutType());
                PythonCounters::global().interrupted.fetch_add(1, std::memory_order_relaxed);
                qCWarning(lcPython).noquote() << "interrupting" << it->second.label << "after"
                                              << m_interruptAfter.count() << "ms (HandlerTimeout)";
            }
        }
        lock.lock();
    }
}

} // namespace LiveActor
