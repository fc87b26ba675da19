#include "liveview/httprequest.h"
#include "liveview/websockethandshake.h"

#include <QTest>

using namespace LiveActor;
using namespace Qt::StringLiterals;

/// acceptWebSocket() without sockets: every refusal with its status, and the 101 it accepts with.
class tst_WebSocketHandshake : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void handshake_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("extraHeaders");
        QTest::addColumn<QStringList>("allowedOrigins");
        QTest::addColumn<QString>("publicOrigin");
        QTest::addColumn<bool>("shuttingDown");
        QTest::addColumn<int>("openSockets");
        QTest::addColumn<int>("peerSockets");   // from this address; the limit is 3
        QTest::addColumn<int>("status");     // 101 accepted, else the refusal's
        QTest::addColumn<QByteArray>("why"); // a part of the refusal's reason

        const QByteArray live = "/live/websocket?vsn=2.0.0";
        const QByteArray key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
        const QStringList same;
        QTest::newRow("accepted") << live << key << same << QString() << false << 0 << 0 << 101 << QByteArray();
        QTest::newRow("same origin") << live << (key + "Origin: http://h:1\r\n") << same << QString() << false << 0 << 0 << 101 << QByteArray();
        QTest::newRow("listed origin") << live << (key + "Origin: https://app.example\r\n")
                                       << QStringList{u"https://app.example"_s} << QString() << false << 0 << 0 << 101 << QByteArray();
        QTest::newRow("any origin") << live << (key + "Origin: http://evil\r\n") << QStringList{u"*"_s} << QString() << false << 0 << 0
                                    << 101 << QByteArray();
        QTest::newRow("no vsn") << QByteArray("/live/websocket") << key << same << QString() << false << 0 << 0 << 403 << QByteArray("vsn");
        QTest::newRow("old vsn") << QByteArray("/live/websocket?vsn=1.0.0") << key << same << QString() << false << 0 << 0 << 403
                                 << QByteArray("vsn");
        QTest::newRow("foreign origin") << live << (key + "Origin: http://evil\r\n") << same << QString() << false << 0 << 0 << 403
                                        << QByteArray("origin not allowed: http://evil");
        QTest::newRow("own origin with a list") << live << (key + "Origin: http://h:1\r\n") << QStringList{u"https://app.example"_s}
                                                << QString() << false << 0 << 0 << 101 << QByteArray();
        QTest::newRow("unlisted origin") << live << (key + "Origin: http://other\r\n") << QStringList{u"https://app.example"_s}
                                         << QString() << false << 0 << 0 << 403 << QByteArray("origin");
        // behind a proxy: the public origin is the page's own, the Host header no longer counts
        QTest::newRow("public origin") << live << (key + "Origin: https://app.example\r\n") << same
                                       << u"https://app.example"_s << false << 0 << 0 << 101 << QByteArray();
        QTest::newRow("host origin with a public one") << live << (key + "Origin: http://h:1\r\n") << same
                                                       << u"https://app.example"_s << false << 0 << 0 << 403 << QByteArray("origin");
        QTest::newRow("shutting down") << live << key << same << QString() << true << 0 << 0 << 503 << QByteArray("shutting down");
        QTest::newRow("address full") << live << key << same << QString() << false << 0 << 3 << 503
                                      << QByteArray("too many connections from this address");
        QTest::newRow("address below its limit") << live << key << same << QString() << false << 0 << 2 << 101
                                                 << QByteArray();
        QTest::newRow("full") << live << key << same << QString() << false << 5 << 0 << 503 << QByteArray("too many connections");
        QTest::newRow("version 8") << live << QByteArray("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n")
                                   << same << QString() << false << 0 << 0 << 426 << QByteArray("version");
        QTest::newRow("no key") << live << QByteArray("Sec-WebSocket-Version: 13\r\n") << same << QString() << false << 0 << 0 << 400
                                << QByteArray("Sec-WebSocket-Key");
        QTest::newRow("short key") << live << QByteArray("Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n")
                                   << same << QString() << false << 0 << 0 << 400 << QByteArray("Sec-WebSocket-Key");
    }

    void handshake()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, extraHeaders);
        QFETCH(QStringList, allowedOrigins);
        QFETCH(QString, publicOrigin);
        QFETCH(bool, shuttingDown);
        QFETCH(int, openSockets);
        QFETCH(int, peerSockets);
        QFETCH(int, status);
        QFETCH(QByteArray, why);
        const QByteArray raw = "GET " + target + " HTTP/1.1\r\nHost: h:1\r\nUpgrade: websocket\r\n"
                               "Connection: Upgrade\r\n" + extraHeaders + "\r\n";
        qsizetype consumed = 0;
        auto parsed = HttpRequest::parse(raw, &consumed);
        QVERIFY(parsed && *parsed);
        QVERIFY((*parsed)->isWebSocketUpgrade());
        auto result = acceptWebSocket(**parsed, {allowedOrigins, publicOrigin, shuttingDown, openSockets, 5, peerSockets, 3});
        if (status == 101) {
            QVERIFY2(result, result ? "" : result.error().why.constData());
            // RFC 6455 section 1.3's example key and accept value
            QCOMPARE(*result, QByteArray("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                         "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"));
            return;
        }
        QVERIFY(!result);
        QCOMPARE(result.error().status, status);
        QVERIFY2(result.error().why.contains(why), result.error().why.constData());
        const QByteArray response = result.error().response().serialize(false);
        QVERIFY(response.startsWith(QByteArray("HTTP/1.1 " + QByteArray::number(status) + ' ')));
        QCOMPARE(response.contains("Sec-WebSocket-Version: 13\r\n"), status == 426);
        QVERIFY(response.endsWith(QByteArray(result.error().why + '\n')));
    }
};

QTEST_GUILESS_MAIN(tst_WebSocketHandshake)
#include "tst_websockethandshake.moc"
