// The "Top" view against a live runtime: TopModel flattens the tree of every connected instance,
// sorts by each load column, derives rates and sparklines from real traffic, marks hot actors,
// applies the filter language, and selecting a row selects the actor in the window's tree.
#include "support/liveruntime.h"

#include "monitor_app/core/actorfilterproxy.h"
#include "monitor_app/core/actortreemodel.h"
#include "monitor_app/core/topmodel.h"
#include "monitor_app/widgets/actordetailpane.h"
#include "monitor_app/widgets/mainwindow.h"
#include "monitor_app/widgets/topview.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QLineEdit>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

#include <algorithm>

Q_IMPORT_QML_PLUGIN(LiveActor_MonitorPlugin)

using namespace LiveActor;
using namespace LiveActor::Monitor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;

class tst_TopModel : public QObject
{
    Q_OBJECT
    LiveRuntime m_runtime;
    std::unique_ptr<MainWindow> m_window;
    InstanceConnection *m_connection = nullptr;
    QStringList m_views;

    TopModel *top() const { return m_window->topView()->model(); }
    ActorFilterProxy *proxy() const { return m_window->topView()->proxy(); }
    const ActorRecord *record(const QString &id) const { return m_window->model()->find(m_connection, id); }
    QVariant topData(const QString &id, int column, int role) const
    {
        return top()->indexOf(m_connection, id).siblingAtColumn(column).data(role);
    }
    void tell(const QString &id, Sleep message, int times = 1)
    {
        ActorRef ref = m_runtime.system->resolve(QUuid::fromString(id));
        for (int i = 0; i < times; ++i)
            ref.tell(message);
    }
    QStringList proxyIds() const
    {
        QStringList ids;
        for (int r = 0; r < proxy()->rowCount(); ++r)
            ids << proxy()->index(r, 0).data(ActorTreeModel::IdRole).toString();
        return ids;
    }
    /// The proxy sorted by column both ways: SortRole values in order, and not all equal (so the
    /// order says something).
    bool sortedBoth(int column, QString *why)
    {
        for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            proxy()->sort(column, order);
            QList<double> values;
            for (int r = 0; r < proxy()->rowCount(); ++r)
                values << proxy()->index(r, column).data(ActorTreeModel::SortRole).toDouble();
            const bool ordered = order == Qt::AscendingOrder ? std::is_sorted(values.cbegin(), values.cend())
                                                             : std::is_sorted(values.crbegin(), values.crend());
            *why = u"column %1: %2"_s.arg(column).arg(QString::fromLatin1(QTest::toString(values)));
            if (!ordered || values.isEmpty() || values.first() == values.last())
                return false;
        }
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_runtime.start(3, 2));
        QTRY_COMPARE(m_runtime.system->registry().count(), 1 + 3 + 3 * 2);
        m_views = m_runtime.ids(u"view"_s);
        m_window = std::make_unique<MainWindow>();
        m_connection = m_window->addInstance(m_runtime.server->url(), m_runtime.server->operateToken(), false);
        m_window->show();
        QTRY_COMPARE(m_window->model()->actorCount(m_connection), 10);
    }

    /// One row per actor, no instance rows; new actors are appended; a second instance adds its
    /// actors and takes them away when removed.
    void rowsAreTheActors()
    {
        QAbstractItemModelTester tester(top(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QStringList ids;
        for (int r = 0; r < top()->rowCount(); ++r)
            ids << top()->index(r, 0).data(ActorTreeModel::IdRole).toString();
        QStringList expected;
        for (const auto &info : m_runtime.system->registry().snapshot().actors)
            expected << info.id.toString(QUuid::WithoutBraces);
        ids.sort();
        expected.sort();
        QCOMPARE(ids, expected);
        QCOMPARE(top()->index(0, TopModel::InstanceColumn).data().toString(), u"test-runtime"_s);
        const QString view = m_views.at(1);
        QCOMPARE(topData(view, TopModel::PathColumn, Qt::DisplayRole).toString(), u"/page/0/view1"_s);
        QCOMPARE(topData(view, TopModel::MailboxColumn, Qt::DisplayRole).toString(), u"0/50"_s);
        QCOMPARE(topData(view, TopModel::KindColumn, Qt::DisplayRole).toString(), u"view"_s);
        // The row maps to the tree's node and back.
        const QModelIndex row = top()->indexOf(m_connection, view);
        QCOMPARE(top()->mapToSource(row), m_window->model()->indexOf(m_connection, view));
        QCOMPARE(top()->mapFromSource(m_window->model()->indexOf(m_connection, view)), row);

        // Another instance (a second connection to the same runtime): its actors join the list.
        InstanceConnection second(m_runtime.server->url(), m_runtime.server->readOnlyToken());
        m_window->model()->addInstance(&second);
        second.open();
        QTRY_COMPARE(top()->rowCount(), 20);
        QVERIFY(top()->indexOf(&second, view).isValid());
        m_window->model()->removeInstance(&second);
        QCOMPARE(top()->rowCount(), 10);
        QVERIFY(!top()->indexOf(&second, view).isValid());
        QCOMPARE(top()->record(top()->indexOf(m_connection, view))->id, view);

        Supervisor::startChild(m_runtime.root, LiveRuntime::sessionSpec(99, 1), nullptr, {});
        QTRY_COMPARE(top()->rowCount(), 12);
        QCOMPARE(m_window->model()->actorCount(m_connection), 12);
        m_views = m_runtime.ids(u"view"_s);
    }

    /// Messages sent to a view show as its msgs/s and sparkline: the samples' rates times their
    /// intervals add up to the messages it processed; an idle view's line stays flat.
    void ratesFollowMessages()
    {
        const QString busy = m_views.at(4), idle = m_views.at(5);
        QCOMPARE(record(busy)->processed, 0u);
        const int rounds = 12, perRound = 25;
        for (int i = 0; i < rounds; ++i) {
            tell(busy, Sleep{0}, perRound);
            QTest::qWait(120); // spread over several delta ticks (250 ms)
        }
        QTRY_COMPARE(record(busy)->processed, quint64(rounds * perRound));
        const ActorRecord &r = *record(busy);
        double sum = 0;
        for (qsizetype i = 1; i < r.history.size(); ++i)
            sum += double(r.history[i].rate) * double(r.history[i].timeMs - r.history[i - 1].timeMs) / 1000.0;
        QVERIFY2(qAbs(sum - rounds * perRound) < 0.5, qPrintable(QString::number(sum)));

        const QList<double> line = qvariant_cast<QList<double>>(topData(busy, TopModel::ActivityColumn, TopModel::SparklineRole));
        QVERIFY2(std::count_if(line.cbegin(), line.cend(), [](double v) { return v > 0; }) >= 2,
                 QTest::toString(line));
        QVERIFY(line.size() <= TopModel::SparklineLength + 1);
        const QList<double> flat = qvariant_cast<QList<double>>(topData(idle, TopModel::ActivityColumn, TopModel::SparklineRole));
        QVERIFY(std::all_of(flat.cbegin(), flat.cend(), [](double v) { return v == 0; }));
        // Idle again: the rate goes to 0 and the line ends at 0.
        QTRY_COMPARE(topData(busy, TopModel::RateColumn, ActorTreeModel::SortRole).toDouble(), 0.0);
        QCOMPARE(qvariant_cast<QList<double>>(topData(busy, TopModel::ActivityColumn, TopModel::SparklineRole)).last(), 0.0);
    }

    /// A full mailbox (≥ 80 %) is hot at once, and no longer once drained; by rate, the busiest
    /// hotRateCount() actors are hot after refresh().
    void hotActors()
    {
        const QString full = m_views.at(3);
        QVERIFY(!topData(full, 0, TopModel::HotRole).toBool());
        tell(full, Sleep{2500});
        tell(full, Sleep{0}, 45);
        QTRY_VERIFY(record(full)->length >= 40);
        QTRY_VERIFY(topData(full, 0, TopModel::HotRole).toBool());
        QVERIFY2(topData(full, TopModel::MailboxColumn, Qt::ToolTipRole).toString().startsWith(u"hot: mailbox "_s),
                 qPrintable(topData(full, TopModel::MailboxColumn, Qt::ToolTipRole).toString()));
        int hot = 0;
        for (int r = 0; r < top()->rowCount(); ++r)
            hot += top()->index(r, 0).data(TopModel::HotRole).toBool() ? 1 : 0;
        QCOMPARE(hot, 1);
        QTRY_COMPARE(record(full)->length, 0);
        QVERIFY(!topData(full, 0, TopModel::HotRole).toBool());

        const QString busy = m_views.at(0);
        top()->setHotRateCount(1);
        bool hotByRate = false;
        for (int i = 0; i < 40 && !hotByRate; ++i) {
            tell(busy, Sleep{0}, 20);
            QTest::qWait(100);
            top()->refresh();
            hotByRate = topData(busy, 0, TopModel::HotRole).toBool();
        }
        QVERIFY(hotByRate);
        QVERIFY(topData(busy, 0, Qt::ToolTipRole).toString().contains(u"among the 1 busiest"_s));
        for (const QString &id : m_views)
            QVERIFY(id == busy || !topData(id, 0, TopModel::HotRole).toBool());
        top()->setHotRateCount(3);
        QTRY_COMPARE(topData(busy, TopModel::RateColumn, ActorTreeModel::SortRole).toDouble(), 0.0);
        top()->refresh();
        QVERIFY(!topData(busy, 0, TopModel::HotRole).toBool());
    }

    /// Each load column sorts: mailbox fill, restarts and processing time with a filled, a killed
    /// and a slow view at once; msgs/s and the sparkline while one view is busy.
    void sortsByEachColumn()
    {
        m_runtime.system->kill(QUuid::fromString(m_views.at(0)));
        QTRY_COMPARE(record(m_views.at(0))->restartCount, 1);
        // The runtime times one activation in 32: slow messages one at a time, each its own activation.
        for (int i = 0; i < 70; ++i) {
            tell(m_views.at(1), Sleep{3});
            QTest::qWait(8);
        }
        QTRY_VERIFY(record(m_views.at(1))->processingTimeUs > 1000);
        tell(m_views.at(2), Sleep{1500});
        tell(m_views.at(2), Sleep{0}, 30);
        QTRY_VERIFY(record(m_views.at(2))->length >= 20);
        QString why;
        for (int column : {TopModel::MailboxColumn, TopModel::RestartsColumn, TopModel::ProcessingColumn})
            QVERIFY2(sortedBoth(column, &why), qPrintable(why));
        proxy()->sort(TopModel::MailboxColumn, Qt::DescendingOrder);
        QCOMPARE(proxyIds().first(), m_views.at(2));
        proxy()->sort(TopModel::RestartsColumn, Qt::DescendingOrder);
        QCOMPARE(proxyIds().first(), m_views.at(0));
        proxy()->sort(TopModel::ProcessingColumn, Qt::DescendingOrder);
        QVERIFY(proxyIds().first() == m_views.at(1) || proxyIds().first() == m_views.at(2));

        bool sorted = false;
        for (int i = 0; i < 40 && !sorted; ++i) {
            tell(m_views.at(4), Sleep{0}, 20);
            QTest::qWait(100);
            sorted = record(m_views.at(4))->rateAt(m_window->model()->now()) > 0 && sortedBoth(TopModel::RateColumn, &why)
                && sortedBoth(TopModel::ActivityColumn, &why);
        }
        QVERIFY2(sorted, qPrintable(why));
        proxy()->sort(TopModel::RateColumn, Qt::DescendingOrder);
        QCOMPARE(proxyIds().first(), m_views.at(4));
        // Text columns sort as text.
        proxy()->sort(TopModel::PathColumn, Qt::AscendingOrder);
        QStringList paths;
        for (int r = 0; r < proxy()->rowCount(); ++r)
            paths << proxy()->index(r, TopModel::PathColumn).data().toString().toLower();
        QVERIFY(std::is_sorted(paths.cbegin(), paths.cend()));
        QTRY_COMPARE(record(m_views.at(2))->length, 0);
    }

    /// The window's filter box applies to Top with the same language.
    void filterApplies()
    {
        m_window->filterEdit()->setText(u"kind:view"_s);
        QCOMPARE(proxy()->rowCount(), m_views.size());
        m_window->filterEdit()->setText(u"restarts>0"_s);
        QCOMPARE(proxyIds(), QStringList{m_views.at(0)});
        m_window->filterEdit()->setText(u"/page/99"_s);
        QCOMPARE(proxyIds(), QStringList{m_views.last()}); // flat: no ancestors kept, unlike the tree
        m_window->filterEdit()->setText(u"nosuchfield>3"_s);
        QCOMPARE(proxy()->rowCount(), 0);
        m_window->filterEdit()->clear();
        QCOMPARE(proxy()->rowCount(), top()->rowCount());
    }

    /// Selecting a Top row selects the actor in the tree and the detail pane; View > Top shows the dock.
    void selectionFollows()
    {
        const QString view = m_views.at(3);
        QTableView *table = m_window->topView()->table();
        const QModelIndex row = proxy()->mapFromSource(top()->indexOf(m_connection, view));
        table->setCurrentIndex(row);
        InstanceConnection *connection = nullptr;
        QCOMPARE(m_window->selectedActor(&connection)->id, view);
        QCOMPARE(connection, m_connection);
        QCOMPARE(m_window->detailPane()->actorId(), view);

        auto *dock = m_window->findChild<QDockWidget *>(u"top"_s);
        QVERIFY(dock);
        dock->hide();
        m_window->findChild<QAction *>(u"showTop"_s)->trigger();
        QVERIFY(dock->isVisible());
        QCOMPARE(m_window->findChild<QAction *>(u"showTop"_s)->shortcut(), QKeySequence(u"Ctrl+T"_s));
    }

    void cleanupTestCase()
    {
        m_window.reset();
    }
};

QTEST_MAIN(tst_TopModel)

#include "tst_topmodel.moc"
