#pragma once

#include <QAbstractEventDispatcher>
#include <QHash>

#include <atomic>
#include <cstdint>
#include <map>

/// A QAbstractEventDispatcher on Linux epoll: the cost of a loop iteration depends on the
/// descriptors that are ready, not on how many are registered. Qt's own dispatchers (GLib and
/// UNIX) rebuild and poll the whole descriptor set on every iteration. With 10,000 idle
/// sockets on one thread that is ~10 ms per iteration here (liveactor-dispatcher-bench).
///
/// The executors' event dispatcher (SystemConfig::dispatcher; measured in
/// bench/loadgen/liveactor-dispatcher-bench). Install it per thread with
/// QThread::setEventDispatcher() before the thread starts. Thread affinity: the thread it is
/// installed on; only wakeUp() and interrupt() may be called from other threads. Socket
/// notifiers are level-triggered like Qt's; timers are precise to 1 ms (all TimerTypes alike).
/// Errors from epoll_ctl are reported with qWarning, as Qt's dispatchers do.
namespace LiveActor {

class EpollEventDispatcher : public QAbstractEventDispatcher
{
public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;
    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;
    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;
    void wakeUp() override;
    void interrupt() override;

private:
    struct FdEntry
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        std::uint32_t events = 0;   ///< currently registered with epoll
    };
    struct Timer
    {
        qint64 intervalMs;
        Qt::TimerType type;
        QObject *object;
        std::multimap<qint64, int>::iterator due;
    };
    void updateFd(int fd);
    bool fireTimers();

    int m_epoll = -1;
    int m_wakeFd = -1;
    std::atomic<bool> m_interrupt{false};
    QHash<int, FdEntry> m_fds;
    QHash<int, Timer> m_timers;
    std::multimap<qint64, int> m_deadlines;   ///< deadline (ms, steady clock) → timer id
};

} // namespace LiveActor
