// The "History" pane against a real LiveView server: a WebSocket client joins the CounterView,
// the operator starts the assigns history of the view from the window, the client clicks, and
// the pane's timeline shows each event with the assigns it changed; selecting a row shows the
// assigns at that point; Export JSON and File > Save snapshot carry the history, and opening
// the saved file shows it again. Stop ends it in the runtime. Offscreen.
#include "monitor_app/core/actortreemodel.h"
#include "monitor_app/core/assignshistory.h"
#include "monitor_app/core/savedsnapshot.h"
#include "monitor_app/widgets/historypane.h"
#include "monitor_app/widgets/mainwindow.h"
#include "support/channelclient.h"
#include "support/serverfixture.h"
#include "telemetry/controlserver.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(LiveActor_MonitorPlugin)

using namespace LiveActor;
using namespace LiveActor::Monitor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;

namespace {

namespace pb = ::liveactor::monitor::v1;

pb::AssignChange change(const char *key, const char *before, const char *after)
{
    pb::AssignChange c;
    c.set_key(key);
    c.set_before(before);
    c.set_after(after);
    c.set_added(!*before);
    return c;
}

} // namespace

class tst_HistoryPane : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void liveHistoryThroughTheWindow()
    {
        ServerFixture f;
        QVERIFY(f.ok);
        ControlServer control(f.system, ControlConfig{.port = 0, .stateDir = f.dir.path()});
        QVERIFY(control.start());
        Client client(f.port());
        QVERIFY(client.waitConnected());
        const Client::Joined joined = client.joinPage(f.port(), f.url(u"/"_s), "/");
        QVERIFY(!joined.joinRef.isEmpty());
        QString view, session;
        for (const ActorInfo &info : f.system.registry().snapshot().actors) {
            if (info.kind == u"view"_s)
                view = info.id.toString(QUuid::WithoutBraces);
            else if (info.kind == u"session"_s)
                session = info.id.toString(QUuid::WithoutBraces);
        }
        QVERIFY(!view.isEmpty());

        MainWindow window;
        // A read-only token: the history only reads.
        InstanceConnection *c = window.addInstance(control.url(), control.readOnlyToken(), false);
        window.show();
        QTRY_COMPARE(c->state(), InstanceConnection::State::Live);
        QTRY_VERIFY(window.model()->find(c, view));
        QAction *historyAction = window.findChild<QAction *>(u"historyActor"_s);
        QVERIFY(historyAction);
        // Only views keep a history: the action is off for the session.
        QVERIFY(window.selectActor(c, session));
        QVERIFY(!historyAction->isEnabled());
        QVERIFY(!window.historySelected());
        QVERIFY(window.selectActor(c, view));
        QVERIFY(historyAction->isEnabled());
        historyAction->trigger();
        HistoryPane *pane = window.historyPane();
        QVERIFY(pane->isRecording());
        QTRY_COMPARE(control.historyCount(), 1);
        // The base arrives first: the assigns before any message.
        QTRY_VERIFY2(pane->assignsText().contains(u"\"count\": 0"_s), qPrintable(pane->assignsText()));

        auto click = [&](const QString &event, const QJsonObject &value = {}) {
            return status(client.reply(client.click(joined.joinRef, joined.topic, event, value)));
        };
        QCOMPARE(click(u"inc"_s, {{u"by"_s, u"5"_s}}), u"ok"_s);
        QCOMPARE(click(u"inc"_s), u"ok"_s);
        QCOMPARE(click(u"title"_s, {{u"title"_s, u"hi"_s}}), u"ok"_s); // changes no assign
        QTRY_COMPARE(pane->rowCount(), 3);

        QVERIFY(pane->selectEntry(0));
        QVERIFY2(pane->changesText().startsWith(u"count: 0 → 5"_s), qPrintable(pane->changesText()));
        QVERIFY(pane->changesText().contains(u"payload: {\"by\":\"5\"}"_s));
        QVERIFY(pane->assignsText().contains(u"\"count\": 5"_s));
        QVERIFY(pane->assignsText().contains(u"\"connected\": \"yes\""_s));
        QVERIFY(pane->selectEntry(1));
        QVERIFY(pane->changesText().startsWith(u"count: 5 → 6"_s));
        QVERIFY(pane->assignsText().contains(u"\"count\": 6"_s));
        QVERIFY(pane->selectEntry(2));
        QVERIFY(pane->changesText().startsWith(u"(no assign changed)"_s));
        QVERIFY(pane->assignsText().contains(u"\"count\": 6"_s));
        QVERIFY(pane->statusText().contains(u"3 messages"_s));

        // Export JSON.
        QTemporaryDir dir;
        const QString exported = dir.filePath(u"history.json"_s);
        QVERIFY(pane->exportJson(exported));
        QFile file(exported);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
        QCOMPARE(root.value(u"format"_s).toString(), u"liveactor-assigns-history"_s);
        QCOMPARE(root.value(u"format_version"_s).toInt(), 1);
        const QJsonObject history = root.value(u"history"_s).toObject();
        QCOMPARE(history.value(u"actor_id"_s).toString(), view);
        const QJsonArray entries = history.value(u"entries"_s).toArray();
        QCOMPARE(entries.size(), 3);
        const QJsonObject firstChange = entries.at(0).toObject().value(u"changes"_s).toArray().at(0).toObject();
        QCOMPARE(firstChange.value(u"key"_s).toString(), u"count"_s);
        QCOMPARE(firstChange.value(u"before"_s).toString(), u"0"_s);
        QCOMPARE(firstChange.value(u"after"_s).toString(), u"5"_s);

        // File > Save snapshot carries the history; opening the file shows it again.
        const QString savedPath = dir.filePath(u"bug.liveactor.json"_s);
        QString error;
        QVERIFY2(window.saveSnapshot(c, savedPath, &error), qPrintable(error));
        const std::optional<SavedSnapshot> saved = SavedSnapshotFile::load(savedPath, &error);
        QVERIFY2(saved, qPrintable(error));
        QCOMPARE(saved->histories.size(), 1);
        QCOMPARE(saved->histories.first().entries_size(), 3);
        QCOMPARE(QString::fromStdString(saved->histories.first().actor_id()), view);

        // Stop: the runtime lets go, later clicks add no rows.
        pane->stop();
        QVERIFY(!pane->isRecording());
        QTRY_COMPARE(control.historyCount(), 0);
        QTRY_VERIFY(pane->statusText().contains(u"ended: stopped"_s));
        QCOMPARE(click(u"inc"_s), u"ok"_s);
        QTest::qWait(3 * control.config().historyBatchMs);
        QCOMPARE(pane->rowCount(), 3);

        InstanceConnection *opened = window.openSnapshot(savedPath, &error);
        QVERIFY2(opened, qPrintable(error));
        QCOMPARE(pane->rowCount(), 3);
        QVERIFY(!pane->isRecording());
        QVERIFY(pane->statusText().contains(u"(saved)"_s));
        QVERIFY(pane->selectEntry(1));
        QVERIFY(pane->assignsText().contains(u"\"count\": 6"_s));
        // Saving the opened snapshot again keeps its history.
        const QString again = dir.filePath(u"again.liveactor.json"_s);
        QVERIFY(window.saveSnapshot(opened, again, &error));
        QCOMPARE(SavedSnapshotFile::load(again, &error)->histories.size(), 1);
        control.stop();
    }

    void keepsTheRuntimesLengthAndFoldsIntoBase()
    {
        AssignsHistory h(u"v1"_s);
        pb::HistoryBatch b;
        b.set_actor_id("v1");
        b.set_length(2);
        b.set_has_base(true);
        *b.add_base() = change("count", "", "0");
        for (int i = 1; i <= 3; ++i) {
            pb::HistoryEntry *e = b.add_entries();
            e->set_seq(i);
            e->set_kind("event");
            e->set_name("inc");
            *e->add_changes() = change("count", QByteArray::number(i - 1).constData(), QByteArray::number(i).constData());
        }
        *b.mutable_entries(1)->add_changes() = change("note", "", "\"a\"");
        QVERIFY(h.add(b));
        QCOMPARE(h.size(), 2);
        QCOMPARE(h.entry(0).seq(), 2u);
        // The dropped entry 1 went into base: before entry 2 the count is 1.
        QVERIFY2(h.assignsAt(-1).contains("\"count\": 1"), h.assignsAt(-1).constData());
        QVERIFY(h.assignsAt(0).contains("\"note\": \"a\""));
        QVERIFY(h.assignsAt(1).contains("\"count\": 3"));
        // Another view's batch is not merged; a cut value shows as cut.
        pb::HistoryBatch other = b;
        other.set_actor_id("v2");
        QVERIFY(!h.add(other));
        pb::HistoryBatch cut;
        cut.set_actor_id("v1");
        pb::HistoryEntry *e = cut.add_entries();
        e->set_seq(4);
        pb::AssignChange *c = e->add_changes();
        *c = change("big", "", "[1,2,");
        c->set_after_truncated(true);
        QVERIFY(h.add(cut));
        QVERIFY2(h.assignsAt(1).contains("\"big\": \"[1,2,… (cut)\""), h.assignsAt(1).constData());
        QVERIFY(h.changesText(1).startsWith(u"+ big: [1,2,… (cut)"_s));
    }
};

QTEST_MAIN(tst_HistoryPane)
#include "tst_historypane.moc"
