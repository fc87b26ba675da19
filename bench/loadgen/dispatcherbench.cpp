// liveactor-dispatcher-bench: what does one Qt event-loop thread pay per wake-up when it also
// watches N idle sockets? The design (docs/architecture.md) warns that Qt's dispatchers poll every registered descriptor
// on each iteration; the server keeps thousands of idle WebSockets on its executors' loops.
//
// One thread ping-pongs a byte over a socketpair (each round trip = two loop wake-ups) while N
// idle eventfds (never readable, like idle sockets) are registered with QSocketNotifier; the
// same ping-pong on a raw epoll loop with the same N idle fds is the reference for an
// epoll-based dispatcher. Run it once with and once without QT_NO_GLIB=1 (bench/README.md).
//
//   liveactor-dispatcher-bench [--idle 0,1000,10000] [--seconds 2]
// Prints a table; the last line is one JSON object.
#include "core/epolleventdispatcher.h"

#include <QAbstractEventDispatcher>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

struct Fds
{
    std::vector<int> idle;
    int pair[2] = {-1, -1};
    explicit Fds(int n)
    {
        for (int i = 0; i < n; ++i)
            idle.push_back(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
        ::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, pair);
    }
    ~Fds()
    {
        for (int fd : idle)
            ::close(fd);
        ::close(pair[0]);
        ::close(pair[1]);
    }
};

/// Round trips per second through Qt's dispatcher with n idle notifiers on the same thread.
double qtRoundTrips(int n, double seconds)
{
    Fds fds(n);
    std::vector<std::unique_ptr<QSocketNotifier>> idle;
    for (int fd : fds.idle)
        idle.push_back(std::make_unique<QSocketNotifier>(fd, QSocketNotifier::Read));
    QSocketNotifier a(fds.pair[0], QSocketNotifier::Read), b(fds.pair[1], QSocketNotifier::Read);
    qint64 trips = 0;
    char c = 'x';
    QObject::connect(&b, &QSocketNotifier::activated, [&] {   // echo side
        char buf[64];
        if (::read(fds.pair[1], buf, sizeof buf) > 0)
            [[maybe_unused]] auto w = ::write(fds.pair[1], &c, 1);
    });
    QEventLoop loop;
    QElapsedTimer timer;
    QObject::connect(&a, &QSocketNotifier::activated, [&] {   // client side
        char buf[64];
        if (::read(fds.pair[0], buf, sizeof buf) > 0) {
            ++trips;
            if (timer.elapsed() >= qint64(seconds * 1000))
                loop.quit();
            else
                [[maybe_unused]] auto w = ::write(fds.pair[0], &c, 1);
        }
    });
    QTimer::singleShot(int(seconds * 1000) + 5000, &loop, &QEventLoop::quit);   // bound
    timer.start();
    [[maybe_unused]] auto w = ::write(fds.pair[0], &c, 1);
    loop.exec();
    return double(trips) / (double(timer.nsecsElapsed()) / 1e9);
}

