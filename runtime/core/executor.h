#pragma once

#include <QtGlobal>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QObject;
class QThread;
QT_END_NAMESPACE

namespace LiveActor {

class ActorCell;
class ActorSystem;

/// One scheduler thread: owns a set of actors and runs them from its Qt event loop.
///
/// A threaded executor is a QThread running QEventLoop; an idle executor is woken by ONE posted
/// event however many messages arrive, then runs runnable actors (up to the system's batch size
/// of messages each) and returns to the event loop after about 1 ms so sockets and timers are
/// served. A deterministic executor (SystemConfig::deterministic) does the same on the thread
/// that calls ActorSystem::runUntilIdle(), with a virtual clock.
///
/// Owning QObjects: objects an actor owns (a QWebSocket, a QTimer) must live on thread(). Create
/// them in Actor::started() or later, or moveToThread(executor.thread()) them first, and delete
/// them in Actor::stopping() or the actor's destructor (both run on thread()). context() is a
/// QObject living on thread(), usable as the context of connect() and QMetaObject::invokeMethod.
///
/// Thread affinity: all public functions are thread-safe. Owned by ActorSystem; valid until it is
/// destroyed.
class Executor
{
public:
    using TimerId = quint64;
    using Clock = std::chrono::steady_clock;

    virtual ~Executor();

    int index() const { return m_index; }
    /// The thread the actors run on (the test thread for a deterministic executor).
    virtual QThread *thread() const = 0;
    /// A QObject living on thread().
    virtual QObject *context() const = 0;
    /// true when called from this executor's thread while it runs (or, deterministic: always
    /// on the driving thread).
    bool isCurrent() const { return current() == this; }
    /// The executor whose activation is running on the calling thread, or nullptr.
    static Executor *current();

    /// Runs fn on thread() soon (after the current activation); FIFO among posts. Any thread.
    /// fn must not throw. Posts to an executor that has stopped are discarded.
    virtual void post(std::move_only_function<void()> fn) = 0;
    /// Runs fn on thread() after delay (0 = next round). Any thread. Returns an id for
    /// cancelTimer(). Timers use now()'s clock (virtual in deterministic mode).
    virtual TimerId startTimer(std::chrono::milliseconds delay, std::move_only_function<void()> fn) = 0;
    /// true if the timer was pending and will now not run. Any thread.
    virtual bool cancelTimer(TimerId id) = 0;
    /// The executor's clock (steady_clock, or the virtual clock in deterministic mode).
    virtual Clock::time_point now() const = 0;

    /// Live actors placed on this executor.
    int actorCount() const { return m_actorCount.load(std::memory_order_relaxed); }
    /// Wake-ups (posted events) so far: one per transition idle → busy.
    quint64 wakeCount() const { return m_wakes.load(std::memory_order_relaxed); }

    // --- runtime internals
    /// Make an actor runnable on this executor (called once per idle → runnable transition).
    virtual void schedule(std::shared_ptr<ActorCell> cell) = 0;
    void actorAdded() { m_actorCount.fetch_add(1, std::memory_order_relaxed); }
    void actorRemoved() { m_actorCount.fetch_sub(1, std::memory_order_relaxed); }

protected:
    Executor(ActorSystem *system, int index) : m_system(system), m_index(index) { }
    static void setCurrent(Executor *executor);

    ActorSystem *m_system;
    const int m_index;
    std::atomic<int> m_actorCount{0};
    std::atomic<quint64> m_wakes{0};
};

} // namespace LiveActor
