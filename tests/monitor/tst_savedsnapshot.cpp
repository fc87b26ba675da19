// Saved snapshots against a live runtime: save after kills, open the file in a fresh window (same
// actors, states, restart counts and restart log; read-only), and refuse files that are not ours.
#include "support/liveruntime.h"

#include "monitor_app/core/actortreemodel.h"
#include "monitor_app/core/restartlogmodel.h"
#include "monitor_app/core/savedsnapshot.h"
#include "monitor_app/widgets/actordetailpane.h"
#include "monitor_app/widgets/mainwindow.h"

#include <google/protobuf/util/message_differencer.h>

#include <QAction>
#include <QFile>
#include <QListWidget>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(LiveActor_MonitorPlugin)

using namespace LiveActor;
using namespace LiveActor::Monitor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;

class tst_SavedSnapshot : public QObject
{
    Q_OBJECT
    LiveRuntime m_runtime;
    std::unique_ptr<MainWindow> m_window;
    InstanceConnection *m_connection = nullptr;
    QTemporaryDir m_dir;
    QString m_path; // saved by saveAfterKills

    void kill(const QString &actorId, int restartsAfter)
    {
        QVERIFY(m_window->selectActor(m_connection, actorId));
        QTRY_VERIFY(m_window->action(InstanceConnection::Action::Kill)->isEnabled());
        QVERIFY(m_window->triggerAction(InstanceConnection::Action::Kill) != 0u); // preview, then confirmed
        QTRY_COMPARE(m_window->model()->find(m_connection, actorId)->restartCount, restartsAfter);
        QTRY_COMPARE(m_window->model()->find(m_connection, actorId)->state, u"running"_s);
    }

    QString write(const QString &name, const QByteArray &bytes)
    {
        QFile file(m_dir.filePath(name));
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
            return {};
        return file.fileName();
    }