/// The same ping-pong on a raw epoll loop (what an epoll-based dispatcher would cost).
double epollRoundTrips(int n, double seconds)
{
    Fds fds(n);
    const int ep = ::epoll_create1(EPOLL_CLOEXEC);
    for (int fd : fds.idle) {
        epoll_event ev{EPOLLIN, {.fd = fd}};
        ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    for (int fd : fds.pair) {
        epoll_event ev{EPOLLIN, {.fd = fd}};
        ::epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
    }
    char c = 'x', buf[64];
    qint64 trips = 0;
    QElapsedTimer timer;
    timer.start();
    [[maybe_unused]] auto w = ::write(fds.pair[0], &c, 1);
    epoll_event events[16];
    bool done = false;
    while (!done) {
        const int k = ::epoll_wait(ep, events, 16, 1000);
        if (k <= 0)
            break;
        for (int i = 0; i < k; ++i) {
            const int fd = events[i].data.fd;
            if (::read(fd, buf, sizeof buf) <= 0)
                continue;
            if (fd == fds.pair[1]) {
                w = ::write(fd, &c, 1);
            } else if (fd == fds.pair[0]) {
                ++trips;
                if (timer.elapsed() >= qint64(seconds * 1000))
                    done = true;
                else
                    w = ::write(fd, &c, 1);
            }
        }
    }
    ::close(ep);
    return double(trips) / (double(timer.nsecsElapsed()) / 1e9);
}

/// qtRoundTrips on a fresh thread whose event dispatcher is EpollEventDispatcher.
double epollDispatcherRoundTrips(int n, double seconds)
{
    double result = 0;
    std::unique_ptr<QThread> t(QThread::create([&] { result = qtRoundTrips(n, seconds); }));
    t->setEventDispatcher(new LiveActor::EpollEventDispatcher);
    t->start();
    t->wait();
    return result;
}

/// Real Qt networking and timers on an EpollEventDispatcher thread: QTcpServer accepts,
/// QTcpSocket echoes 1,000 messages, a repeating QTimer and a singleShot fire. True when all did.
bool selfTest()
{
    bool ok = false;
    std::unique_ptr<QThread> t(QThread::create([&] {
        QEventLoop loop;
        QTcpServer server;
        if (!server.listen(QHostAddress::LocalHost, 0))
            return;
        QTcpSocket *peer = nullptr;
        QObject::connect(&server, &QTcpServer::newConnection, [&] {
            peer = server.nextPendingConnection();
            QObject::connect(peer, &QTcpSocket::readyRead, [&] { peer->write(peer->readAll()); });
        });
        QTcpSocket client;
        int echoed = 0, ticks = 0;
        bool single = false;
        QObject::connect(&client, &QTcpSocket::connected, [&] { client.write("p"); });
        QObject::connect(&client, &QTcpSocket::readyRead, [&] {
            echoed += int(client.readAll().size());
            if (echoed < 1000)
                client.write("p");
            else if (ticks >= 3 && single)
                loop.quit();
        });
        QTimer tick;
        QObject::connect(&tick, &QTimer::timeout, [&] {
            if (++ticks >= 3 && single && echoed >= 1000)
                loop.quit();
        });
        tick.start(20);
        QTimer::singleShot(30, [&] { single = true; });
        QTimer::singleShot(5000, &loop, &QEventLoop::quit);   // bound
        client.connectToHost(QHostAddress::LocalHost, server.serverPort());
        loop.exec();
        ok = echoed >= 1000 && ticks >= 3 && single;
    }));
    t->setEventDispatcher(new LiveActor::EpollEventDispatcher);
    t->start();
    t->wait();
    return ok;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addHelpOption();
    p.addOption({u"idle"_s, u"Comma list of idle descriptor counts."_s, u"list"_s, u"0,100,1000,10000"_s});
    p.addOption({u"seconds"_s, u"Seconds per measurement."_s, u"s"_s, u"2"_s});
    p.addOption({u"selftest"_s, u"Only check EpollEventDispatcher with QTcpServer/QTcpSocket/QTimer."_s});
    p.process(app);
    if (p.isSet(u"selftest"_s)) {
        const bool ok = selfTest();
        std::printf("EpollEventDispatcher self-test: %s\n", ok ? "ok" : "FAILED");
        return ok ? 0 : 1;
    }
    const double seconds = std::clamp(p.value(u"seconds"_s).toDouble(), 0.2, 30.0);
    rlimit rl{};
    ::getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);

    const QString dispatcher = QString::fromLatin1(QAbstractEventDispatcher::instance()->metaObject()->className());
    std::printf("liveactor-dispatcher-bench: one thread, socketpair ping-pong, N idle fds registered\n");
    std::printf("Qt dispatcher: %s (QT_NO_GLIB=%s)\n", qPrintable(dispatcher), qgetenv("QT_NO_GLIB").constData());
    std::printf("%8s %18s %12s %22s %12s %18s %12s\n", "idle N", "Qt round trips/s", "Qt us/trip",
                "EpollEventDispatcher/s", "us/trip", "raw epoll trips/s", "us/trip");
    QJsonArray rows;
    for (const QString &s : p.value(u"idle"_s).split(u',', Qt::SkipEmptyParts)) {
        const int n = s.toInt();
        if (rlim_t(n + 64) > rl.rlim_cur) {
            std::printf("%8d  skipped: ulimit -n %lu\n", n, (unsigned long)rl.rlim_cur);
            continue;
        }
        const double qt = qtRoundTrips(n, seconds);
        const double ed = epollDispatcherRoundTrips(n, seconds);
        const double ep = epollRoundTrips(n, seconds);
        std::printf("%8d %18.0f %12.2f %22.0f %12.2f %18.0f %12.2f\n", n, qt, 1e6 / qt, ed, 1e6 / ed, ep, 1e6 / ep);
        std::fflush(stdout);
        rows.append(QJsonObject{{u"idle"_s, n}, {u"qt_round_trips_per_s"_s, qRound(qt)},
                                {u"epoll_dispatcher_round_trips_per_s"_s, qRound(ed)},
                                {u"epoll_round_trips_per_s"_s, qRound(ep)}});
    }
    std::printf("%s\n", QJsonDocument(QJsonObject{{u"benchmark"_s, u"dispatcher"_s}, {u"dispatcher"_s, dispatcher},
                                                  {u"rows"_s, rows}}).toJson(QJsonDocument::Compact).constData());
    return 0;
}
