#pragma once

// Runtime-internal executor implementations. Not for other modules.

#include "core/executor.h"

#include <QEvent>
#include <QObject>
#include <QThread>

#include <deque>
#include <map>
#include <mutex>
#include <semaphore>
#include <unordered_map>

QT_BEGIN_NAMESPACE
class QEventLoop;
class QTimer;
QT_END_NAMESPACE

namespace LiveActor {

/// Timers ordered by deadline; shared by both executor kinds. Thread-safe.
class TimerQueue
{
public:
    using Clock = Executor::Clock;
    Executor::TimerId add(Clock::time_point deadline, std::move_only_function<void()> fn, bool &becameEarliest);
    bool cancel(Executor::TimerId id);
    /// Removes and returns the callbacks due at `now`, in deadline order.
    std::vector<std::move_only_function<void()>> takeDue(Clock::time_point now);
    std::optional<Clock::time_point> earliest() const;
    /// Removes the earliest timer if it is due by `limit`; returns its callback and deadline.
    bool takeFirstDue(Clock::time_point limit, Clock::time_point &deadline, std::move_only_function<void()> &fn);
    void clear();

private:
    mutable std::mutex m_mutex;
    std::multimap<Clock::time_point, Executor::TimerId> m_order;
    std::unordered_map<Executor::TimerId, std::pair<Clock::time_point, std::move_only_function<void()>>> m_timers;
    Executor::TimerId m_next = 1;
};

class ThreadExecutor;

/// Lives on the executor thread; receives the wake event.
class ExecutorContext : public QObject
{
public:
    explicit ExecutorContext(ThreadExecutor *executor) : m_executor(executor) { }

protected:
    // The wake event. Its contents are never read: it was allocated on another thread and handed
    // over through Qt's (uninstrumented) posted-event queue; Qt reads its type, we only react.
    void customEvent(QEvent *event) override;

private:
    ThreadExecutor *m_executor;
};

/// A QThread running a Qt event loop; see Executor.
class ThreadExecutor final : public Executor
{
public:
    ThreadExecutor(ActorSystem *system, int index, int batchSize, std::chrono::microseconds timeSlice,
                   bool epollDispatcher);
    ~ThreadExecutor() override;

    QThread *thread() const override { return m_thread; }
    QObject *context() const override { return m_context; }
    void post(std::move_only_function<void()> fn) override;
    TimerId startTimer(std::chrono::milliseconds delay, std::move_only_function<void()> fn) override;
    bool cancelTimer(TimerId id) override;
    Clock::time_point now() const override { return Clock::now(); }
    void schedule(std::shared_ptr<ActorCell> cell) override;

    /// Stops the event loop and joins the thread. Main thread.
    void stop();
    void drain();
    static const QEvent::Type WakeEvent;
    void quitLoop();

private:
    void wakeLocked();
    void rearmTimer();

    QThread *m_thread = nullptr;
    ExecutorContext *m_context = nullptr;
    QTimer *m_timer = nullptr;
    QEventLoop *m_loop = nullptr;
    Clock::time_point m_armedFor{}; // executor thread only
    std::binary_semaphore m_ready{0};
    std::binary_semaphore m_finished{0}; // released last on the thread: a happens-before edge TSan sees
    const int m_batchSize;
    const std::chrono::microseconds m_timeSlice;

    std::mutex m_mutex;
    std::deque<std::shared_ptr<ActorCell>> m_remote;
    std::deque<std::move_only_function<void()>> m_tasks;
    bool m_wakePending = false;
    bool m_stopped = false;

    std::deque<std::shared_ptr<ActorCell>> m_local; // executor thread only
    TimerQueue m_timerQueue;
    std::atomic<bool> m_rearmPending{false};
};

/// Deterministic executor: queues only; ActorSystem drives it from the test thread.
class ManualExecutor final : public Executor
{
public:
    ManualExecutor(ActorSystem *system, int index, const Clock::time_point *virtualNow);
    ~ManualExecutor() override;

    QThread *thread() const override { return m_thread; }
    QObject *context() const override { return m_context; }
    void post(std::move_only_function<void()> fn) override;
    TimerId startTimer(std::chrono::milliseconds delay, std::move_only_function<void()> fn) override;
    bool cancelTimer(TimerId id) override;
    Clock::time_point now() const override { return *m_now; }
    void schedule(std::shared_ptr<ActorCell> cell) override;

    /// Runs one posted function or one actor activation; false if there was nothing to do.
    bool runOnce();
    TimerQueue &timers() { return m_timerQueue; }
    void runTimer(std::move_only_function<void()> &fn);

private:
    QThread *m_thread;
    QObject *m_context;
    const Clock::time_point *m_now;
    std::mutex m_mutex;
    std::deque<std::shared_ptr<ActorCell>> m_queue;
    std::deque<std::move_only_function<void()>> m_tasks;
    TimerQueue m_timerQueue;
};

} // namespace LiveActor
