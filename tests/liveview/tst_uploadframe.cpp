#include "liveview/tokensigner.h"
#include "liveview/uploadframe.h"
#include "liveview/uploadtoken.h"

#include <QTest>

using namespace LiveActor;
using namespace Qt::StringLiterals;
using namespace std::chrono;

namespace {

// The bytes the official client's serializer builds for a push (kind 0, four lengths, strings, payload).
QByteArray encodePush(const QByteArray &joinRef, const QByteArray &ref, const QByteArray &topic,
                      const QByteArray &event, const QByteArray &payload)
{
    QByteArray out;
    out.append(char(0));
    for (const QByteArray *s : {&joinRef, &ref, &topic, &event})
        out.append(char(s->size()));
    return out + joinRef + ref + topic + event + payload;
}

const QByteArray Secret = "0123456789abcdef0123456789abcdef";

} // namespace

class tst_UploadFrame : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesAChunkPush()
    {
        const QByteArray chunk("\x00\xff\x01 binary", 10);
        auto push = parseBinaryPush(encodePush("4", "12", "lvu:0", "chunk", chunk));
        QVERIFY2(push, qPrintable(push ? QString() : push.error().message));
        QCOMPARE(push->joinRef, "4");
        QCOMPARE(push->ref, "12");
        QCOMPARE(push->topic, "lvu:0");
        QCOMPARE(push->event, "chunk");
        QCOMPARE(push->payload, chunk);
    }

    void emptyPayloadIsAllowed()
    {
        auto push = parseBinaryPush(encodePush("", "1", "lvu:0", "chunk", {}));
        QVERIFY(push);
        QVERIFY(push->payload.isEmpty());
        QVERIFY(push->joinRef.isEmpty());
    }

    void malformedFramesAreErrors_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<int>("code");
        const int parse = int(ErrorCode::Parse);
        QTest::newRow("empty") << QByteArray() << parse;
        QTest::newRow("short header") << QByteArray("\0\1\1", 3) << parse;
        QTest::newRow("reply kind") << encodePush("1", "1", "lvu:0", "chunk", "x").replace(0, 1, "\1")
                                    << int(ErrorCode::Protocol);
        QTest::newRow("broadcast kind") << encodePush("1", "1", "lvu:0", "chunk", "x").replace(0, 1, "\2")
                                        << int(ErrorCode::Protocol);
        QTest::newRow("lengths past the end") << QByteArray("\0\xff\xff\xff\xff" "abc", 8) << parse;
        QTest::newRow("event cut short") << encodePush("1", "1", "lvu:0", "chunk", {}).chopped(2) << parse;
        QTest::newRow("no topic") << encodePush("1", "1", "", "chunk", "x") << parse;
        QTest::newRow("no event") << encodePush("1", "1", "lvu:0", "", "x") << parse;
    }

    void malformedFramesAreErrors()
    {
        QFETCH(QByteArray, frame);
        QFETCH(int, code);
        auto push = parseBinaryPush(frame);
        QVERIFY(!push);
        QCOMPARE(int(push.error().code), code);
        QVERIFY(!push.error().message.isEmpty());
    }

    void tokenRoundTrip()
    {
        const UploadTokenSigner signer(TokenSigner(Secret), seconds(60));
        const QByteArray token = signer.sign({u"phx-1"_s, u"phx-up-0"_s, u"0"_s, 1234, 3});
        auto claims = signer.verify(token, u"phx-1"_s);
        QVERIFY(claims);
        QCOMPARE(claims->cid, 3);
        QCOMPARE(claims->configRef, u"phx-up-0"_s);
        QCOMPARE(claims->entryRef, u"0"_s);
        QCOMPARE(claims->maxSize, 1234);
    }

    void tokenForAnotherViewIsRejected()
    {
        const UploadTokenSigner signer(TokenSigner(Secret), seconds(60));
        const QByteArray token = signer.sign({u"phx-1"_s, u"phx-up-0"_s, u"0"_s, 10});
        QCOMPARE(signer.verify(token, u"phx-2"_s).error().code, ErrorCode::InvalidArgument);
    }

    void expiredTokenIsRejected()
    {
        const UploadTokenSigner signer(TokenSigner(Secret), seconds(60));
        const QDateTime then = QDateTime::currentDateTimeUtc().addSecs(-120);
        const QByteArray token = signer.sign({u"phx-1"_s, u"phx-up-0"_s, u"0"_s, 10}, then);
        QCOMPARE(signer.verify(token, u"phx-1"_s).error().code, ErrorCode::Timeout);
    }

    void forgedTokensAreRejected()
    {
        const TokenSigner server(Secret);
        const UploadTokenSigner signer(server, seconds(60));
        // a session token of the same server is not an upload token
        const QByteArray session = server.sign({{u"view"_s, u"phx-1"_s}, {u"config"_s, u"c"_s}, {u"entry"_s, u"0"_s}});
        QCOMPARE(signer.verify(session, u"phx-1"_s).error().code, ErrorCode::InvalidArgument);
        // another secret
        const UploadTokenSigner other(TokenSigner("another secret, 32 bytes long....."), seconds(60));
        QCOMPARE(signer.verify(other.sign({u"phx-1"_s, u"c"_s, u"0"_s, 1}), u"phx-1"_s).error().code,
                 ErrorCode::InvalidArgument);
        // tampered claims
        QByteArray token = signer.sign({u"phx-1"_s, u"c"_s, u"0"_s, 1});
        token[3] = token[3] == 'A' ? 'B' : 'A';
        QVERIFY(!signer.verify(token, u"phx-1"_s));
        QCOMPARE(signer.verify("garbage", u"phx-1"_s).error().code, ErrorCode::Parse);
    }
};

QTEST_GUILESS_MAIN(tst_UploadFrame)
#include "tst_uploadframe.moc"
