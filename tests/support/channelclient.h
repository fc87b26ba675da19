#pragma once

// A phoenix.js-like test client over a real QWebSocket, and a plain HTTP GET that reads what a
// page gives the client (container id, signed session, CSRF token). The server under test runs
// on the calling thread: every wait spins the event loop (QTest::qWaitFor), never blocks.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

namespace LiveActor::Test {

using namespace Qt::StringLiterals;

struct Page
{
    int status = 0;
    QByteArray head;
    QByteArray body;
    QString id, session, csrf;
};

inline Page httpGet(quint16 port, const QByteArray &path, const QByteArray &extraHeaders = {})
{
    // The server runs on this thread: wait with the event loop running, never blocking.
    QTcpSocket s;
    QByteArray all;
    QObject::connect(&s, &QTcpSocket::readyRead, &s, [&] { all += s.readAll(); });
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!QTest::qWaitFor([&] { return s.state() == QAbstractSocket::ConnectedState; }, 3000))
        return {};
    s.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\nConnection: close\r\n"
            + extraHeaders + "\r\n");
    (void)QTest::qWaitFor([&] { return s.state() == QAbstractSocket::UnconnectedState; }, 5000);
    all += s.readAll();
    Page p;
    const qsizetype end = all.indexOf("\r\n\r\n");
    p.head = all.left(end);
    p.body = all.mid(end + 4);
    p.status = p.head.mid(9, 3).toInt();
    auto grab = [&](const char *re) {
        auto m = QRegularExpression(QString::fromLatin1(re)).match(QString::fromUtf8(p.body));
        return m.hasMatch() ? m.captured(1) : QString();
    };
    p.id = grab(R"re(<div id="(phx-[^"]+)" data-phx-main)re");
    p.session = grab(R"re(data-phx-session="([^"]+)")re");
    p.csrf = grab(R"re(<meta name="csrf-token" content="([^"]+)")re");
    return p;
}

/// A phoenix.js-like client: one socket, a ref counter, every received frame kept.
class Client : public QObject
{
public:
    explicit Client(quint16 port, const QString &query = u"vsn=2.0.0"_s)
    {
        connect(&ws, &QWebSocket::textMessageReceived, this, [this](const QString &t) {
            frames.append(QJsonDocument::fromJson(t.toUtf8()).array());
        });
        ws.open(QUrl(u"ws://127.0.0.1:%1/live/websocket?%2"_s.arg(port).arg(query)));
    }
    bool waitConnected()
    {
        return QTest::qWaitFor([&] { return ws.state() == QAbstractSocket::ConnectedState; }, 5000);
    }
    QString push(const QString &joinRef, const QString &topic, const QString &event, const QJsonObject &payload)
    {
        const QString r = QString::number(++ref);
        QJsonArray a{joinRef.isEmpty() ? QJsonValue() : QJsonValue(joinRef), r, topic, event, payload};
        ws.sendTextMessage(QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact)));
        return r;
    }
    /// Joins a page's container; returns the join ref.
    QString join(const Page &p, const QString &url, const QString &csrf = {}, const QString &topicId = {})
    {
        const QString r = QString::number(ref + 1);
        return push(r, u"lv:"_s + (topicId.isEmpty() ? p.id : topicId), u"phx_join"_s,
                    {{u"url"_s, url}, {u"params"_s, QJsonObject{{u"_csrf_token"_s, csrf.isEmpty() ? p.csrf : csrf}, {u"_mounts"_s, 0}}},
                     {u"session"_s, p.session}, {u"static"_s, QJsonValue()}, {u"sticky"_s, false}});
    }
    QString click(const QString &joinRef, const QString &topic, const QString &event, const QJsonObject &value = {})
    {
        return push(joinRef, topic, u"event"_s, {{u"type"_s, u"click"_s}, {u"event"_s, event}, {u"value"_s, value}});
    }
    /// The reply to ref (waits).
    /// A page fetched with GET and its view joined on this (connected) client.
    struct Joined
    {
        Page page;
        QString topic;
        QString joinRef;   ///< empty when the join was not answered ok
    };
    /// The start of most server tests: GET path from port, join it with url (the page URL the
    /// browser would send), wait for the ok.
    Joined joinPage(quint16 port, const QString &url, const QByteArray &path)
    {
        Joined j{httpGet(port, path), {}, {}};
        j.topic = u"lv:"_s + j.page.id;
        const QString jr = join(j.page, url);
        if (reply(jr).at(4).toObject().value(u"status"_s).toString() == u"ok")
            j.joinRef = jr;
        return j;
    }

    QJsonArray reply(const QString &r, int timeoutMs = 5000)
    {
        QJsonArray found;
        auto find = [&] {
            for (const auto &f : std::as_const(frames))
                if (f.at(3).toString() == u"phx_reply" && f.at(1).toString() == r) {
                    found = f;
                    return true;
                }
            return false;
        };
        (void)QTest::qWaitFor(find, timeoutMs); // an empty array makes the caller's QCOMPARE fail
        return found;
    }
    QList<QJsonArray> events(const QString &event) const
    {
        QList<QJsonArray> out;
        for (const auto &f : frames)
            if (f.at(3).toString() == event)
                out.append(f);
        return out;
    }
    QWebSocket ws;
    QList<QJsonArray> frames;
    int ref = 0;
};

inline QJsonObject response(const QJsonArray &reply)
{
    return reply.at(4).toObject().value(u"response"_s).toObject();
}
inline QString status(const QJsonArray &reply)
{
    return reply.at(4).toObject().value(u"status"_s).toString();
}

} // namespace LiveActor::Test
