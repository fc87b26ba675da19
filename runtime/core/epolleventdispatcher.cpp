#include "core/epolleventdispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QThread>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <vector>

namespace LiveActor {

namespace {

qint64 nowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch()).count();
}

} // namespace

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
    , m_wakeFd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC))
{
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = m_wakeFd;
    if (m_epoll < 0 || m_wakeFd < 0 || ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &ev) != 0)
        qFatal("EpollEventDispatcher: cannot create epoll/eventfd");
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    ::close(m_wakeFd);
    ::close(m_epoll);
}

void EpollEventDispatcher::wakeUp()
{
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = ::write(m_wakeFd, &one, sizeof one);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupt.store(true, std::memory_order_release);
    wakeUp();
}

void EpollEventDispatcher::updateFd(int fd)
{
    auto it = m_fds.find(fd);
    std::uint32_t want = 0;
    if (it != m_fds.end()) {
        if (it->read)
            want |= EPOLLIN;
        if (it->write)
            want |= EPOLLOUT;
        if (it->exception)
            want |= EPOLLPRI;
    }
    const std::uint32_t had = it != m_fds.end() ? it->events : 0;
    if (want == had) {
        if (it != m_fds.end() && want == 0)
            m_fds.erase(it);
        return;
    }
    epoll_event ev{};
    ev.events = want;
    ev.data.fd = fd;
    const int op = had == 0 ? EPOLL_CTL_ADD : want == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    if (::epoll_ctl(m_epoll, op, fd, &ev) != 0)
        qWarning("EpollEventDispatcher: epoll_ctl(%d) on fd %d failed", op, fd);
    if (want == 0)
        m_fds.erase(it);
    else
        it->events = want;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *n)
{
    FdEntry &e = m_fds[int(n->socket())];
    switch (n->type()) {
    case QSocketNotifier::Read: e.read = n; break;
    case QSocketNotifier::Write: e.write = n; break;
    case QSocketNotifier::Exception: e.exception = n; break;
    }
    updateFd(int(n->socket()));
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *n)
{
    auto it = m_fds.find(int(n->socket()));
    if (it == m_fds.end())
        return;
    switch (n->type()) {
    case QSocketNotifier::Read: if (it->read == n) it->read = nullptr; break;
    case QSocketNotifier::Write: if (it->write == n) it->write = nullptr; break;
    case QSocketNotifier::Exception: if (it->exception == n) it->exception = nullptr; break;
    }
    updateFd(int(n->socket()));
}

void EpollEventDispatcher::registerTimer(int id, qint64 interval, Qt::TimerType type, QObject *object)
{
    auto due = m_deadlines.emplace(nowMs() + interval, id);
    m_timers.insert(id, Timer{interval, type, object, due});
}

bool EpollEventDispatcher::unregisterTimer(int id)
{
    auto it = m_timers.find(id);
    if (it == m_timers.end())
        return false;
    m_deadlines.erase(it->due);
    m_timers.erase(it);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    bool any = false;
    for (auto it = m_timers.begin(); it != m_timers.end();) {
        if (it->object == object) {
            m_deadlines.erase(it->due);
            it = m_timers.erase(it);
            any = true;
        } else {
            ++it;
        }
    }
    return any;
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> out;
    for (auto it = m_timers.cbegin(); it != m_timers.cend(); ++it)
        if (it->object == object)
            out.append(TimerInfo(it.key(), int(it->intervalMs), it->type));
    return out;
}

int EpollEventDispatcher::remainingTime(int id)
{
    auto it = m_timers.find(id);
    if (it == m_timers.end())
        return -1;
    return int(std::max<qint64>(0, it->due->first - nowMs()));
}

bool EpollEventDispatcher::fireTimers()
{
    const qint64 now = nowMs();
    std::vector<int> due;
    for (auto it = m_deadlines.begin(); it != m_deadlines.end() && it->first <= now; ++it)
        due.push_back(it->second);
    for (int id : due) {
        auto it = m_timers.find(id);
        if (it == m_timers.end())
            continue;   // unregistered by an earlier timer's handler
        // Re-arm before delivery (the handler may kill or restart the timer).
        qint64 next = it->due->first + it->intervalMs;
        m_deadlines.erase(it->due);
        if (next <= now)
            next = now + it->intervalMs;
        it->due = m_deadlines.emplace(next, id);
        QTimerEvent ev(id);
        QCoreApplication::sendEvent(it->object, &ev);
    }
    return !due.empty();
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupt.store(false, std::memory_order_relaxed);
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();
    if (m_interrupt.load(std::memory_order_acquire))
        return false;

    int timeout = 0;
    if (flags & QEventLoop::WaitForMoreEvents) {
        if (m_deadlines.empty()) {
            timeout = -1;
        } else {
            timeout = int(std::max<qint64>(0, m_deadlines.begin()->first - nowMs()));
        }
        if (timeout != 0)
            Q_EMIT aboutToBlock();
    }
    epoll_event events[256];
    const int n = ::epoll_wait(m_epoll, events, 256, timeout);
    if (timeout != 0)
        Q_EMIT awake();
    bool handled = false;
    for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == m_wakeFd) {
            std::uint64_t v;
            [[maybe_unused]] auto r = ::read(m_wakeFd, &v, sizeof v);
            continue;
        }
        if (flags & QEventLoop::ExcludeSocketNotifiers)
            continue;
        const std::uint32_t ev = events[i].events;
        // Look the notifier up again before each delivery: a handler may have removed it.
        auto deliver = [&](QSocketNotifier *FdEntry::*which) {
            auto it = m_fds.constFind(fd);
            if (it == m_fds.cend() || !(it.value().*which))
                return;
            QEvent act(QEvent::SockAct);
            QCoreApplication::sendEvent(it.value().*which, &act);
            handled = true;
        };
        if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR))
            deliver(&FdEntry::read);
        if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR))
            deliver(&FdEntry::write);
        if (ev & EPOLLPRI)
            deliver(&FdEntry::exception);
    }
    if (!(flags & QEventLoop::X11ExcludeTimers))
        handled = fireTimers() || handled;
    return handled;
}

} // namespace LiveActor
