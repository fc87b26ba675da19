// The monitor against a real LiveView server: a phoenix.js-like WebSocket client mounts a view,
// the monitor shows the session and the view (path "/"), the operator kills the view from the
// main window, the client gets phx_error and re-mounts (fresh mount id), and the monitor shows
// the same view actor running again with restart count 1 and the kill in its restart log.
#include "core/actorsystem.h"
#include "liveview/liveviewserver.h"
#include "monitor_app/core/actortreemodel.h"
#include "monitor_app/core/restartlogmodel.h"
#include "monitor_app/widgets/actordetailpane.h"
#include "monitor_app/widgets/mainwindow.h"
#include "support/channelclient.h"
#include "support/serverfixture.h"
#include "telemetry/controlserver.h"

#include <QAction>
#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(LiveActor_MonitorPlugin)

using namespace LiveActor;
using namespace LiveActor::Monitor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;

namespace {

QString viewOf(ActorTreeModel *model, InstanceConnection *c, const ActorSystem &system)
{
    for (const ActorInfo &info : system.registry().snapshot().actors)
        if (info.kind == u"view"_s && model->find(c, info.id.toString(QUuid::WithoutBraces)))
            return info.id.toString(QUuid::WithoutBraces);
    return {};
}

} // namespace

class tst_MonitorLiveView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void killFromMonitorRemountsView()
    {
        QStandardPaths::setTestModeEnabled(true);
        ServerFixture f([](ServerConfig &c) { c.secret = "monitor-test-secret-monitor-test-secret"; });
        QVERIFY(f.ok);
        ActorSystem &system = f.system;
        ControlServer control(system, ControlConfig{.port = 0, .stateDir = f.dir.path()});
        control.setAssignsProvider([&f](const QUuid &id, int maxBytes, std::function<void(Result<QString>)> done) {
            f.server->inspectAssigns(id, maxBytes, std::move(done)); // as `liveactor serve` wires it
        });
        QVERIFY(control.start());

        const Page page = httpGet(f.port(), "/");
        QVERIFY2(!page.id.isEmpty() && !page.session.isEmpty(), page.body.left(600).constData());
        Client client(f.port());
        QVERIFY(client.waitConnected());
        const QString url = f.url(u"/"_s);
        const QJsonArray first = client.reply(client.join(page, url));
        QCOMPARE(status(first), u"ok"_s);
        const QByteArray firstRendered = QJsonDocument(response(first)).toJson();

        MainWindow window;
        window.setConfirmHandler([](const QString &, const QString &) { return true; });
        InstanceConnection *c = window.addInstance(control.url(), control.operateToken(), false);
        window.show();
        QTRY_COMPARE(c->state(), InstanceConnection::State::Live);
        QString view;
        QTRY_VERIFY(!(view = viewOf(window.model(), c, system)).isEmpty());
        const ActorRecord *record = window.model()->find(c, view);
        QCOMPARE(record->viewOrPath(), u"/"_s);
        const QString sessionId = record->parentId;
        const ActorRecord *session = window.model()->find(c, sessionId);
        QVERIFY(session);
        QCOMPARE(session->kind, u"session"_s);

        // Kill the view from the window.
        QVERIFY(window.selectActor(c, view));
        QTRY_VERIFY(window.action(InstanceConnection::Action::Kill)->isEnabled());
        window.action(InstanceConnection::Action::Kill)->trigger();
        QTRY_COMPARE(client.events(u"phx_error"_s).size(), 1);
        // phoenix.js rejoins: a fresh mount.
        const QJsonArray second = client.reply(client.join(page, url));
        QCOMPARE(status(second), u"ok"_s);
        const QByteArray secondRendered = QJsonDocument(response(second)).toJson();
        QVERIFY(firstRendered != secondRendered); // the per-mount id differs
        // The monitor follows: the same view (same id) is running again with one restart, and the
        // restart log has it with its reason.
        QTRY_VERIFY([&] {
            const ActorRecord *r = window.model()->find(c, view);
            return r && r->state == u"running"_s && r->restartCount == 1 && r->viewOrPath() == u"/"_s;
        }());
        QTRY_VERIFY(!window.restartLog()->entriesFor(c->displayName(), view).isEmpty());
        const auto restarts = window.restartLog()->entriesFor(c->displayName(), view);
        QCOMPARE(restarts.size(), 1);
        QCOMPARE(restarts.first().reasonKind, u"killed"_s);

        // The detail pane fetches the restarted view's current assigns from the view actor.
        QVERIFY(window.selectActor(c, view));
        Q_EMIT window.detailPane()->fetchAssignsRequested(view); // its "Fetch assigns" button
        QTRY_VERIFY2(window.detailPane()->assignsText().contains(u"\"count\": 0"_s),
                     qPrintable(window.detailPane()->assignsText()));
        QVERIFY(window.detailPane()->assignsText().contains(u"\"connected\": \"yes\""_s));
        // A session has no assigns: a clear answer, not a crash of the session.
        QVERIFY(window.selectActor(c, sessionId));
        Q_EMIT window.detailPane()->fetchAssignsRequested(sessionId);
        QTRY_VERIFY2(window.detailPane()->assignsText().contains(u"only views have assigns"_s),
                     qPrintable(window.detailPane()->assignsText()));
        QVERIFY(!control.auditLog().filter(u"action=kill"_s).isEmpty());
        control.stop();
        f.server->shutdown(std::chrono::milliseconds(3000));
        system.shutdown(std::chrono::milliseconds(3000));
    }
};

QTEST_MAIN(tst_MonitorLiveView)
#include "tst_monitorliveview.moc"
