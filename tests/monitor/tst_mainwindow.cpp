// MainWindow against a live runtime: the models fill, Kill raises the restart count, filter and
// sort work, read-only tokens disable actions.
#include "support/liveruntime.h"

#include "monitor_app/core/actorfilterproxy.h"
#include "monitor_app/core/actortreemodel.h"
#include "monitor_app/core/restartlogmodel.h"
#include "monitor_app/widgets/actordetailpane.h"
#include "monitor_app/widgets/mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QDateTime>
#include <QLineEdit>
#include <QQuickItem>
#include <QQuickWidget>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QMenu>
#include <QMenuBar>
#include <QTest>
#include <QTreeView>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(LiveActor_MonitorPlugin)

using namespace LiveActor;
using namespace LiveActor::Monitor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;

class tst_MainWindow : public QObject
{
    Q_OBJECT
    InstanceStats m_instanceStats{{u"python workers"_s, u"0/4 busy, 0 queued, 0 leaked"_s}, {u"async tasks"_s, u"0"_s}};
    LiveRuntime m_runtime;
    std::unique_ptr<MainWindow> m_window;
    InstanceConnection *m_connection = nullptr;
    QStringList m_confirmations;

    int visibleViews()
    {
        int n = 0;
        QAbstractItemModel *m = m_window->proxy();
        std::function<void(const QModelIndex &)> walk = [&](const QModelIndex &parent) {
            for (int r = 0; r < m->rowCount(parent); ++r) {
                const QModelIndex idx = m->index(r, 0, parent);
                n += idx.data(ActorTreeModel::KindRole).toString() == u"view"_s ? 1 : 0;
                walk(idx);
            }
        };
        walk({});
        return n;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_runtime.start(3, 2));
        QTRY_COMPARE(m_runtime.system->registry().count(), 1 + 3 + 3 * 2);
        m_runtime.server->setInstanceStatsProvider([this] { return m_instanceStats; });
        m_window = std::make_unique<MainWindow>();
        m_window->setConfirmHandler([this](const QString &title, const QString &text) {
            m_confirmations << title + u"\n"_s + text;
            return true;
        });
        m_connection = m_window->addInstance(m_runtime.server->url(), m_runtime.server->operateToken(), false);
        m_window->show();
    }

    void modelsFillFromLiveRuntime()
    {
        QTRY_COMPARE(m_connection->state(), InstanceConnection::State::Live);
        QTRY_COMPARE(m_window->model()->actorCount(m_connection), 10);
        QVERIFY(m_connection->canOperate());
        ActorTreeModel *model = m_window->model();
        const QModelIndex instance = model->index(0, 0);
        QCOMPARE(instance.data().toString(), u"test-runtime"_s);
        const QModelIndex root = model->index(0, 0, instance);
        QCOMPARE(root.data(ActorTreeModel::KindRole).toString(), u"supervisor"_s);
        QCOMPARE(model->rowCount(root), 3);
        const QModelIndex session = model->index(0, 0, root);
        QCOMPARE(session.data(ActorTreeModel::KindRole).toString(), u"session"_s);
        QCOMPARE(model->index(0, ActorTreeModel::PathColumn, root).data().toString(), u"127.0.0.1:50000"_s);
        QCOMPARE(model->rowCount(session), 2);
        const QModelIndex view = model->index(1, 0, session);
        QCOMPARE(view.data(ActorTreeModel::KindRole).toString(), u"view"_s);
        QCOMPARE(model->index(1, ActorTreeModel::PathColumn, session).data().toString(), u"/page/0/view1"_s);
        QCOMPARE(model->index(1, ActorTreeModel::MailboxColumn, session).data().toString(), u"0/50"_s);
        QCOMPARE(model->index(1, ActorTreeModel::StateColumn, session).data().toString(), u"running"_s);

        // Mailbox traffic reaches the model through deltas.
        const QString viewId = view.data(ActorTreeModel::IdRole).toString();
        ActorRef ref = m_runtime.system->resolve(QUuid::fromString(viewId));
        ref.tell(Sleep{400});
        for (int i = 0; i < 30; ++i)
            ref.tell(Sleep{0});
        QTRY_VERIFY(model->find(m_connection, viewId)->highWater >= 20);
        QTRY_COMPARE(model->find(m_connection, viewId)->length, 0);
    }

    void instanceRowShowsFigures()
    {
        QTRY_COMPARE(m_connection->state(), InstanceConnection::State::Live);
        ActorTreeModel *model = m_window->model();
        const QModelIndex figures = model->index(0, ActorTreeModel::LastEventColumn);
        QTRY_COMPARE(figures.data().toString(), u"python workers: 0/4 busy, 0 queued, 0 leaked · async tasks: 0"_s);
        // A change reaches the row through a delta.
        m_instanceStats.figures[0].second = u"3/4 busy, 1 queued, 0 leaked"_s;
        QTRY_COMPARE(figures.data().toString(), u"python workers: 3/4 busy, 1 queued, 0 leaked · async tasks: 0"_s);

        // The instance row selected: the detail pane shows the instance and its figures.
        m_window->tree()->setCurrentIndex(m_window->proxy()->index(0, 0));
        const QString summary = m_window->detailPane()->summaryText();
        QVERIFY2(summary.startsWith(u"instance test-runtime\n"_s), qPrintable(summary));
        QVERIFY2(summary.contains(u"live · pid "_s), qPrintable(summary));
        QVERIFY2(summary.contains(u"\npython workers: 3/4 busy, 1 queued, 0 leaked\nasync tasks: 0"_s), qPrintable(summary));
        QCOMPARE(m_window->detailPane()->actorId(), QString());
        QVERIFY(!m_window->action(InstanceConnection::Action::Kill)->isEnabled());
        // …and follows the next change.
        m_instanceStats.figures[1].second = u"2"_s;
        QTRY_VERIFY2(m_window->detailPane()->summaryText().endsWith(u"\nasync tasks: 2"_s),
                     qPrintable(m_window->detailPane()->summaryText()));
        m_window->tree()->setCurrentIndex({});
    }

    void instanceRowShowsUploads()
    {
        QTRY_COMPARE(m_connection->state(), InstanceConnection::State::Live);
        ActorTreeModel *model = m_window->model();
        const QModelIndex figures = model->index(0, ActorTreeModel::LastEventColumn);
        m_instanceStats.uploads = UploadFigures{.inFlight = 2, .bytesInFlight = 3 * 1024 * 1024,
                                                .bytesBudget = 1024 * 1024 * 1024, .bytesReceived = 5 * 1024,
                                                .completed = 7, .errors = 1};
        const QString uploads
            = u"uploads: 2 in flight (3.00 MiB of 1.00 GiB), 5.00 KiB received, 7 completed, 1 errors"_s;
        QTRY_VERIFY2(figures.data().toString().endsWith(u" · "_s + uploads), qPrintable(figures.data().toString()));
        m_window->tree()->setCurrentIndex(m_window->proxy()->index(0, 0));
        QVERIFY2(m_window->detailPane()->summaryText().endsWith(u"\n"_s + uploads),
                 qPrintable(m_window->detailPane()->summaryText()));
        // A change reaches the pane too.
        m_instanceStats.uploads->completed = 8;
        QTRY_VERIFY2(m_window->detailPane()->summaryText().contains(u"8 completed"_s),
                     qPrintable(m_window->detailPane()->summaryText()));
        m_window->tree()->setCurrentIndex({});
        m_instanceStats.uploads.reset();
        QTRY_VERIFY(!figures.data().toString().contains(u"uploads"_s));
    }

    void newActorsAppear()
    {
        Supervisor::startChild(m_runtime.root, LiveRuntime::sessionSpec(99, 1), nullptr, {});
        QTRY_COMPARE(m_window->model()->actorCount(m_connection), 12);
        bool found = false;
        for (const QString &id : m_runtime.ids(u"view"_s))
            found = found || m_window->model()->find(m_connection, id)->viewOrPath() == u"/page/99/view0"_s;
        QVERIFY(found);
    }

    void killRaisesRestartCount()
    {
        const QString viewId = m_runtime.ids(u"view"_s).at(2);
        QVERIFY(m_window->selectActor(m_connection, viewId));
        QTRY_VERIFY(m_window->action(InstanceConnection::Action::Kill)->isEnabled());
        QCOMPARE(m_window->detailPane()->actorId(), viewId);
        QSignalSpy finished(m_window.get(), &MainWindow::commandFinished);
        m_window->action(InstanceConnection::Action::Kill)->trigger();
        QTRY_COMPARE(m_confirmations.size(), 1); // after the runtime's preview arrived
        QVERIFY2(m_confirmations.last().contains(u"restarts it as a new incarnation"_s), qPrintable(m_confirmations.last()));
        // The runtime's own preview: its session (a one_for_one supervisor here) restarts just it.
        const QString viewLabel = u"view /page/"_s;
        QVERIFY2(m_confirmations.last().contains(u"The runtime's preview:\n• session "_s), qPrintable(m_confirmations.last()));
        QVERIFY(m_confirmations.last().contains(u"decides (one_for_one: restart 1 of 100 in this burst)"_s));
        QVERIFY(m_confirmations.last().contains(u"Stops: "_s + viewLabel));
        QVERIFY(m_confirmations.last().contains(viewId.left(8) + u".\n   Starts again: "_s + viewLabel));
        QVERIFY(!m_confirmations.last().contains(u"It gives up and exits"_s));
        QVERIFY(m_confirmations.last().contains(u"its parent session"_s));
        QVERIFY(m_confirmations.last().contains(viewId));
        QTRY_COMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(1).toBool(), true);
        QTRY_COMPARE(m_window->model()->find(m_connection, viewId)->restartCount, 1);
        QTRY_COMPARE(m_window->model()->find(m_connection, viewId)->state, u"running"_s);
        QCOMPARE(m_window->model()->find(m_connection, viewId)->exitKind, u"killed"_s);
        QCOMPARE(m_runtime.system->registry().find(QUuid::fromString(viewId))->restartCount, 1);
        // Its session (here a one_for_one supervisor, 100 per 1 s) spent one restart of its budget.
        const QString sessionId = m_window->model()->find(m_connection, viewId)->parentId;
        QTRY_COMPARE(m_window->model()->find(m_connection, sessionId)->restartsInWindow, 1);
        const ActorRecord session = *m_window->model()->find(m_connection, sessionId);
        QCOMPARE(session.strategy, u"one_for_one"_s);
        QCOMPARE(session.intensity, 100);
        QCOMPARE(session.periodMs, 1000);
        QVERIFY(session.windowEndsAtMs > QDateTime::currentMSecsSinceEpoch() - 10000);
        QVERIFY(m_window->selectActor(m_connection, sessionId));
        QTRY_VERIFY2(m_window->detailPane()->budgetText().contains(u"one_for_one, restarts: "_s),
                     qPrintable(m_window->detailPane()->budgetText()));
        QVERIFY(m_window->detailPane()->budgetText().contains(u"escalates to the parent"_s));
        QVERIFY(m_window->selectActor(m_connection, viewId));
        QCOMPARE(m_window->detailPane()->budgetText(), QString()); // views supervise nothing
        // The restart log shows it.
        QTRY_VERIFY(m_window->restartLog()->rowCount() >= 1);
        QCOMPARE(m_window->restartLog()->data(m_window->restartLog()->index(0, 0), RestartLogModel::ActorIdRole).toString(),
                 viewId);
        // Cancelled confirmation sends nothing.
        bool asked = false;
        m_window->setConfirmHandler([&asked](const QString &, const QString &) { return !(asked = true); });
        QVERIFY(m_window->triggerAction(InstanceConnection::Action::Kill) != 0u); // the preview
        QTRY_VERIFY(asked);
        QTest::qWait(300);
        QCOMPARE(m_runtime.system->registry().find(QUuid::fromString(viewId))->restartCount, 1);
        m_window->setConfirmHandler([](const QString &, const QString &) { return true; });
    }

    void detailPaneShowsChartAndRestarts()
    {
        const QString viewId = m_runtime.ids(u"view"_s).at(2);
        QVERIFY(m_window->selectActor(m_connection, viewId));
        QQuickItem *chart = m_window->detailPane()->chart()->rootObject();
        QVERIFY2(chart, "QML chart did not load");
        QTRY_VERIFY(!chart->property("samples").toList().isEmpty());
        QCOMPARE(chart->property("capacity").toInt(), 50);
        // Fetch assigns on demand.
        QSignalSpy finished(m_window.get(), &MainWindow::commandFinished);
        QVERIFY(m_window->triggerAction(InstanceConnection::Action::FetchAssigns) != 0);
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(finished.at(0).at(1).toBool());
    }

    void filterAndSort()
    {
        QTRY_COMPARE(visibleViews(), 7);
        m_window->filterEdit()->setText(u"restarts>0"_s);
        QCOMPARE(visibleViews(), 1);
        m_window->filterEdit()->setText(u"/page/1/"_s);
        QCOMPARE(visibleViews(), 2);
        m_window->filterEdit()->setText(u"kind:session"_s);
        QCOMPARE(visibleViews(), 0);
        m_window->filterEdit()->setText(u"bad>>"_s);
        QCOMPARE(visibleViews(), 0);
        m_window->filterEdit()->clear();
        QCOMPARE(visibleViews(), 7);

        // Sort sessions by restarts, descending, through the header.
        m_window->tree()->sortByColumn(ActorTreeModel::RestartsColumn, Qt::DescendingOrder);
        QAbstractItemModel *proxy = m_window->proxy();
        const QModelIndex root = proxy->index(0, 0, proxy->index(0, 0));
        const QString killedView = m_runtime.ids(u"view"_s).at(2);
        const QString parentSession = m_window->model()->find(m_connection, killedView)->parentId;
        // The session of the killed view (1 view restart, the session itself 0) — sort sessions by
        // id instead and check order is monotonic.
        Q_UNUSED(parentSession);
        m_window->tree()->sortByColumn(ActorTreeModel::IdColumn, Qt::AscendingOrder);
        QStringList ids;
        for (int r = 0; r < proxy->rowCount(root); ++r)
            ids << proxy->index(r, 0, root).data(ActorTreeModel::IdRole).toString();
        QStringList sorted = ids;
        sorted.sort(Qt::CaseInsensitive);
        QCOMPARE(ids, sorted);
        const QModelIndex session = proxy->index(0, 0, root);
        m_window->tree()->sortByColumn(ActorTreeModel::RestartsColumn, Qt::DescendingOrder);
        QModelIndex sessionOfKilled;
        for (int r = 0; r < proxy->rowCount(root); ++r)
            if (proxy->index(r, 0, root).data(ActorTreeModel::IdRole).toString() == parentSession)
                sessionOfKilled = proxy->index(r, 0, root);
        QVERIFY(sessionOfKilled.isValid());
        QCOMPARE(proxy->index(0, 0, sessionOfKilled).data(ActorTreeModel::IdRole).toString(), killedView);
        Q_UNUSED(session);
    }

    void readOnlyTokenDisablesActions()
    {
        MainWindow readOnly;
        readOnly.setConfirmHandler([](const QString &, const QString &) { return true; });
        InstanceConnection *c = readOnly.addInstance(m_runtime.server->url(), m_runtime.server->readOnlyToken(), false);
        QTRY_COMPARE(c->state(), InstanceConnection::State::Live);
        QVERIFY(!c->canOperate());
        QTRY_VERIFY(readOnly.model()->actorCount(c) >= 10);
        const QString viewId = m_runtime.ids(u"view"_s).at(0);
        QVERIFY(readOnly.selectActor(c, viewId));
        QVERIFY(!readOnly.action(InstanceConnection::Action::Kill)->isEnabled());
        QVERIFY(!readOnly.action(InstanceConnection::Action::Restart)->isEnabled());
        QVERIFY(!readOnly.action(InstanceConnection::Action::Shutdown)->isEnabled());
        QVERIFY(readOnly.action(InstanceConnection::Action::Ping)->isEnabled());
        QCOMPARE(readOnly.triggerAction(InstanceConnection::Action::Kill), 0u);
        QSignalSpy finished(&readOnly, &MainWindow::commandFinished);
        QVERIFY(readOnly.triggerAction(InstanceConnection::Action::Ping) != 0);
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(finished.at(0).at(1).toBool());
        QCOMPARE(m_runtime.system->registry().find(QUuid::fromString(viewId))->restartCount, 0);
    }

    void badTokenFailsWithoutRetry()
    {
        InstanceConnection c(m_runtime.server->url(), u"wrong"_s);
        c.open();
        QTRY_COMPARE(c.state(), InstanceConnection::State::Failed);
        QVERIFY(c.lastError().contains(u"token refused"_s));
    }

    void reconnectBacksOff()
    {
        // Nothing listens on this port: the connection keeps retrying with growing delays.
        InstanceConnection c(QUrl(u"ws://127.0.0.1:1/"_s), u"x"_s);
        c.open();
        QTRY_VERIFY(c.reconnectDelayMs() >= 2000);
        QCOMPARE(c.state(), InstanceConnection::State::Connecting);
        c.close();
        QCOMPARE(c.state(), InstanceConnection::State::Disconnected);
    }

    // Every pane has its entry in one View menu (each pane once added a View menu of its own).
    void oneViewMenuShowsEveryPane()
    {
        QStringList views, entries;
        for (QAction *menu : m_window->menuBar()->actions())
            if (menu->text() == u"&View"_s) {
                views << menu->text();
                for (QAction *entry : menu->menu()->actions())
                    entries << entry->objectName();
            }
        QCOMPARE(views.size(), 1);
        QCOMPARE(entries, (QStringList{u"showFleet"_s, u"showTop"_s, u"showTrace"_s, u"showHistory"_s}));
        QCOMPARE(m_window->findChild<QAction *>(u"showTop"_s)->shortcut(), QKeySequence(u"Ctrl+T"_s));
    }

    void cleanupTestCase()
    {
        m_window.reset();
    }
};

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
