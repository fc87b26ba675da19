#include "core/executor.h"

#include "core/actorcell_p.h"
#include "core/epolleventdispatcher.h"
#include "core/executor_p.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QTimer>

namespace LiveActor {

namespace {
thread_local Executor *t_current = nullptr;
}

Executor::~Executor() = default;

Executor *Executor::current()
{
    return t_current;
}

void Executor::setCurrent(Executor *executor)
{
    t_current = executor;
}

// ---------------------------------------------------------------- TimerQueue

Executor::TimerId TimerQueue::add(Clock::time_point deadline, std::move_only_function<void()> fn,
                                  bool &becameEarliest)
{
    std::lock_guard lock(m_mutex);
    const Executor::TimerId id = m_next++;
    becameEarliest = m_order.empty() || deadline < m_order.begin()->first;
    m_order.emplace(deadline, id);
    m_timers.emplace(id, std::make_pair(deadline, std::move(fn)));
    return id;
}

bool TimerQueue::cancel(Executor::TimerId id)
{
    std::move_only_function<void()> doomed; // destroyed outside the lock
    std::lock_guard lock(m_mutex);
    auto it = m_timers.find(id);
    if (it == m_timers.end())
        return false;
    auto range = m_order.equal_range(it->second.first);
    for (auto o = range.first; o != range.second; ++o) {
        if (o->second == id) {
            m_order.erase(o);
            break;
        }
    }
    doomed = std::move(it->second.second);
    m_timers.erase(it);
    return true;
}

std::vector<std::move_only_function<void()>> TimerQueue::takeDue(Clock::time_point now)
{
    std::vector<std::move_only_function<void()>> due;
    std::lock_guard lock(m_mutex);
    while (!m_order.empty() && m_order.begin()->first <= now) {
        auto it = m_timers.find(m_order.begin()->second);
        m_order.erase(m_order.begin());
        if (it != m_timers.end()) {
            due.push_back(std::move(it->second.second));
            m_timers.erase(it);
        }
    }
    return due;
}

std::optional<TimerQueue::Clock::time_point> TimerQueue::earliest() const
{
    std::lock_guard lock(m_mutex);
    if (m_order.empty())
        return std::nullopt;
    return m_order.begin()->first;
}

bool TimerQueue::takeFirstDue(Clock::time_point limit, Clock::time_point &deadline,
                              std::move_only_function<void()> &fn)
{
    std::lock_guard lock(m_mutex);
    if (m_order.empty() || m_order.begin()->first > limit)
        return false;
    deadline = m_order.begin()->first;
    auto it = m_timers.find(m_order.begin()->second);
    m_order.erase(m_order.begin());
    fn = std::move(it->second.second);
    m_timers.erase(it);
    return true;
}

void TimerQueue::clear()
{
    decltype(m_timers) doomed;
    std::lock_guard lock(m_mutex);
    m_order.clear();
    doomed.swap(m_timers);
}

// ---------------------------------------------------------------- ThreadExecutor

const QEvent::Type ThreadExecutor::WakeEvent = QEvent::Type(QEvent::registerEventType());

namespace {
thread_local ThreadExecutor *t_threadExecutor = nullptr; // the executor owning this thread
}

void ExecutorContext::customEvent(QEvent *)
{
    m_executor->drain();
}

ThreadExecutor::ThreadExecutor(ActorSystem *system, int index, int batchSize,
                               std::chrono::microseconds timeSlice, bool epollDispatcher)
    : Executor(system, index)
    , m_batchSize(batchSize)
    , m_timeSlice(timeSlice)
{
    m_thread = QThread::create([this] {
        m_context = new ExecutorContext(this);
        m_timer = new QTimer(m_context);
        m_timer->setSingleShot(true);
        m_timer->setTimerType(Qt::PreciseTimer);
        QObject::connect(m_timer, &QTimer::timeout, m_context, [this] { drain(); });
        t_threadExecutor = this;
        QEventLoop loop;
        m_loop = &loop;
        m_ready.release();
        loop.exec(); // until stop() makes it quit from inside
        m_loop = nullptr;
        delete m_context;
        m_finished.release();
    });
    m_thread->setObjectName(QStringLiteral("liveactor-executor-%1").arg(index));
    if (epollDispatcher)
        m_thread->setEventDispatcher(new EpollEventDispatcher); // the thread takes ownership
    m_thread->start();
    m_ready.acquire();
}

ThreadExecutor::~ThreadExecutor()
{
    stop();
    delete m_thread;
}

void ThreadExecutor::stop()
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopped)
            return;
        m_stopped = true;
    }
    // Quit from inside the thread: QThread::quit() from here would touch the thread's event
    // dispatcher while the finishing thread deletes it (a race ThreadSanitizer reports).
    QMetaObject::invokeMethod(
        m_context, [] { t_threadExecutor->quitLoop(); }, Qt::QueuedConnection); // captures nothing, see customEvent
    m_finished.acquire();
    m_thread->wait();
    m_context = nullptr;
    std::deque<std::shared_ptr<ActorCell>> cells;
    std::deque<std::move_only_function<void()>> tasks;
    {
        std::lock_guard lock(m_mutex);
        cells.swap(m_remote);
        tasks.swap(m_tasks);
    }
    m_local.clear();
    m_timerQueue.clear();
}

void ThreadExecutor::quitLoop()
{
    if (m_loop)
        m_loop->quit();
}

