// Assigns histories over the control plane (HistoryStart/HistoryStop/HistoryBatch) against a real
// LiveView server and its CounterView: a WebSocket client joins "/" and clicks, the control plane
// (real WebSockets on 127.0.0.1) reports each handled event with the assigns it changed.
#include "support/channelclient.h"
#include "support/controltestclient.h"
#include "support/serverfixture.h"

#include "telemetry/controlserver.h"

#include <QTest>

using namespace LiveActor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

QString text(const std::string &s)
{
    return QString::fromStdString(s);
}

pb::Command historyCommand(const QString &id, bool start, quint32 length = 0, quint32 maxValueBytes = 0)
{
    pb::Command c;
    c.set_actor_id(id.toStdString());
    if (start) {
        c.mutable_history_start()->set_reason("test");
        c.mutable_history_start()->set_length(length);
        c.mutable_history_start()->set_max_value_bytes(maxValueBytes);
    } else {
        c.mutable_history_stop()->set_reason("test");
    }
    return c;
}

const pb::AssignChange *changeOf(const pb::HistoryEntry &entry, const char *key)
{
    for (const pb::AssignChange &c : entry.changes())
        if (c.key() == key)
            return &c;
    return nullptr;
}

/// A LiveView server with the test views, a control plane on the same actor system and one
/// joined CounterView ("/").
struct Runtime
{
    explicit Runtime(int historyBatchMs = 100)
        : control(f.system, ControlConfig{.port = 0, .stateDir = f.dir.path(), .historyBatchMs = historyBatchMs})
    {
        ok = f.ok && control.start() && client.waitConnected();
        if (!ok)
            return;
        joined = client.joinPage(f.port(), f.url(u"/"_s), "/");
        for (const ActorInfo &info : f.system.registry().snapshot().actors) {
            if (info.kind == u"view"_s)
                view = info.id.toString(QUuid::WithoutBraces);
            else if (info.kind == u"session"_s)
                session = info.id.toString(QUuid::WithoutBraces);
        }
        ok = !joined.joinRef.isEmpty() && !view.isEmpty();
    }
    ~Runtime() { control.stop(); }
    std::unique_ptr<ControlTestClient> monitor(bool operate = true)
    {
        auto c = std::make_unique<ControlTestClient>();
        if (!c->open(control.url()))
            return nullptr;
        auto auth = c->auth(operate ? control.operateToken() : control.readOnlyToken());
        return auth && auth->ok() ? std::move(c) : nullptr;
    }
    /// Clicks event and waits for its reply; returns the reply's status.
    QString click(const QString &event, const QJsonObject &value = {})
    {
        return status(client.reply(client.click(joined.joinRef, joined.topic, event, value)));
    }

    ServerFixture f;
    ControlServer control;
    Client client{f.port()};
    Client::Joined joined;
    QString view, session;
    bool ok = false;
};

/// Batches of view's history until `entries` entries arrived or a batch says stopped; *last gets
/// the last batch.
QList<pb::HistoryEntry> collect(ControlTestClient &c, const QString &view, int entries, pb::HistoryBatch *last = nullptr)
{
    QList<pb::HistoryEntry> out;
    while (out.size() < entries) {
        auto m = c.waitFor([&](const pb::ServerMessage &s) {
            return s.has_history_batch() && text(s.history_batch().actor_id()) == view;
        });
        if (!m)
            break;
        for (const pb::HistoryEntry &e : m->history_batch().entries())
            out << e;
        if (last)
            last->MergeFrom(m->history_batch());
        if (m->history_batch().stopped())
            break;
    }
    return out;
}

} // namespace

