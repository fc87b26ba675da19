// The Fleet dock against a real redis-server: FleetRegistry objects (what `liveactor serve
// --redis` runs) register instances, the pane lists them and follows their figures, selecting one
// connects the window to its control plane (a live runtime in this process), and an instance that
// leaves is greyed, then removed.
#include "support/liveruntime.h"
#include "support/redisserver.h"

#include "monitor_app/core/actortreemodel.h"
#include "monitor_app/core/fleetmodel.h"
#include "monitor_app/widgets/fleetpane.h"
#include "monitor_app/widgets/mainwindow.h"

#include <QApplication>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(LiveActor_MonitorPlugin)

using namespace LiveActor;
using namespace LiveActor::Monitor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

class tst_FleetPane : public QObject
{
    Q_OBJECT
    LiveRuntime m_runtime;
    RedisServer m_redis;
    int m_alphaSessions = 3;

    std::unique_ptr<FleetRegistry> registry(const QString &name, const QString &controlUrl, const int *sessions)
    {
        auto r = std::make_unique<FleetRegistry>(*RedisUrl::parse(m_redis.url()), name, [=] {
            FleetInstance i;
            i.controlUrl = controlUrl;
            i.httpUrl = u"http://127.0.0.1:1/"_s;
            i.started = QDateTime::currentDateTimeUtc();
            i.sessions = *sessions;
            i.views = 2 * *sessions;
            i.load = 1.5;
            return i;
        }, 100ms);
        r->start();
        return r;
    }

    static QString cell(FleetModel *model, int row, int column, int role = Qt::DisplayRole)
    {
        return model->index(row, column).data(role).toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (!RedisServer::available())
            QSKIP("redis-server is not installed (Debian package redis-server)");
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_redis.start());
        QVERIFY(m_runtime.start(2, 1));
    }

    void listsInstancesLiveAttachesAndForgetsGoneOnes()
    {
        MainWindow window;
        window.show();
        FleetModel *model = window.fleetModel();
        const int betaSessions = 1;
        auto alpha = registry(u"alpha"_s, m_runtime.server->url().toString(), &m_alphaSessions);
        auto beta = registry(u"beta"_s, u"ws://127.0.0.1:1/"_s, &betaSessions);

        QString error;
        QVERIFY2(window.connectToFleet(m_redis.url(), m_runtime.server->operateToken(), &error, 100ms), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 20000);
        const int a = model->rowOf(u"alpha"_s);
        QCOMPARE(cell(model, a, FleetModel::SessionsColumn), u"3"_s);
        QCOMPARE(cell(model, a, FleetModel::ViewsColumn), u"6"_s);
        QCOMPARE(cell(model, a, FleetModel::LoadColumn), u"1.5 ev/s"_s);
        QCOMPARE(cell(model, a, FleetModel::ControlColumn), m_runtime.server->url().toString());
        QTRY_VERIFY(window.fleetPane()->statusText().startsWith(u"2 instances in redis://127.0.0.1:"_s));

        m_alphaSessions = 8; // the registry's next write, the model's next read
        QTRY_COMPARE_WITH_TIMEOUT(cell(model, model->rowOf(u"alpha"_s), FleetModel::SessionsColumn), u"8"_s, 20000);
        QCOMPARE(model->rowOf(u"alpha"_s), a); // rows keep their place

        // Selecting alpha attaches the window to its control plane (the usual connect path).
        QVERIFY(window.instances().isEmpty());
        window.fleetPane()->table()->setCurrentIndex(model->index(a, FleetModel::NameColumn));
        QCOMPARE(window.instances().size(), 1);
        InstanceConnection *connection = window.instances().constFirst();
        QCOMPARE(connection->url(), m_runtime.server->url());
        QTRY_COMPARE_WITH_TIMEOUT(connection->state(), InstanceConnection::State::Live, 20000);
        QTRY_VERIFY(window.model()->actorCount(connection) > 0);

        // beta leaves: greyed (and not attachable) while it lingers, then gone.
        model->setLinger(1h);
        QVERIFY(beta->stop(10s));
        const int b = model->rowOf(u"beta"_s);
        QTRY_VERIFY_WITH_TIMEOUT(model->index(b, 0).data(FleetModel::GoneRole).toBool(), 20000);
        QCOMPARE(cell(model, b, FleetModel::NameColumn), u"beta (gone)"_s);
        QVERIFY(!model->index(a, 0).data(FleetModel::GoneRole).toBool());
        window.fleetPane()->table()->setCurrentIndex(model->index(b, FleetModel::NameColumn));
        QCOMPARE(window.instances().size(), 1); // nothing to attach to
        QTRY_VERIFY(window.fleetPane()->statusText().startsWith(u"1 instance in "_s));
        model->setLinger(0ms);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 20000);
        QCOMPARE(model->instance(0).name, u"alpha"_s);

        // A process that dies without cleaning up leaves when its record's TTL passes.
        alpha->abandon();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 0, 20000);
        QTRY_VERIFY(window.fleetPane()->statusText().startsWith(u"0 instances in "_s));
    }

    void badUrlIsAClearError()
    {
        MainWindow window;
        QString error;
        QVERIFY(!window.connectToFleet(u"http://127.0.0.1:6379/0"_s, {}, &error));
        QVERIFY2(error.contains(u"redis://"_s), qPrintable(error));
    }

    void unreachableRedisIsSaid()
    {
        MainWindow window;
        RedisServer absent; // a free port, never started
        QVERIFY(window.connectToFleet(absent.url(), {}, nullptr, 100ms));
        QTRY_VERIFY_WITH_TIMEOUT(window.fleetPane()->statusText().startsWith(u"Redis at redis://127.0.0.1:"_s), 20000);
        QVERIFY(window.fleetPane()->statusText().endsWith(u"unreachable; retrying"_s));
        QCOMPARE(window.fleetModel()->rowCount(), 0);
    }
};

QTEST_MAIN(tst_FleetPane)
#include "tst_fleetpane.moc"