void ThreadExecutor::wakeLocked()
{
    if (!m_wakePending && !m_stopped) {
        m_wakePending = true;
        m_wakes.fetch_add(1, std::memory_order_relaxed);
        QCoreApplication::postEvent(m_context, new QEvent(WakeEvent));
    }
}

void ThreadExecutor::schedule(std::shared_ptr<ActorCell> cell)
{
    if (t_current == this) {
        m_local.push_back(std::move(cell)); // inside drain(): it loops until m_local is empty
        return;
    }
    std::lock_guard lock(m_mutex);
    m_remote.push_back(std::move(cell));
    wakeLocked();
}

void ThreadExecutor::post(std::move_only_function<void()> fn)
{
    std::lock_guard lock(m_mutex);
    if (m_stopped)
        return;
    m_tasks.push_back(std::move(fn));
    wakeLocked();
}

Executor::TimerId ThreadExecutor::startTimer(std::chrono::milliseconds delay, std::move_only_function<void()> fn)
{
    bool earliest = false;
    const TimerId id = m_timerQueue.add(Clock::now() + delay, std::move(fn), earliest);
    // Re-arm the one QTimer on the executor thread when the new deadline is the earliest.
    if (earliest && !m_rearmPending.exchange(true))
        post([this] {
            m_rearmPending.store(false);
            rearmTimer();
        });
    return id;
}

bool ThreadExecutor::cancelTimer(TimerId id)
{
    return m_timerQueue.cancel(id);
}

void ThreadExecutor::rearmTimer()
{
    auto next = m_timerQueue.earliest();
    if (!next) {
        if (m_timer->isActive())
            m_timer->stop();
        return;
    }
    // Re-registering a QTimer with the dispatcher costs microseconds: skip it on every wake-up
    // that did not change the earliest deadline.
    if (m_timer->isActive() && *next == m_armedFor)
        return;
    m_armedFor = *next;
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now()).count();
    m_timer->start(int(std::max<qint64>(0, ms)));
}

void ThreadExecutor::drain()
{
    Executor *previous = t_current;
    t_current = this;
    const auto start = Clock::now();
    for (auto &fn : m_timerQueue.takeDue(start))
        fn();
    std::deque<std::move_only_function<void()>> tasks;
    int work = 0; // messages + activations since the clock was last read
    for (;;) {
        if (m_local.empty() || !tasks.empty()) {
            std::lock_guard lock(m_mutex);
            tasks.swap(m_tasks);
            for (auto &cell : m_remote)
                m_local.push_back(std::move(cell));
            m_remote.clear();
            if (m_local.empty() && tasks.empty()) {
                m_wakePending = false;
                break;
            }
        }
        while (!tasks.empty()) {
            auto fn = std::move(tasks.front());
            tasks.pop_front();
            fn();
        }
        if (!m_local.empty()) {
            std::shared_ptr<ActorCell> cell = std::move(m_local.front());
            m_local.pop_front();
            work += cell->activate();
        }
        // Reading the clock after every one-message activation cost ~10% of a ping-pong; read it
        // after every 32 units of work instead (a batch of messages, or 16 tiny activations).
        if (++work >= 32) {
            work = 0;
            if (Clock::now() - start >= m_timeSlice) {
                // Yield to the event loop (sockets, timers) with one wake event queued behind it.
                std::lock_guard lock(m_mutex);
                if (!m_local.empty() || !m_remote.empty() || !m_tasks.empty()) {
                    m_wakes.fetch_add(1, std::memory_order_relaxed);
                    QCoreApplication::postEvent(m_context, new QEvent(WakeEvent));
                } else {
                    m_wakePending = false;
                }
                break;
            }
        }
    }
    rearmTimer();
    t_current = previous;
}

// ---------------------------------------------------------------- ManualExecutor

ManualExecutor::ManualExecutor(ActorSystem *system, int index, const Clock::time_point *virtualNow)
    : Executor(system, index)
    , m_thread(QThread::currentThread())
    , m_context(new QObject)
    , m_now(virtualNow)
{
}

ManualExecutor::~ManualExecutor()
{
    m_queue.clear();
    m_tasks.clear();
    m_timerQueue.clear();
    delete m_context;
}

void ManualExecutor::post(std::move_only_function<void()> fn)
{
    std::lock_guard lock(m_mutex);
    m_tasks.push_back(std::move(fn));
}

Executor::TimerId ManualExecutor::startTimer(std::chrono::milliseconds delay, std::move_only_function<void()> fn)
{
    bool earliest = false;
    return m_timerQueue.add(*m_now + delay, std::move(fn), earliest);
}

bool ManualExecutor::cancelTimer(TimerId id)
{
    return m_timerQueue.cancel(id);
}

void ManualExecutor::schedule(std::shared_ptr<ActorCell> cell)
{
    std::lock_guard lock(m_mutex);
    m_queue.push_back(std::move(cell));
}

bool ManualExecutor::runOnce()
{
    std::move_only_function<void()> task;
    std::shared_ptr<ActorCell> cell;
    {
        std::lock_guard lock(m_mutex);
        if (!m_tasks.empty()) {
            task = std::move(m_tasks.front());
            m_tasks.pop_front();
        } else if (!m_queue.empty()) {
            cell = std::move(m_queue.front());
            m_queue.pop_front();
        } else {
            return false;
        }
    }
    Executor *previous = t_current;
    t_current = this;
    if (task)
        task();
    else
        cell->activate();
    t_current = previous;
    return true;
}

void ManualExecutor::runTimer(std::move_only_function<void()> &fn)
{
    Executor *previous = t_current;
    t_current = this;
    fn();
    t_current = previous;
}

} // namespace LiveActor
