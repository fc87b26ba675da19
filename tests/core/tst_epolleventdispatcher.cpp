// EpollEventDispatcher runs every executor thread's event loop, so everything Qt needs from a
// dispatcher is checked on a real thread: sockets, timers, posted and deferred-delete events,
// wake-ups from other threads, and descriptor reuse after a socket closes.
#include "core/epolleventdispatcher.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <functional>
#include <memory>

using namespace LiveActor;

namespace {

/// Runs body on a fresh thread whose dispatcher is EpollEventDispatcher; body gets the thread's
/// event loop and must make it quit (a 5 s guard quits it otherwise). Returns once it finished.
void onEpollThread(const std::function<void(QEventLoop &)> &body)
{
    std::unique_ptr<QThread> thread(QThread::create([&] {
        QEventLoop loop;
        QTimer::singleShot(5000, &loop, &QEventLoop::quit);
        body(loop);
        loop.exec();
    }));
    thread->setEventDispatcher(new EpollEventDispatcher);
    thread->start();
    QVERIFY(thread->wait(10000));
}

} // namespace

class tst_EpollEventDispatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void isInstalled()
    {
        bool isEpoll = false;
        onEpollThread([&](QEventLoop &loop) {
            isEpoll = dynamic_cast<EpollEventDispatcher *>(QThread::currentThread()->eventDispatcher()) != nullptr;
            QMetaObject::invokeMethod(&loop, &QEventLoop::quit, Qt::QueuedConnection); // loop not running yet
        });
        QVERIFY(isEpoll);
    }

    void socketsEcho()
    {
        // 1,000 round trips through a QTcpServer/QTcpSocket pair: read notifiers, write
        // notifiers (QTcpSocket buffers), accept.
        int echoed = 0;
        onEpollThread([&](QEventLoop &loop) {
            auto *server = new QTcpServer(&loop);
            QVERIFY(server->listen(QHostAddress::LocalHost, 0));
            QObject::connect(server, &QTcpServer::newConnection, server, [server] {
                QTcpSocket *peer = server->nextPendingConnection();
                QObject::connect(peer, &QTcpSocket::readyRead, peer, [peer] { peer->write(peer->readAll()); });
            });
            auto *client = new QTcpSocket(&loop);
            QObject::connect(client, &QTcpSocket::connected, client, [client] { client->write("x"); });
            QObject::connect(client, &QTcpSocket::readyRead, client, [&, client] {
                echoed += int(client->readAll().size());
                if (echoed < 1000)
                    client->write("x");
                else
                    loop.quit();
            });
            client->connectToHost(QHostAddress::LocalHost, server->serverPort());
        });
        QCOMPARE(echoed, 1000);
    }

    void timers_data()
    {
        QTest::addColumn<int>("intervalMs");
        QTest::addColumn<int>("ticks");
        QTest::newRow("zero") << 0 << 50;
        QTest::newRow("1 ms") << 1 << 20;
        QTest::newRow("20 ms") << 20 << 5;
    }
    void timers()
    {
        QFETCH(int, intervalMs);
        QFETCH(int, ticks);
        int seen = 0;
        qint64 elapsed = 0;
        onEpollThread([&](QEventLoop &loop) {
            auto *timer = new QTimer(&loop);
            auto *clock = new QElapsedTimer;
            clock->start();
            QObject::connect(timer, &QTimer::timeout, timer, [&, timer, clock] {
                if (++seen == ticks) {
                    timer->stop();
                    elapsed = clock->elapsed();
                    delete clock;
                    loop.quit();
                }
            });
            timer->start(intervalMs);
        });
        QCOMPARE(seen, ticks);
        // Never early: n intervals take at least n * interval (1 ms precision).
        QVERIFY2(elapsed >= qint64(intervalMs) * ticks - ticks, qPrintable(QString::number(elapsed)));
    }

    void stoppedTimerNeverFires()
    {
        int fired = 0;
        onEpollThread([&](QEventLoop &loop) {
            auto *doomed = new QTimer(&loop);
            QObject::connect(doomed, &QTimer::timeout, doomed, [&] { ++fired; });
            doomed->start(10);
            // A zero timer that kills the other one from inside a timer handler.
            QTimer::singleShot(0, doomed, [doomed] { doomed->stop(); });
            QTimer::singleShot(50, &loop, &QEventLoop::quit);
        });
        QCOMPARE(fired, 0);
    }

    void postedAndDeferredDeleteEvents()
    {
        bool invoked = false;
        bool deleted = false;
        onEpollThread([&](QEventLoop &loop) {
            auto *object = new QObject;
            QObject::connect(object, &QObject::destroyed, [&] { deleted = true; });
            QMetaObject::invokeMethod(&loop, [&, object] {
                invoked = true;
                object->deleteLater();
                QTimer::singleShot(10, &loop, &QEventLoop::quit);
            }, Qt::QueuedConnection);
        });
        QVERIFY(invoked);
        QVERIFY(deleted);
    }

    void wakeUpFromAnotherThread()
    {
        // The loop blocks in epoll_wait with no timers; a queued call from this thread must
        // wake it at once (the 5 s guard would show as a slow test and a false result).
        std::atomic<QEventLoop *> running{nullptr};
        std::atomic<bool> woke{false};
        std::unique_ptr<QThread> thread(QThread::create([&] {
            QEventLoop loop;
            running = &loop;
            loop.exec();
        }));
        thread->setEventDispatcher(new EpollEventDispatcher);
        thread->start();
        QTRY_VERIFY(running.load() != nullptr);
        QTest::qWait(50); // let it block
        QElapsedTimer clock;
        clock.start();
        QMetaObject::invokeMethod(running.load(), [&] {
            woke = true;
            running.load()->quit();
        }, Qt::QueuedConnection);
        QVERIFY(thread->wait(5000));
        QVERIFY(woke);
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
    }

    void descriptorReuseAfterClose()
    {
        // Sockets opened and closed in a row get the same descriptor numbers; each new one must
        // still be watched (a stale epoll registration would leave it deaf).
        int rounds = 0;
        onEpollThread([&](QEventLoop &loop) {
            auto *server = new QTcpServer(&loop);
            QVERIFY(server->listen(QHostAddress::LocalHost, 0));
            QObject::connect(server, &QTcpServer::newConnection, server, [server] {
                while (QTcpSocket *peer = server->nextPendingConnection()) {
                    QObject::connect(peer, &QTcpSocket::readyRead, peer, [peer] {
                        peer->write(peer->readAll());
                        peer->disconnectFromHost();
                    });
                    QObject::connect(peer, &QTcpSocket::disconnected, peer, &QObject::deleteLater);
                }
            });
            auto next = std::make_shared<std::function<void()>>();
            *next = [&, server, next] {
                if (rounds == 20) {
                    loop.quit();
                    return;
                }
                auto *client = new QTcpSocket(&loop);
                QObject::connect(client, &QTcpSocket::connected, client, [client] { client->write("ping"); });
                QObject::connect(client, &QTcpSocket::readyRead, client, [&, client, next] {
                    if (client->readAll() == "ping") {
                        ++rounds;
                        client->abort();
                        client->deleteLater();
                        QTimer::singleShot(0, &loop, *next);
                    }
                });
                client->connectToHost(QHostAddress::LocalHost, server->serverPort());
            };
            (*next)();
        });
        QCOMPARE(rounds, 20);
    }
};

QTEST_GUILESS_MAIN(tst_EpollEventDispatcher)
#include "tst_epolleventdispatcher.moc"
