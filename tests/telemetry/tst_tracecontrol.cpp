// Message traces over the control plane (TraceStart/TraceStop/TraceBatch) against a real runtime
// (threaded ActorSystem) over real WebSockets on 127.0.0.1.
#include "support/controltestclient.h"
#include "support/actors.h"

#include "core/actorsystem.h"
#include "telemetry/controlserver.h"

#include <QTemporaryDir>
#include <QTest>

using namespace LiveActor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

pb::Command traceCommand(const QString &id, bool start, bool subtree = false, quint32 maxPerSecond = 0)
{
    pb::Command c;
    c.set_actor_id(id.toStdString());
    if (start) {
        c.mutable_trace_start()->set_reason("test");
        c.mutable_trace_start()->set_subtree(subtree);
        c.mutable_trace_start()->set_max_per_second(maxPerSecond);
    } else {
        c.mutable_trace_stop()->set_reason("test");
    }
    return c;
}

QString text(const std::string &s)
{
    return QString::fromStdString(s);
}

} // namespace

class tst_TraceControl : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<ActorSystem> m_system;
    std::unique_ptr<ControlServer> m_server;
    ActorRef m_supervisor;

    QList<ActorRef> views() const
    {
        QList<ActorRef> out;
        for (const ActorInfo &info : m_system->registry().snapshot().actors)
            if (info.kind == u"view"_s && info.parent == m_supervisor.id())
                out << m_system->resolve(info.id);
        return out;
    }
    static QString idOf(const ActorRef &ref) { return ref.id().toString(QUuid::WithoutBraces); }
    std::unique_ptr<ControlTestClient> client(const QString &token)
    {
        auto c = std::make_unique<ControlTestClient>();
        if (!c->open(m_server->url()))
            return nullptr;
        auto auth = c->auth(token);
        return auth && auth->ok() ? std::move(c) : nullptr;
    }
    /// Sends n Values to ref and pings it: once the pong is back, all n were handled.
    void sendAndSettle(ActorRef ref, int n)
    {
        for (int i = 0; i < n; ++i)
            QVERIFY(ref.tell(Value{i}) == SendStatus::Ok);
        bool pong = false;
        m_system->ping(ref.id(), 5000ms, this, [&](Result<std::chrono::microseconds> r) { pong = r.has_value(); });
        QTRY_VERIFY(pong);
    }
    /// Batches of root's trace until `records` records arrived (or the trace stopped).
    QList<pb::TraceRecord> collect(ControlTestClient &c, const QString &root, int records, quint64 *dropped = nullptr,
                                   bool untilStopped = false)
    {
        QList<pb::TraceRecord> out;
        while (true) {
            auto m = c.waitFor([&](const pb::ServerMessage &s) {
                return s.has_trace_batch() && text(s.trace_batch().actor_id()) == root;
            });
            if (!m)
                return out;
            for (const pb::TraceRecord &r : m->trace_batch().records())
                out << r;
            if (dropped)
                *dropped = m->trace_batch().dropped();
            if (m->trace_batch().stopped() || (!untilStopped && out.size() + qsizetype(dropped ? *dropped : 0) >= records))
                return out;
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_system = std::make_unique<ActorSystem>(SystemConfig{.executors = 2});
        m_supervisor = spawnSupervised(*m_system, 3, u"view"_s, 100);
        QTRY_COMPARE(m_system->registry().count(), 4);
        ControlConfig config;
        config.port = 0;
        config.stateDir = m_dir.filePath(u"state"_s);
        config.maxTracesPerClient = 3;
        m_server = std::make_unique<ControlServer>(*m_system, config);
        QVERIFY(m_server->start().has_value());
    }

    void cleanupTestCase()
    {
        m_server.reset();
        m_system->shutdown(3000ms);
        m_system.reset();
    }

    void recordsArriveThenStop()
    {
        auto c = client(m_server->operateToken());
        QVERIFY(c);
        const ActorRef view = views().at(0);
        auto started = c->command(traceCommand(idOf(view), true));
        QVERIFY(started);
        QVERIFY2(started->ok(), started->message().c_str());
        QCOMPARE(started->trace_max_per_second(), 2000u);
        QCOMPARE(m_server->traceCount(), 1);
        sendAndSettle(view, 5);
        const QList<pb::TraceRecord> records = collect(*c, idOf(view), 5);
        QCOMPARE(records.size(), 5);
        for (const pb::TraceRecord &r : records) {
            QCOMPARE(text(r.actor_id()), idOf(view));
            QCOMPARE(r.actor_kind(), std::string("view"));
            QVERIFY(!r.outgoing());
            QCOMPARE(r.type(), std::string("LiveActor::Test::Value"));
            QCOMPARE(r.size(), quint32(sizeof(Value)));
            QVERIFY(r.wait_ns() >= 0);
            QVERIFY(r.processing_ns() >= 0);
            QVERIFY(r.time_us() > 0);
        }

        auto stopped = c->command(traceCommand(idOf(view), false));
        QVERIFY(stopped && stopped->ok());
        auto last = c->waitFor([](const pb::ServerMessage &s) { return s.has_trace_batch(); });
        QVERIFY(last);
        QVERIFY(last->trace_batch().stopped());
        QCOMPARE(last->trace_batch().stop_reason(), std::string("stopped"));
        QCOMPARE(m_server->traceCount(), 0);
        // Stopped: handled messages produce no more batches.
        sendAndSettle(view, 5);
        QTest::qWait(3 * m_server->config().traceBatchMs);
        QVERIFY(!c->waitFor([](const pb::ServerMessage &s) { return s.has_trace_batch(); }, 0));
        // A second stop has nothing to stop.
        auto again = c->command(traceCommand(idOf(view), false));
        QVERIFY(again && !again->ok());
        QCOMPARE(again->error_code(), std::string("not_found"));
        QVERIFY(m_server->auditLog().last().contains(u"action=trace_stop"_s));
    }

    void subtreeCoversChildren()
    {
        auto c = client(m_server->operateToken());
        QVERIFY(c);
        auto started = c->command(traceCommand(idOf(m_supervisor), true, true));
        QVERIFY(started && started->ok());
        const QList<ActorRef> children = views();
        QCOMPARE(children.size(), 3);
        for (const ActorRef &child : children)
            sendAndSettle(child, 2);
        QSet<QString> seen;
        for (const pb::TraceRecord &r : collect(*c, idOf(m_supervisor), 6))
            seen.insert(text(r.actor_id()));
        QCOMPARE(seen, (QSet<QString>{idOf(children[0]), idOf(children[1]), idOf(children[2])}));
        QVERIFY(c->command(traceCommand(idOf(m_supervisor), false))->ok());
    }

    void rateLimitCountsDrops()
    {
        auto c = client(m_server->operateToken());
        QVERIFY(c);
        const ActorRef view = views().at(1);
        auto started = c->command(traceCommand(idOf(view), true, false, 3));
        QVERIFY(started && started->ok());
        QCOMPARE(started->trace_max_per_second(), 3u);
        sendAndSettle(view, 40);
        quint64 dropped = 0;
        const QList<pb::TraceRecord> records = collect(*c, idOf(view), 40, &dropped);
        // Every message is either sent or counted; at 3/s some of 40 are counted (the exact
        // split is the kernel test's, on the virtual clock).
        QCOMPARE(quint64(records.size()) + dropped, quint64(40));
        QVERIFY2(dropped > 0, qPrintable(QString::number(dropped)));
        QVERIFY(c->command(traceCommand(idOf(view), false))->ok());
    }

    void scopesAndOwnership()
    {
        // Read-only tokens may trace: a trace observes, like FetchAssigns.
        auto reader = client(m_server->readOnlyToken());
        QVERIFY(reader);
        const ActorRef view = views().at(2);
        auto started = reader->command(traceCommand(idOf(view), true));
        QVERIFY(started);
        QVERIFY2(started->ok(), started->message().c_str());
        // Another connection cannot stop it: traces belong to the connection that started them.
        auto other = client(m_server->operateToken());
        QVERIFY(other);
        auto foreign = other->command(traceCommand(idOf(view), false));
        QVERIFY(foreign && !foreign->ok());
        QCOMPARE(foreign->error_code(), std::string("not_found"));
        // Unknown actors and bad ids.
        auto unknown = reader->command(traceCommand(QUuid::createUuid().toString(QUuid::WithoutBraces), true));
        QVERIFY(unknown && !unknown->ok());
        QCOMPARE(unknown->error_code(), std::string("not_found"));
        auto bad = reader->command(traceCommand(u"not-a-uuid"_s, true));
        QVERIFY(bad && !bad->ok());
        QCOMPARE(bad->error_code(), std::string("bad_request"));
        // Closing the connection ends its traces.
        QCOMPARE(m_server->traceCount(), 1);
        reader->socket().close();
        QTRY_COMPARE(m_server->traceCount(), 0);
    }

    void tooManyTracesRefused()
    {
        auto c = client(m_server->readOnlyToken());
        QVERIFY(c);
        QList<QString> ids{idOf(m_supervisor)};
        for (const ActorRef &v : views())
            ids << idOf(v);
        QCOMPARE(ids.size(), 4);
        for (int i = 0; i < 3; ++i)
            QVERIFY(c->command(traceCommand(ids[i], true))->ok());
        auto refused = c->command(traceCommand(ids[3], true));
        QVERIFY(refused && !refused->ok());
        QCOMPARE(refused->error_code(), std::string("full"));
        // Starting one that runs again replaces it: still three.
        QVERIFY(c->command(traceCommand(ids[0], true))->ok());
        QCOMPARE(m_server->traceCount(), 3);
    }

    void actorExitEndsTrace()
    {
        auto c = client(m_server->operateToken());
        QVERIFY(c);
        const ActorRef view = views().at(0);
        QVERIFY(c->command(traceCommand(idOf(view), true))->ok());
        m_system->kill(view.id());
        auto last = c->waitFor([](const pb::ServerMessage &s) { return s.has_trace_batch() && s.trace_batch().stopped(); });
        QVERIFY(last);
        QCOMPARE(last->trace_batch().stop_reason(), std::string("actor exited"));
        QTRY_COMPARE(m_server->traceCount(), 0);
    }
};

QTEST_MAIN(tst_TraceControl)
#include "tst_tracecontrol.moc"