class tst_HistoryControl : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void eventsRecordChangedAssigns()
    {
        Runtime rt;
        QVERIFY(rt.ok);
        auto c = rt.monitor();
        QVERIFY(c);
        auto started = c->command(historyCommand(rt.view, true));
        QVERIFY(started);
        QVERIFY2(started->ok(), started->message().c_str());
        QCOMPARE(started->history_length(), 100u);
        QCOMPARE(started->history_max_value_bytes(), 2048u);
        QCOMPARE(rt.control.historyCount(), 1);

        // The first batch carries the assigns the history starts from.
        auto first = c->waitFor([](const pb::ServerMessage &s) { return s.has_history_batch(); });
        QVERIFY(first);
        QVERIFY(first->history_batch().has_base());
        QSet<QString> baseKeys;
        for (const pb::AssignChange &a : first->history_batch().base()) {
            baseKeys << text(a.key());
            if (a.key() == "count")
                QCOMPARE(a.after(), std::string("0"));
            if (a.key() == "connected")
                QCOMPARE(a.after(), std::string("\"yes\""));
        }
        QCOMPARE(baseKeys, (QSet<QString>{u"count"_s, u"connected"_s, u"mount"_s}));

        QCOMPARE(rt.click(u"inc"_s, {{u"by"_s, u"5"_s}}), u"ok"_s);
        QCOMPARE(rt.click(u"inc"_s), u"ok"_s);
        QCOMPARE(rt.click(u"nope"_s), u"error"_s); // no handler: refused, nothing changes
        QList<pb::HistoryEntry> entries = collect(*c, rt.view, 3);
        for (const pb::HistoryEntry &e : first->history_batch().entries())
            entries.prepend(e);
        QCOMPARE(entries.size(), 3);

        const pb::HistoryEntry &inc5 = entries[0];
        QCOMPARE(inc5.seq(), 1u);
        QCOMPARE(inc5.kind(), std::string("event"));
        QCOMPARE(inc5.name(), std::string("inc"));
        QCOMPARE(inc5.payload(), std::string(R"({"by":"5"})"));
        QVERIFY(!inc5.payload_truncated());
        QCOMPARE(inc5.outcome(), std::string("ok"));
        QVERIFY(inc5.diff_bytes() > 0);
        QVERIFY(inc5.duration_ns() > 0);
        QVERIFY(inc5.time_us() > 0);
        QCOMPARE(inc5.changes_size(), 1);
        const pb::AssignChange *count = changeOf(inc5, "count");
        QVERIFY(count);
        QCOMPARE(count->before(), std::string("0"));
        QCOMPARE(count->after(), std::string("5"));
        QVERIFY(!count->added() && !count->removed());

        QCOMPARE(entries[1].seq(), 2u);
        QCOMPARE(entries[1].changes_size(), 1);
        QCOMPARE(changeOf(entries[1], "count")->before(), std::string("5"));
        QCOMPARE(changeOf(entries[1], "count")->after(), std::string("6"));

        QCOMPARE(entries[2].name(), std::string("nope"));
        QVERIFY2(text(entries[2].outcome()).startsWith(u"refused: "_s), entries[2].outcome().c_str());
        QCOMPARE(entries[2].changes_size(), 0);
        QCOMPARE(entries[2].diff_bytes(), -1);
        QVERIFY(rt.control.auditLog().filter(u"action=history_start"_s).size() == 1);
    }

    void stopEndsRecording()
    {
        Runtime rt;
        QVERIFY(rt.ok);
        auto c = rt.monitor();
        QVERIFY(c);
        QVERIFY(c->command(historyCommand(rt.view, true))->ok());
        QCOMPARE(rt.click(u"inc"_s), u"ok"_s);
        QCOMPARE(collect(*c, rt.view, 1).size(), 1);
        auto stopped = c->command(historyCommand(rt.view, false));
        QVERIFY(stopped && stopped->ok());
        pb::HistoryBatch last;
        collect(*c, rt.view, 1000, &last);
        QVERIFY(last.stopped());
        QCOMPARE(last.stop_reason(), std::string("stopped"));
        QCOMPARE(rt.control.historyCount(), 0);
        // Stopped: later events produce no batches.
        QCOMPARE(rt.click(u"inc"_s), u"ok"_s);
        QCOMPARE(rt.click(u"inc"_s), u"ok"_s);
        QTest::qWait(3 * rt.control.config().historyBatchMs);
        QVERIFY(!c->waitFor([](const pb::ServerMessage &s) { return s.has_history_batch(); }, 0));
        auto again = c->command(historyCommand(rt.view, false));
        QVERIFY(again && !again->ok());
        QCOMPARE(again->error_code(), std::string("not_found"));
        QVERIFY(!rt.control.auditLog().filter(u"action=history_stop"_s).isEmpty());
    }

    void keepsTheLastN()
    {
        // Batches every minute: everything stays in the runtime's ring until the stop sends it.
        Runtime rt(60000);
        QVERIFY(rt.ok);
        auto c = rt.monitor();
        QVERIFY(c);
        auto started = c->command(historyCommand(rt.view, true, 3));
        QVERIFY(started && started->ok());
        QCOMPARE(started->history_length(), 3u);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(rt.click(u"inc"_s), u"ok"_s);
        QVERIFY(c->command(historyCommand(rt.view, false))->ok());
        pb::HistoryBatch last;
        const QList<pb::HistoryEntry> entries = collect(*c, rt.view, 1000, &last);
        QVERIFY(last.stopped());
        QCOMPARE(last.length(), 3u);
        QCOMPARE(last.lost(), 2u);
        QCOMPARE(entries.size(), 3);
        QCOMPARE(entries[0].seq(), 3u);
        QCOMPARE(entries[2].seq(), 5u);
        QCOMPARE(changeOf(entries[0], "count")->after(), std::string("3"));
        QCOMPARE(changeOf(entries[2], "count")->after(), std::string("5"));
    }

    void valuesAreCut()
    {
        Runtime rt;
        QVERIFY(rt.ok);
        auto c = rt.monitor();
        QVERIFY(c);
        auto started = c->command(historyCommand(rt.view, true, 0, 1)); // below the floor of 16
        QVERIFY(started && started->ok());
        QCOMPARE(rt.click(u"inc"_s, {{u"by"_s, u"2"_s}, {u"note"_s, QString(100, u'é')}}), u"ok"_s);
        const QList<pb::HistoryEntry> entries = collect(*c, rt.view, 1);
        QCOMPARE(entries.size(), 1);
        QVERIFY(entries[0].payload_truncated());
        QVERIFY(entries[0].payload().size() <= 16);
        QVERIFY(QString::fromStdString(entries[0].payload()).isValidUtf16()); // cut between characters
        QCOMPARE(changeOf(entries[0], "count")->after(), std::string("2"));
    }

    void scopesAndTargets()
    {
        Runtime rt;
        QVERIFY(rt.ok);
        // Read-only tokens may keep histories: they only read.
        auto reader = rt.monitor(false);
        QVERIFY(reader);
        auto started = reader->command(historyCommand(rt.view, true));
        QVERIFY(started);
        QVERIFY2(started->ok(), started->message().c_str());
        // Only views have assigns.
        auto session = reader->command(historyCommand(rt.session, true));
        QVERIFY(session && !session->ok());
        QCOMPARE(session->error_code(), std::string("not_supported"));
        auto unknown = reader->command(historyCommand(QUuid::createUuid().toString(QUuid::WithoutBraces), true));
        QVERIFY(unknown && !unknown->ok());
        QCOMPARE(unknown->error_code(), std::string("not_found"));
        // Another connection cannot stop it; closing the owner's connection ends it.
        auto other = rt.monitor();
        QVERIFY(other);
        QCOMPARE(other->command(historyCommand(rt.view, false))->error_code(), std::string("not_found"));
        QCOMPARE(rt.control.historyCount(), 1);
        reader->socket().close();
        QTRY_COMPARE(rt.control.historyCount(), 0);
    }

    void crashIsRecordedThenHistoryEnds()
    {
        Runtime rt;
        QVERIFY(rt.ok);
        auto c = rt.monitor();
        QVERIFY(c);
        QVERIFY(c->command(historyCommand(rt.view, true))->ok());
        QCOMPARE(rt.click(u"crash"_s), u"error"_s);
        pb::HistoryBatch last;
        const QList<pb::HistoryEntry> entries = collect(*c, rt.view, 1000, &last);
        QVERIFY(last.stopped());
        QCOMPARE(last.stop_reason(), std::string("actor exited"));
        QCOMPARE(entries.size(), 1);
        QVERIFY2(text(entries[0].outcome()).startsWith(u"error: "_s), entries[0].outcome().c_str());
        QTRY_COMPARE(rt.control.historyCount(), 0);
    }
};

QTEST_MAIN(tst_HistoryControl)
#include "tst_historycontrol.moc"