    QByteArray savedBytes()
    {
        QFile file(m_path);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    /// Opens bytes as a file in a fresh window: must be refused with an error containing `why`.
    void expectRefused(const QString &name, const QByteArray &bytes, const QString &why)
    {
        const QString path = write(name, bytes);
        QVERIFY(!path.isEmpty());
        MainWindow window;
        QString error;
        QCOMPARE(window.openSnapshot(path, &error), nullptr);
        QVERIFY2(error.contains(why), qPrintable(error));
        QVERIFY(error.startsWith(path)); // says which file
        QCOMPARE(window.instances().size(), 0);
        QCOMPARE(window.model()->rowCount(), 0);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QVERIFY(m_runtime.start(2, 2));
        QTRY_COMPARE(m_runtime.system->registry().count(), 1 + 2 + 2 * 2);
        m_runtime.server->setInstanceStatsProvider([] {
            return InstanceStats{{u"python workers"_s, u"1/4 busy, 0 queued, 0 leaked"_s}, {u"async tasks"_s, u"2"_s}};
        });
        m_window = std::make_unique<MainWindow>();
        m_window->setConfirmHandler([](const QString &, const QString &) { return true; });
        m_connection = m_window->addInstance(m_runtime.server->url(), m_runtime.server->operateToken(), false);
        QTRY_COMPARE(m_connection->state(), InstanceConnection::State::Live);
        QTRY_COMPARE(m_window->model()->actorCount(m_connection), 7);
    }

    void saveAfterKills()
    {
        const QStringList views = m_runtime.ids(u"view"_s);
        kill(views.at(0), 1);
        kill(views.at(0), 2);
        kill(views.at(3), 1);
        QTRY_COMPARE(m_window->restartLog()->rowCount(), 3);
        QTRY_COMPARE(m_window->model()->instanceStats(m_connection).size(), 2);
        m_path = m_dir.filePath(u"test.liveactor.json"_s);
        QString error;
        QVERIFY2(m_window->saveSnapshot(m_connection, m_path, &error), qPrintable(error));
        const QByteArray bytes = savedBytes();
        QVERIFY(bytes.startsWith("{\n\"format\": \"liveactor-monitor-snapshot\",\n\"format_version\": 1,\n"));
        QVERIFY(bytes.contains("\"instance_name\": \"test-runtime\""));
        // Unwritable place: a clear error, no file.
        QVERIFY(!m_window->saveSnapshot(m_connection, m_dir.filePath(u"no/such/dir/x.json"_s), &error));
        QVERIFY2(error.startsWith(u"cannot write "_s), qPrintable(error));
    }

    void openShowsTheSameInstanceReadOnly()
    {
        // What the live window knows at the time of the save (the file was written in one go).
        const std::optional<SavedSnapshot> saved = SavedSnapshotFile::load(m_path, nullptr);
        QVERIFY(saved);
        MainWindow window;
        QString error;
        InstanceConnection *c = window.openSnapshot(m_path, &error);
        QVERIFY2(c, qPrintable(error));
        QCOMPARE(c->state(), InstanceConnection::State::Saved);
        QVERIFY(c->isSaved());
        QCOMPARE(c->savedAtMs(), saved->savedAtMs);
        QVERIFY(c->displayName().startsWith(u"test-runtime (saved 20"_s));
        QVERIFY(window.windowTitle().contains(c->displayName()));
        QVERIFY(window.findChild<QListWidget *>()->item(0)->text().contains(u"saved snapshot"_s));
        ActorTreeModel *model = window.model();
        QCOMPARE(model->actorCount(c), 7);
        QCOMPARE(model->index(0, ActorTreeModel::StateColumn).data().toString(), u"saved snapshot"_s);
        QCOMPARE(model->instanceStats(c), m_window->model()->instanceStats(m_connection));
        // Every actor as the live window had it then: tree, state, incarnation, restarts, exit.
        const QStringList ids = m_runtime.ids(u"view"_s) + m_runtime.ids(u"session"_s) + m_runtime.ids(u"supervisor"_s);
        QCOMPARE(ids.size(), 7);
        for (const QString &id : ids) {
            const ActorRecord *live = m_window->model()->find(m_connection, id);
            const ActorRecord *opened = model->find(c, id);
            QVERIFY(live && opened);
            QCOMPARE(opened->parentId, live->parentId);
            QCOMPARE(opened->kind, live->kind);
            QCOMPARE(opened->state, live->state);
            QCOMPARE(opened->incarnation, live->incarnation);
            QCOMPARE(opened->restartCount, live->restartCount);
            QCOMPARE(opened->exitKind, live->exitKind);
            QCOMPARE(opened->capacity, live->capacity);
            QCOMPARE(opened->metadata, live->metadata);
            QCOMPARE(opened->strategy, live->strategy);
            QCOMPARE(opened->startedAtMs, live->startedAtMs);
        }
        const QString killedTwice = m_runtime.ids(u"view"_s).at(0);
        QCOMPARE(model->find(c, killedTwice)->restartCount, 2);
        QCOMPARE(model->find(c, killedTwice)->exitKind, u"killed"_s);
        QCOMPARE(model->indexOf(c, killedTwice).parent().data(ActorTreeModel::IdRole).toString(),
                 model->find(c, killedTwice)->parentId);
        // The restart log, row by row.
        RestartLogModel *log = window.restartLog();
        QCOMPARE(log->rowCount(), 3);
        for (int row = 0; row < log->rowCount(); ++row) {
            const RestartLogModel::Entry &live = m_window->restartLog()->entry(row);
            const RestartLogModel::Entry &opened = log->entry(row);
            QCOMPARE(opened.instance, c->displayName());
            QCOMPARE(opened.actorId, live.actorId);
            QCOMPARE(opened.timeMs, live.timeMs);
            QCOMPARE(opened.restartCount, live.restartCount);
            QCOMPARE(opened.incarnation, live.incarnation);
            QCOMPARE(opened.reasonKind, live.reasonKind);
            QCOMPARE(opened.reasonMessage, live.reasonMessage);
        }
        // Detail pane works; actions are disabled and send nothing.
        QVERIFY(window.selectActor(c, killedTwice));
        QCOMPARE(window.detailPane()->actorId(), killedTwice);
        for (auto action : {InstanceConnection::Action::Kill, InstanceConnection::Action::Restart,
                            InstanceConnection::Action::Shutdown, InstanceConnection::Action::Ping}) {
            QVERIFY(!window.action(action)->isEnabled());
            QCOMPARE(window.triggerAction(action), 0u);
        }
        QCOMPARE(window.action(InstanceConnection::Action::Kill)->toolTip(), u"disabled: a saved snapshot is read-only"_s);
        c->open(); // shown once: opening again changes nothing
        QCOMPARE(log->rowCount(), 3);
        QCOMPARE(model->actorCount(c), 7);
    }

    void resavingAnOpenedSnapshotKeepsIt()
    {
        MainWindow window;
        InstanceConnection *c = window.openSnapshot(m_path);
        QVERIFY(c);
        const QString again = m_dir.filePath(u"again.liveactor.json"_s);
        QVERIFY(window.saveSnapshot(c, again));
        const std::optional<SavedSnapshot> first = SavedSnapshotFile::load(m_path, nullptr);
        const std::optional<SavedSnapshot> second = SavedSnapshotFile::load(again, nullptr);
        QVERIFY(first && second);
        QCOMPARE(second->savedAtMs, first->savedAtMs);
        QVERIFY(google::protobuf::util::MessageDifferencer::Equals(second->hello, first->hello));
        QVERIFY(google::protobuf::util::MessageDifferencer::Equals(second->snapshot, first->snapshot));
    }

    /// Ages and budgets are shown as at the time of the save, not the clock's: a file saved "a day
    /// later" shows actors a day old.
    void agesAreAsOfTheSave()
    {
        std::optional<SavedSnapshot> saved = SavedSnapshotFile::load(m_path, nullptr);
        QVERIFY(saved);
        saved->savedAtMs += 24 * 3600 * 1000;
        const QString later = m_dir.filePath(u"later.liveactor.json"_s);
        QVERIFY(SavedSnapshotFile::save(later, *saved, nullptr));
        MainWindow window;
        InstanceConnection *c = window.openSnapshot(later);
        QVERIFY(c);
        const QString rootId = m_runtime.ids(u"supervisor"_s).at(0);
        const QModelIndex root = window.model()->indexOf(c, rootId);
        const QString age = ActorTreeModel::formatAge(c->savedAtMs() - window.model()->find(c, rootId)->startedAtMs);
        QVERIFY2(age.startsWith(u"1 d "_s), qPrintable(age));
        QCOMPARE(root.siblingAtColumn(ActorTreeModel::AgeColumn).data().toString(), age);
        QVERIFY(window.selectActor(c, rootId));
        QVERIFY2(window.detailPane()->summaryText().contains(u"up "_s + age), qPrintable(window.detailPane()->summaryText()));
    }

    void garbageIsRefused()
    {
        expectRefused(u"empty.json"_s, QByteArray(), u"not a saved snapshot: not JSON"_s);
        expectRefused(u"binary.json"_s, QByteArray("\x00\xff\x12garbage", 10), u"not a saved snapshot: not JSON"_s);
        expectRefused(u"truncated.json"_s, savedBytes().left(savedBytes().size() / 2), u"not a saved snapshot: not JSON"_s);
        expectRefused(u"array.json"_s, "[1, 2]", u"not a saved snapshot: no \"format\""_s);
        expectRefused(u"other.json"_s, R"({"format": "something-else", "format_version": 1})",
                      u"not a saved snapshot: no \"format\""_s);
        expectRefused(u"noversion.json"_s, R"({"format": "liveactor-monitor-snapshot"})", u"no format_version"_s);
        QByteArray badHello = savedBytes();
        badHello.replace("\"instance\": {", "\"instance\": \"text\", \"x\": {");
        expectRefused(u"badhello.json"_s, badHello, u"\"instance\" is not a Hello"_s);
        QByteArray badSnapshot = savedBytes();
        badSnapshot.replace("\"snapshot\": {", "\"snapshot\": {\"version\": \"not a number\", ");
        expectRefused(u"badsnapshot.json"_s, badSnapshot, u"\"snapshot\" is not a Snapshot"_s);
        MainWindow window;
        QString error;
        QCOMPARE(window.openSnapshot(m_dir.filePath(u"missing.json"_s), &error), nullptr);
        QVERIFY2(error.startsWith(u"cannot read "_s), qPrintable(error));
    }

    void otherFormatVersionIsRefused()
    {
        QByteArray bytes = savedBytes();
        QVERIFY(bytes.contains("\"format_version\": 1,"));
        bytes.replace("\"format_version\": 1,", "\"format_version\": 2,");
        expectRefused(u"v2.json"_s, bytes, u"saved snapshot format version 2: this monitor reads version 1"_s);
    }

    void cleanupTestCase()
    {
        m_window.reset();
    }
};

QTEST_MAIN(tst_SavedSnapshot)
#include "tst_savedsnapshot.moc"
