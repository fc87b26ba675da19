#include "liveview/httprequest.h"

#include <QTest>

using namespace LiveActor;
using namespace Qt::StringLiterals;

class tst_HttpRequest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("result");    // 0 complete, 1 incomplete, 2 error
        QTest::addColumn<int>("errorCode");
        QTest::addColumn<QString>("path");
        QTest::addColumn<qsizetype>("consumed");
        const QByteArray get = "GET /items/3?x=1 HTTP/1.1\r\nHost: a\r\n\r\n";
        QTest::newRow("get") << get << 0 << 0 << u"/items/3"_s << get.size();
        QTest::newRow("pipelined") << (get + "GET / HTTP/1.1\r\n") << 0 << 0 << u"/items/3"_s << get.size();
        QTest::newRow("incomplete head") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\n") << 1 << 0 << u""_s << qsizetype(0);
        QTest::newRow("body") << QByteArray("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc") << 0 << 0
                              << u"/f"_s << qsizetype(51);
        QTest::newRow("incomplete body") << QByteArray("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\nabc")
                                         << 1 << 0 << u""_s << qsizetype(0);
        QTest::newRow("percent path") << QByteArray("GET /a%20b HTTP/1.1\r\nHost: a\r\n\r\n") << 0 << 0 << u"/a b"_s
                                      << qsizetype(32);
        QTest::newRow("bad request line") << QByteArray("GARBAGE\r\n\r\n") << 2 << int(ErrorCode::Parse) << u""_s << qsizetype(0);
        QTest::newRow("relative target") << QByteArray("GET x HTTP/1.1\r\nHost: a\r\n\r\n") << 2 << int(ErrorCode::Parse) << u""_s << qsizetype(0);
        QTest::newRow("no host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 2 << int(ErrorCode::Parse) << u""_s << qsizetype(0);
        QTest::newRow("bad header") << QByteArray("GET / HTTP/1.1\r\nHost a\r\n\r\n") << 2 << int(ErrorCode::Parse) << u""_s << qsizetype(0);
        QTest::newRow("bad length") << QByteArray("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n") << 2
                                    << int(ErrorCode::Parse) << u""_s << qsizetype(0);
        QTest::newRow("chunked") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n") << 2
                                 << int(ErrorCode::NotSupported) << u""_s << qsizetype(0);
        QTest::newRow("head too big") << (QByteArray("GET / HTTP/1.1\r\nX: ") + QByteArray(20000, 'a')) << 2
                                      << int(ErrorCode::Full) << u""_s << qsizetype(0);
        QTest::newRow("body too big") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999\r\n\r\n") << 2
                                      << int(ErrorCode::Full) << u""_s << qsizetype(0);
        // Framing must be unambiguous, or a proxy in front and this server could split a stream
        // into different requests (request smuggling): one Content-Length of digits only, and
        // HTTP/1.0 or HTTP/1.1 only.
        const int parseError = int(ErrorCode::Parse);
        QTest::newRow("http/1.0") << QByteArray("GET /old HTTP/1.0\r\n\r\n") << 0 << 0 << u"/old"_s << qsizetype(21);
        QTest::newRow("length with spaces around") << QByteArray("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: \t3 \r\n\r\nabc")
                                                   << 0 << 0 << u"/f"_s << qsizetype(53);
        QTest::newRow("length with leading zeros") << QByteArray("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 003\r\n\r\nabc")
                                                   << 0 << 0 << u"/f"_s << qsizetype(53);
        QTest::newRow("two equal lengths")
            << QByteArray("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc") << 2
            << parseError << u""_s << qsizetype(0);
        QTest::newRow("two different lengths")
            << QByteArray("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\ncontent-length: 3\r\n\r\nabc") << 2
            << parseError << u""_s << qsizetype(0);
        QTest::newRow("length list") << QByteArray("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc") << 2
                                     << parseError << u""_s << qsizetype(0);
        QTest::newRow("plus length") << QByteArray("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: +3\r\n\r\nabc") << 2
                                     << parseError << u""_s << qsizetype(0);
        QTest::newRow("minus length") << QByteArray("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: -3\r\n\r\nabc") << 2
                                      << parseError << u""_s << qsizetype(0);
        QTest::newRow("space in length") << QByteArray("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 1 0\r\n\r\nabc") << 2
                                         << parseError << u""_s << qsizetype(0);
        QTest::newRow("empty length") << QByteArray("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n") << 2
                                      << parseError << u""_s << qsizetype(0);
        QTest::newRow("overlong length")
            << QByteArray("POST /f HTTP/1.1\r\nHost: a\r\nContent-Length: 0000000000000000000003\r\n\r\nabc") << 2
            << parseError << u""_s << qsizetype(0);
        QTest::newRow("bare cr in header") << QByteArray("POST /f HTTP/1.1\r\nHost: a\r\nX: 1\rContent-Length: 3\r\n\r\nabc")
                                           << 2 << parseError << u""_s << qsizetype(0);
        QTest::newRow("http/1.9") << QByteArray("GET / HTTP/1.9\r\nHost: a\r\n\r\n") << 2 << int(ErrorCode::NotSupported)
                                  << u""_s << qsizetype(0);
        QTest::newRow("http/2.0") << QByteArray("GET / HTTP/2.0\r\nHost: a\r\n\r\n") << 2 << int(ErrorCode::NotSupported)
                                  << u""_s << qsizetype(0);
        QTest::newRow("http/1.10") << QByteArray("GET / HTTP/1.10\r\nHost: a\r\n\r\n") << 2 << parseError << u""_s
                                   << qsizetype(0);
        QTest::newRow("http/1.1 suffix") << QByteArray("GET / HTTP/1.1x\r\nHost: a\r\n\r\n") << 2 << parseError << u""_s
                                         << qsizetype(0);
        QTest::newRow("lower-case version") << QByteArray("GET / http/1.1\r\nHost: a\r\n\r\n") << 2 << parseError << u""_s
                                            << qsizetype(0);
    }
    void parse()
    {
        QFETCH(QByteArray, input);
        QFETCH(int, result);
        qsizetype used = -1;
        auto r = HttpRequest::parse(input, &used);
        if (result == 2) {
            QVERIFY(!r);
            QFETCH(int, errorCode);
            QCOMPARE(int(r.error().code), errorCode);
            return;
        }
        QVERIFY(r);
        if (result == 1) {
            QVERIFY(!r->has_value());
            QCOMPARE(used, 0);
            return;
        }
        QVERIFY(r->has_value());
        QFETCH(QString, path);
        QFETCH(qsizetype, consumed);
        QCOMPARE((*r)->path, path);
        QCOMPARE(used, consumed);
    }

    // The server answers each parse error with this status, then closes the connection.
    void errorStatus_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("status");
        QTest::newRow("malformed") << QByteArray("GARBAGE\r\n\r\n") << 400;
        QTest::newRow("two lengths") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx")
                                     << 400;
        QTest::newRow("plus length") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\nx") << 400;
        QTest::newRow("head too big") << (QByteArray("GET / HTTP/1.1\r\nX: ") + QByteArray(20000, 'a')) << 431;
        QTest::newRow("body too big") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999\r\n\r\n") << 413;
        QTest::newRow("chunked") << QByteArray("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n") << 501;
        QTest::newRow("http/1.9") << QByteArray("GET / HTTP/1.9\r\nHost: a\r\n\r\n") << 505;
        QTest::newRow("http/2 preface") << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") << 505;
    }
    void errorStatus()
    {
        QFETCH(QByteArray, input);
        QFETCH(int, status);
        qsizetype used = -1;
        auto r = HttpRequest::parse(input, &used);
        QVERIFY(!r);
        QCOMPARE(HttpRequest::errorStatus(r.error()), status);
    }

    void headers()
    {
        qsizetype consumed = 0;
        auto r = HttpRequest::parse("GET /live/websocket?vsn=2.0.0&_mounts=0 HTTP/1.1\r\nHost: h\r\n"
                                    "Upgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n\r\n", &consumed);
        QVERIFY(r && *r);
        const HttpRequest &q = **r;
        QVERIFY(q.isWebSocketUpgrade());
        QVERIFY(q.keepAlive());
        QCOMPARE(q.header("host"), QByteArray("h"));
        QCOMPARE(q.query.queryItemValue(u"vsn"_s), u"2.0.0"_s);
        auto close = HttpRequest::parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", &consumed);
        QVERIFY(!(*close)->keepAlive());
        auto old = HttpRequest::parse("GET / HTTP/1.0\r\n\r\n", &consumed);
        QVERIFY(!(*old)->keepAlive());
    }
};

QTEST_APPLESS_MAIN(tst_HttpRequest)
#include "tst_httprequest.moc"
