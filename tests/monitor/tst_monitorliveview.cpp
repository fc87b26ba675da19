// The monitor against a real LiveView server: a phoenix.js-like WebSocket client mounts a view,
// the monitor shows the session and the view (path "/"), the operator kills the view from the
// main window, the client gets phx_error and re-mounts (fresh mount id), and the monitor sees
// the old view go and the re-mounted one appear.
#include "core/actorsystem.h"
#include "liveview/liveviewserver.h"
#include "monitor_app/core/actortreemodel.h"
#include "monitor_app/core/restartlogmodel.h"
#include "monitor_app/widgets/mainwindow.h"
#include "telemetry/controlserver.h"
#include "testviews/testviews.h"

#include <QAction>
#include <QApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(LiveActor_MonitorPlugin)

using namespace LiveActor;
using namespace LiveActor::Monitor;
using namespace Qt::StringLiterals;

namespace {

struct Page
{
    QString id, session, csrf, raw;
};

Page fetchPage(quint16 port)
{
    // Asynchronous on purpose: the server answers from this thread's event loop.
    QTcpSocket s;
    QByteArray all;
    QObject::connect(&s, &QTcpSocket::readyRead, &s, [&] { all += s.readAll(); });
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!QTest::qWaitFor([&] { return s.state() == QAbstractSocket::ConnectedState; }, 3000))
        return {};
    s.write("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\nConnection: close\r\n\r\n");
    QTest::qWaitFor([&] { return s.state() == QAbstractSocket::UnconnectedState || all.contains("</html>"); }, 5000);
    all += s.readAll();
    const QString body = QString::fromUtf8(all);
    auto grab = [&](const char *re) {
        auto m = QRegularExpression(QString::fromLatin1(re)).match(body);
        return m.hasMatch() ? m.captured(1) : QString();
    };
    return {grab(R"re(<div id="(phx-[^"]+)" data-phx-main)re"), grab(R"re(data-phx-session="([^"]+)")re"),
            grab(R"re(<meta name="csrf-token" content="([^"]+)")re"), body};
}

/// Speaks Phoenix Channels V2 like phoenix.js: join, and the frames received.
class ChannelClient : public QObject
{
public:
    explicit ChannelClient(quint16 port)
    {
        connect(&ws, &QWebSocket::textMessageReceived, this,
                [this](const QString &t) { frames.append(QJsonDocument::fromJson(t.toUtf8()).array()); });
        ws.open(QUrl(u"ws://127.0.0.1:%1/live/websocket?vsn=2.0.0"_s.arg(port)));
    }
    QString join(const Page &p, const QString &url)
    {
        const QString r = QString::number(++ref);
        const QJsonArray a{r, r, QString(u"lv:"_s + p.id), u"phx_join"_s,
                           QJsonObject{{u"url"_s, url},
                                       {u"params"_s, QJsonObject{{u"_csrf_token"_s, p.csrf}, {u"_mounts"_s, ref - 1}}},
                                       {u"session"_s, p.session}, {u"static"_s, QJsonValue()}, {u"sticky"_s, false}}};
        ws.sendTextMessage(QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact)));
        return r;
    }
    std::optional<QJsonArray> reply(const QString &r)
    {
        std::optional<QJsonArray> found;
        QTest::qWaitFor([&] {
            for (const QJsonArray &f : std::as_const(frames))
                if (f.at(3).toString() == u"phx_reply" && f.at(1).toString() == r)
                    found = f;
            return found.has_value();
        }, 5000);
        return found;
    }
    int count(const QString &event) const
    {
        return int(std::count_if(frames.cbegin(), frames.cend(), [&](const QJsonArray &f) { return f.at(3).toString() == event; }));
    }
    QWebSocket ws;
    QList<QJsonArray> frames;
    int ref = 0;
};

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
        QTemporaryDir dir;
        ActorSystem system(SystemConfig{.executors = 2});
        ServerConfig config;
        config.port = 0;
        config.stateDir = dir.path();
        config.secret = "monitor-test-secret-monitor-test-secret";
        LiveViewServer server(config, system);
        QVERIFY(TestViews::registerAll(server));
        QVERIFY(server.listen());
        ControlServer control(system, ControlConfig{.port = 0, .stateDir = dir.path()});
        QVERIFY(control.start());

        const Page page = fetchPage(server.port());
        QVERIFY2(!page.id.isEmpty() && !page.session.isEmpty(), qPrintable(page.raw.left(600)));
        ChannelClient client(server.port());
        QVERIFY(QTest::qWaitFor([&] { return client.ws.state() == QAbstractSocket::ConnectedState; }, 5000));
        const QString url = u"http://127.0.0.1:%1/"_s.arg(server.port());
        auto first = client.reply(client.join(page, url));
        QVERIFY(first);
        QCOMPARE(first->at(4).toObject().value(u"status"_s).toString(), u"ok"_s);
        const QByteArray firstRendered = QJsonDocument(first->at(4).toObject().value(u"response"_s).toObject()).toJson();

        MainWindow window;
        window.setConfirmHandler([](const QString &, const QString &) { return true; });
        InstanceConnection *c = window.addInstance(control.url(), control.operateToken(), false);
        window.show();
        QTRY_COMPARE(c->state(), InstanceConnection::State::Live);
        QString view;
        QTRY_VERIFY(!(view = viewOf(window.model(), c, system)).isEmpty());
        const ActorRecord *record = window.model()->find(c, view);
        QCOMPARE(record->viewOrPath(), u"/"_s);
        const ActorRecord *session = window.model()->find(c, record->parentId);
        QVERIFY(session);
        QCOMPARE(session->kind, u"session"_s);

        // Kill the view from the window.
        QVERIFY(window.selectActor(c, view));
        QTRY_VERIFY(window.action(InstanceConnection::Action::Kill)->isEnabled());
        window.action(InstanceConnection::Action::Kill)->trigger();
        QTRY_COMPARE(client.count(u"phx_error"_s), 1);
        // phoenix.js rejoins: a fresh mount.
        auto second = client.reply(client.join(page, url));
        QVERIFY(second);
        QCOMPARE(second->at(4).toObject().value(u"status"_s).toString(), u"ok"_s);
        const QByteArray secondRendered = QJsonDocument(second->at(4).toObject().value(u"response"_s).toObject()).toJson();
        QVERIFY(firstRendered != secondRendered); // the per-mount id differs
        // The monitor follows: the killed view is gone or restarted, a live view for "/" is there.
        QTRY_VERIFY([&] {
            const ActorRecord *old = window.model()->find(c, view);
            if (old && old->restartCount == 0)
                return false;
            for (const ActorInfo &info : system.registry().snapshot().actors) {
                const ActorRecord *r = window.model()->find(c, info.id.toString(QUuid::WithoutBraces));
                if (info.kind == u"view"_s && r && r->state == u"running"_s && r->viewOrPath() == u"/"_s)
                    return true;
            }
            return false;
        }());
        QVERIFY(control.auditLog().last().contains(u"action=kill"_s));
        control.stop();
        server.shutdown(std::chrono::milliseconds(3000));
        system.shutdown(std::chrono::milliseconds(3000));
    }
};

QTEST_MAIN(tst_MonitorLiveView)
#include "tst_monitorliveview.moc"
