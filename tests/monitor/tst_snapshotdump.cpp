// SnapshotDump (liveactor-monitor --dump): text and JSON of a live runtime's snapshot.
#include "support/liveruntime.h"

#include "monitor_app/core/instanceconnection.h"
#include "monitor_app/core/snapshotdump.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace LiveActor;
using namespace LiveActor::Monitor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;
namespace pb = ::liveactor::monitor::v1;

class tst_SnapshotDump : public QObject
{
    Q_OBJECT
    LiveRuntime m_runtime;
    pb::Hello m_hello;
    pb::Snapshot m_snapshot;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_runtime.start(2, 2, 1));
        QTRY_COMPARE(m_runtime.system->registry().count(), 1 + 2 + 4);
        m_runtime.system->kill(QUuid::fromString(m_runtime.ids(u"view"_s).at(0)));
        QTRY_COMPARE(m_runtime.system->registry().find(QUuid::fromString(m_runtime.ids(u"view"_s).at(0)))->restartCount, 1);
        m_runtime.server->setInstanceStatsProvider([] {
            return InstanceStats{{u"python workers"_s, u"1/4 busy, 0 queued, 0 leaked"_s}, {u"async tasks"_s, u"2"_s}};
        });
        InstanceConnection c(m_runtime.server->url(), m_runtime.server->readOnlyToken());
        bool got = false;
        connect(&c, &InstanceConnection::snapshotReceived, this, [&](const pb::Snapshot &s) {
            m_snapshot = s;
            m_hello = c.hello();
            got = true;
        });
        c.open();
        QTRY_VERIFY(got);
    }

    void text()
    {
        const QString text = QString::fromUtf8(SnapshotDump::toText(m_hello, m_snapshot));
        const QStringList lines = text.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 7);
        QVERIFY(lines.at(0).startsWith(u"instance test-runtime (pid "_s));
        QVERIFY(lines.at(0).contains(u"7 actors"_s));
        QVERIFY(lines.at(0).endsWith(u" — python workers: 1/4 busy, 0 queued, 0 leaked · async tasks: 2"_s));
        QVERIFY(lines.at(1).startsWith(u"  supervisor "_s));
        QVERIFY(lines.at(2).startsWith(u"    session "_s));
        QVERIFY(lines.at(3).startsWith(u"      view "_s));
        QVERIFY(lines.at(3).contains(u"mailbox 0/50"_s));
        QVERIFY(text.contains(u"restarts 1"_s));
        QVERIFY(text.contains(u"last_exit killed:by operator"_s));
        QVERIFY(text.contains(u"path /page/1/view1"_s));
    }

    void json()
    {
        const QJsonObject o = QJsonDocument::fromJson(SnapshotDump::toJson(m_hello, m_snapshot)).object();
        QCOMPARE(o.value(u"instance"_s).toObject().value(u"instance_name"_s).toString(), u"test-runtime"_s);
        const QJsonArray actors = o.value(u"snapshot"_s).toObject().value(u"actors"_s).toArray();
        QCOMPARE(actors.size(), 7);
        QCOMPARE(actors.at(0).toObject().value(u"kind"_s).toString(), u"supervisor"_s);
        QCOMPARE(o.value(u"snapshot"_s).toObject().value(u"restarts"_s).toArray().size(), 1);
        const QJsonArray stats = o.value(u"snapshot"_s).toObject().value(u"instance_stats"_s).toObject().value(u"stats"_s).toArray();
        QCOMPARE(stats.size(), 2);
        QCOMPARE(stats.at(0).toObject().value(u"name"_s).toString(), u"python workers"_s);
        QCOMPARE(stats.at(0).toObject().value(u"value"_s).toString(), u"1/4 busy, 0 queued, 0 leaked"_s);
        QCOMPARE(stats.at(1).toObject().value(u"name"_s).toString(), u"async tasks"_s);
        QCOMPARE(stats.at(1).toObject().value(u"value"_s).toString(), u"2"_s);
    }

    void runAgainstLiveRuntime()
    {
        // run() prints to stdout; here only its exit codes matter.
        QCOMPARE(SnapshotDump::run(m_runtime.server->url(), m_runtime.server->readOnlyToken(), true, 10000), 0);
        QCOMPARE(SnapshotDump::run(m_runtime.server->url(), u"wrong"_s, false, 10000), 1);
        QCOMPARE(SnapshotDump::run(QUrl(u"ws://127.0.0.1:1/"_s), u"x"_s, false, 3000), 1);
    }
};

QTEST_GUILESS_MAIN(tst_SnapshotDump)
#include "tst_snapshotdump.moc"
