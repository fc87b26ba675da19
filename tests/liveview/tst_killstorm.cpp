// The kill storm: 200 joined clients click while 300 view kills and 30 session kills arrive
// through the control plane. Real sockets on 127.0.0.1: the LiveViewServer with the test views
// (its sessions and views on two executor threads), a ControlServer on the same actor system and
// a control-plane client sending Kill commands, and 200 phoenix.js-like clients on this thread.
//
// A client whose view is killed gets phx_error and rejoins (a fresh mount); a client whose session
// is killed loses its socket and reconnects. Every client must recover and keep clicking. A client
// whose actors were not killed must see no error at all and keep its state: every reply's count
// is the number of clicks it had acknowledged so far. The kill replies say which actors died (a
// view's name is its topic, a session's name its client's address), so the test knows which
// clients may see errors. No assertion depends on timing; every wait is for a condition.
#include "liveview/liveviewserver.h"
#include "support/channelclient.h"
#include "support/controltestclient.h"
#include "support/serverfixture.h"
#include "telemetry/controlserver.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <QTimer>
#include <QWebSocket>

#include <memory>

using namespace LiveActor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;

namespace {

constexpr int kClients = 200;
constexpr int kViewKills = 300;
constexpr int kSessionKills = 30;
constexpr int kClicksAfterStorm = 3;

/// One browser tab on "/" (the counter), driven by signals only (no nested event loops): it
/// joins, clicks one click at a time, rejoins after phx_error and reconnects when its socket is
/// closed, always with the page it fetched once (the signed session binds the topic, not the socket).
class StormClient : public QObject
{
public:
    StormClient(quint16 port, Page page)
        : m_port(port), m_page(std::move(page)), m_topic(u"lv:"_s + m_page.id)
    {
        connectSocket();
    }

    QString topic() const { return m_topic; }
    bool joined() const { return m_joined; }
    bool everErred() const { return m_erred; }
    int mounts() const { return m_mounts; }
    int acked() const { return m_acked; }
    int totalAcked() const { return m_totalAcked; }
    int ackedSince(int mark) const { return m_totalAcked - mark; }
    const QSet<quint16> &localPorts() const { return m_localPorts; }
    /// The first inconsistency seen (a count that is not the number of acknowledged clicks).
    const QString &failure() const { return m_failure; }
    QString describe() const
    {
        return u"%1: joined %2, mounts %3, acked %4 (total %5), erred %6, ports %7"_s.arg(m_topic)
            .arg(m_joined).arg(m_mounts).arg(m_acked).arg(m_totalAcked).arg(m_erred).arg(m_localPorts.size());
    }

private:
    void connectSocket()
    {
        m_joined = false;
        m_socket = std::make_unique<QWebSocket>();
        QWebSocket *ws = m_socket.get();
        connect(ws, &QWebSocket::connected, this, [this, ws] {
            m_localPorts.insert(ws->localPort());
            join();
        });
        connect(ws, &QWebSocket::textMessageReceived, this, [this](const QString &t) {
            onFrame(QJsonDocument::fromJson(t.toUtf8()).array());
        });
        connect(ws, &QWebSocket::disconnected, this, [this, ws] {
            // The session was killed (or its view crashed once too often): a new socket, as
            // phoenix.js reconnects. Later than this handler: the old socket is still emitting.
            m_erred = true;
            ws->disconnect(this);
            QTimer::singleShot(10, this, [this] {
                m_retired.push_back(std::move(m_socket));
                connectSocket();
            });
        });
        ws->open(QUrl(u"ws://127.0.0.1:%1/live/websocket?vsn=2.0.0&_csrf_token=%2"_s.arg(m_port).arg(m_page.csrf)));
    }

