// runCtlCommand(): `liveactor ctl` against a real ControlServer in this process.
#include "support/actors.h"

#include "core/actorsystem.h"
#include "telemetry/controlserver.h"
#include "telemetry/ctlcommand.h"

#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

using namespace LiveActor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;

class tst_CtlCommand : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    std::unique_ptr<ActorSystem> m_system;
    std::unique_ptr<ControlServer> m_server;
    QUuid m_view;

private Q_SLOTS:
    void initTestCase()
    {
        m_system = std::make_unique<ActorSystem>(SystemConfig{.executors = 1});
        spawnSupervised(*m_system, 1, u"view"_s);
        QTRY_COMPARE(m_system->registry().count(), 2);
        for (const ActorInfo &info : m_system->registry().snapshot().actors)
            if (info.kind == u"view"_s)
                m_view = info.id;
        m_server = std::make_unique<ControlServer>(*m_system, ControlConfig{.port = 0, .stateDir = m_dir.path()});
        QVERIFY(m_server->start());
    }
    void cleanupTestCase()
    {
        m_server.reset();
        m_system.reset();
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("nothing") << QStringList();
        QTest::newRow("bad action") << QStringList{u"explode"_s, QUuid::createUuid().toString()};
        QTest::newRow("bad id") << QStringList{u"kill"_s, u"123"_s};
        QTest::newRow("bad option") << QStringList{u"kill"_s, QUuid::createUuid().toString(), u"--frobnicate"_s};
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QCOMPARE(runCtlCommand(args), 2);
    }

    void traceForSeconds()
    {
        // Traffic while `ctl trace` runs its local event loop for one second.
        std::atomic<bool> stop{false};
        ActorRef view = m_system->resolve(m_view);
        std::thread load([&] {
            while (!stop.load()) {
                view.tell(Value{1});
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
        });
        const int code = runCtlCommand({u"trace"_s, m_view.toString(), u"--state-dir"_s, m_dir.path(), u"--seconds"_s, u"1"_s});
        stop = true;
        load.join();
        QCOMPARE(code, 0);
        QVERIFY(m_server->auditLog().join(u'\n').contains(u"action=trace_start"_s));
        QTRY_COMPARE(m_server->traceCount(), 0); // the connection closed: the trace ended
        QCOMPARE(runCtlCommand({u"trace"_s, QUuid::createUuid().toString(), u"--state-dir"_s, m_dir.path()}), 1);
        QCOMPARE(runCtlCommand({u"trace"_s, m_view.toString(), u"--state-dir"_s, m_dir.path(), u"--preview"_s}), 2);
    }

    void previewChangesNothing()
    {
        QCOMPARE(runCtlCommand({u"kill"_s, m_view.toString(), u"--state-dir"_s, m_dir.path(), u"--preview"_s}), 0);
        QCOMPARE(runCtlCommand({u"shutdown"_s, m_view.toString(), u"--state-dir"_s, m_dir.path(), u"--preview"_s}), 0);
        QCOMPARE(runCtlCommand({u"ping"_s, m_view.toString(), u"--state-dir"_s, m_dir.path(), u"--preview"_s}), 2);
        QCOMPARE(runCtlCommand({u"kill"_s, QUuid::createUuid().toString(), u"--state-dir"_s, m_dir.path(), u"--preview"_s}), 1);
        QTest::qWait(200);
        QCOMPARE(m_system->registry().find(m_view)->restartCount, 0);
        QCOMPARE(m_system->registry().find(m_view)->state, ActorState::Running);
        QVERIFY(m_server->auditLog().last().contains(u"action=preview"_s));
    }

    void killThroughStateDir()
    {
        // Finds URL and token through <state dir>/control.json.
        const int code = runCtlCommand({u"kill"_s, m_view.toString(QUuid::WithoutBraces), u"--state-dir"_s, m_dir.path(),
                                        u"--reason"_s, u"ctl test"_s});
        QCOMPARE(code, 0);
        QTRY_COMPARE(m_system->registry().find(m_view)->restartCount, 1);
        QVERIFY(m_server->auditLog().last().contains(u"reason=\"ctl test\""_s));
        QVERIFY(m_server->auditLog().last().contains(u"liveactor-ctl@"_s));
    }

    void restartWithExplicitUrlAndToken()
    {
        QTRY_COMPARE(m_system->registry().find(m_view)->state, ActorState::Running);
        const int code = runCtlCommand({u"restart"_s, m_view.toString(), u"--url"_s, m_server->url().toString(),
                                        u"--token"_s, m_server->operateToken()});
        QCOMPARE(code, 0);
        QTRY_COMPARE(m_system->registry().find(m_view)->restartCount, 2);
    }

    void refusals()
    {
        // Read-only token: refused by the runtime (exit 1), nothing happens.
        QCOMPARE(runCtlCommand({u"kill"_s, m_view.toString(), u"--url"_s, m_server->url().toString(), u"--token"_s,
                                m_server->readOnlyToken()}),
                 1);
        // Wrong token: cannot authenticate (exit 3).
        QCOMPARE(runCtlCommand({u"kill"_s, m_view.toString(), u"--url"_s, m_server->url().toString(), u"--token"_s,
                                u"nope"_s}),
                 3);
        // Unknown actor (exit 1).
        QCOMPARE(runCtlCommand({u"kill"_s, QUuid::createUuid().toString(), u"--state-dir"_s, m_dir.path()}), 1);
        // Nobody listening (exit 3).
        QCOMPARE(runCtlCommand({u"ping"_s, m_view.toString(), u"--url"_s, u"ws://127.0.0.1:1/"_s, u"--token"_s, u"x"_s,
                                u"--timeout-ms"_s, u"3000"_s}),
                 3);
        QCOMPARE(m_system->registry().find(m_view)->restartCount, 2);
    }
};

QTEST_GUILESS_MAIN(tst_CtlCommand)
#include "tst_ctlcommand.moc"