    void push(const QString &ref, const QString &event, const QJsonObject &payload)
    {
        const QJsonArray a{m_joinRef, ref, m_topic, event, payload};
        m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact)));
    }

    void join()
    {
        m_joined = false;
        m_clickRef.clear();
        m_joinRef = QString::number(++m_ref);
        push(m_joinRef, u"phx_join"_s,
             {{u"url"_s, u"http://127.0.0.1:%1/"_s.arg(m_port)},
              {u"params"_s, QJsonObject{{u"_csrf_token"_s, m_page.csrf}, {u"_mounts"_s, m_mounts}}},
              {u"session"_s, m_page.session}, {u"static"_s, QJsonValue()}, {u"sticky"_s, false}});
    }

    void click()
    {
        if (!m_joined || !m_clickRef.isEmpty())
            return;
        m_clickRef = QString::number(++m_ref);
        push(m_clickRef, u"event"_s, {{u"type"_s, u"click"_s}, {u"event"_s, u"inc"_s}, {u"value"_s, QJsonObject{}}});
    }

    void fail(const QString &why)
    {
        if (m_failure.isEmpty())
            m_failure = m_topic + u": "_s + why;
    }

    void onFrame(const QJsonArray &f)
    {
        if (f.at(2).toString() != m_topic)
            return;
        const QString event = f.at(3).toString();
        const QString ref = f.at(1).toString();
        const QJsonObject payload = f.at(4).toObject();
        if (event == u"phx_error" && f.at(0).toString() == m_joinRef) {
            // The view was killed: rejoin, which restarts it with a fresh mount.
            m_erred = true;
            join();
            return;
        }
        if (event != u"phx_reply")
            return;
        const bool ok = payload.value(u"status"_s).toString() == u"ok";
        const QJsonObject response = payload.value(u"response"_s).toObject();
        if (ref == m_joinRef && !m_joined) {
            if (!ok) { // e.g. the session is going away: try again shortly
                m_erred = true;
                QTimer::singleShot(20, this, [this] { join(); });
                return;
            }
            ++m_mounts;
            m_joined = true;
            m_acked = 0;
            const QString count = response.value(u"rendered"_s).toObject().value(u"0"_s).toString();
            if (count != u"0")
                fail(u"mount %1 shows count %2, not 0"_s.arg(m_mounts).arg(count));
            click();
            return;
        }
        if (ref != m_clickRef)
            return; // a reply to a click sent before the last rejoin
        m_clickRef.clear();
        if (!ok) { // the view died under the click; phx_error follows
            m_erred = true;
            QTimer::singleShot(20, this, [this] { click(); });
            return;
        }
        ++m_acked;
        ++m_totalAcked;
        const QString count = response.value(u"diff"_s).toObject().value(u"0"_s).toString();
        if (count != QString::number(m_acked))
            fail(u"count %1 after %2 acknowledged clicks (mount %3)"_s.arg(count).arg(m_acked).arg(m_mounts));
        click();
    }

    quint16 m_port;
    Page m_page;
    QString m_topic;
    std::unique_ptr<QWebSocket> m_socket;
    std::vector<std::unique_ptr<QWebSocket>> m_retired;
    QString m_joinRef, m_clickRef;
    int m_ref = 0;
    bool m_joined = false;
    bool m_erred = false;
    int m_mounts = 0;
    int m_acked = 0;       ///< acknowledged clicks since the current mount
    int m_totalAcked = 0;
    QSet<quint16> m_localPorts;
    QString m_failure;
};

pb::Command killCommand(const QUuid &id, const char *reason)
{
    pb::Command c;
    c.set_actor_id(id.toString(QUuid::WithoutBraces).toStdString());
    c.mutable_kill()->set_reason(reason);
    return c;
}

} // namespace

class tst_KillStorm : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void clientsRecoverAndOthersKeepTheirState()
    {
        ServerFixture f;
        QVERIFY(f.ok);
        ControlServer control(f.system, {.port = 0, .stateDir = f.dir.path() + u"/control"_s});
        QVERIFY(control.start());
        ControlTestClient operatorClient;
        QVERIFY(operatorClient.open(control.url()));
        const auto auth = operatorClient.auth(control.operateToken());
        QVERIFY(auth && auth->ok());

        std::vector<std::unique_ptr<StormClient>> clients;
        QHash<QString, StormClient *> byTopic;
        for (int i = 0; i < kClients; ++i) {
            Page page = httpGet(f.port(), "/");
            QVERIFY2(!page.id.isEmpty(), "the page names its container");
            clients.push_back(std::make_unique<StormClient>(f.port(), page));
            byTopic.insert(clients.back()->topic(), clients.back().get());
        }
        const auto allJoined = [&] {
            return std::all_of(clients.begin(), clients.end(), [](const auto &c) { return c->joined(); });
        };
        QVERIFY2(QTest::qWaitFor(allJoined, 60000), "all clients joined");
        // Everyone is clicking before the first kill.
        QVERIFY(QTest::qWaitFor([&] {
            return std::all_of(clients.begin(), clients.end(), [](const auto &c) { return c->acked() >= 2; });
        }, 60000));

        // The storm: one session kill after every ten view kills, each at a running actor picked
        // at random, through the control plane; only kills the runtime confirms are counted.
        QSet<QString> killedTopics;
        QSet<quint16> killedPorts;
        int viewKills = 0, sessionKills = 0, refused = 0;
        QRandomGenerator rng(17);
        while (viewKills < kViewKills || sessionKills < kSessionKills) {
            const bool killSession = sessionKills < kSessionKills && (viewKills >= kViewKills || viewKills >= 10 * (sessionKills + 1));
            const QString kind = killSession ? u"session"_s : u"view"_s;
            QList<ActorInfo> running;
            for (const ActorInfo &a : f.system.registry().snapshot().actors)
                if (a.kind == kind && a.state == ActorState::Running)
                    running.append(a);
            QVERIFY2(!running.isEmpty(), qPrintable(u"a running "_s + kind));
            const ActorInfo target = running.at(int(rng.bounded(quint32(running.size()))));
            const auto result = operatorClient.command(killCommand(target.id, "kill storm"));
            QVERIFY2(result, "every kill is answered");
            if (!result->ok()) { // it died or restarted between the pick and the kill
                ++refused;
                continue;
            }
            if (killSession) {
                ++sessionKills;
                // A session's name is its client's address, 127.0.0.1:<the client's port>.
                killedPorts.insert(quint16(target.name.section(u':', -1).toUInt()));
            } else {
                ++viewKills;
                killedTopics.insert(target.name);
            }
            QTest::qWait(2); // clicks go on between kills
        }
        qInfo("kills confirmed: %d views (%lld distinct), %d sessions; %d refused", viewKills,
              qlonglong(killedTopics.size()), sessionKills, refused);

        // Which clients the kills hit; every killed actor must belong to one of them.
        QSet<StormClient *> hit;
        for (const QString &t : std::as_const(killedTopics)) {
            QVERIFY2(byTopic.contains(t), qPrintable(u"a killed view belongs to a client: "_s + t));
            hit.insert(byTopic.value(t));
        }
        for (quint16 port : std::as_const(killedPorts)) {
            auto owner = std::find_if(clients.begin(), clients.end(), [&](const auto &c) { return c->localPorts().contains(port); });
            QVERIFY2(owner != clients.end(), qPrintable(u"a killed session belongs to a client: port %1"_s.arg(port)));
            hit.insert(owner->get());
        }

        // Every client recovers: joined again and acknowledging new clicks.
        std::vector<int> marks;
        for (const auto &c : clients)
            marks.push_back(c->totalAcked());
        const auto recovered = [&] {
            for (size_t i = 0; i < clients.size(); ++i)
                if (!clients[i]->joined() || clients[i]->ackedSince(marks[i]) < kClicksAfterStorm)
                    return false;
            return true;
        };
        if (!QTest::qWaitFor(recovered, 60000)) {
            for (size_t i = 0; i < clients.size(); ++i)
                if (!clients[i]->joined() || clients[i]->ackedSince(marks[i]) < kClicksAfterStorm)
                    qWarning("not recovered: %s", qPrintable(clients[i]->describe()));
            QFAIL("every client recovers");
        }

        int erred = 0;
        for (const auto &c : clients) {
            QVERIFY2(c->failure().isEmpty(), qPrintable(c->failure()));
            if (hit.contains(c.get())) {
                // Its view or session died: it came back with a fresh mount.
                QVERIFY2(c->mounts() >= 2, qPrintable(c->describe()));
                erred += c->everErred() ? 1 : 0;
                continue;
            }
            // Untouched: no error, one mount, the count is every click it ever had acknowledged.
            QVERIFY2(!c->everErred(), qPrintable(u"not killed, yet saw an error: "_s + c->describe()));
            QCOMPARE(c->mounts(), 1);
            QCOMPARE(c->acked(), c->totalAcked());
        }
        QCOMPARE(erred, int(hit.size()));
        QVERIFY2(hit.size() < qsizetype(clients.size()), "some clients were left alone (else the second half tests nothing)");
        qInfo("%lld of %d clients hit; all recovered", qlonglong(hit.size()), kClients);
    }
};

QTEST_GUILESS_MAIN(tst_KillStorm)
#include "tst_killstorm.moc"
