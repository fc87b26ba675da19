// The server side of RFC 6455 (WebSocketConnection) against a raw TCP client that writes frames
// byte for byte: handshakes, splits, fragmentation, control frames, every malformed case with its
// close code, and a client that stops reading. Real server, real loopback sockets.
#include "liveview/websocketconnection_p.h"
#include "support/channelclient.h"
#include "support/serverfixture.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>

using namespace LiveActor;
using namespace Qt::StringLiterals;
using namespace std::chrono;

namespace {

const QByteArray kHeartbeat = R"([null,"7","phoenix","heartbeat",{}])";

/// A client frame: masked unless told otherwise. b0 = FIN/RSV/opcode byte.
QByteArray frame(quint8 b0, const QByteArray &payload, bool masked = true, std::optional<quint64> declaredLength = {})
{
    QByteArray out;
    out.append(char(b0));
    const quint64 n = declaredLength.value_or(quint64(payload.size()));
    const char maskBit = masked ? char(0x80) : char(0);
    if (n < 126) {
        out.append(char(maskBit | char(n)));
    } else if (n <= 0xFFFF) {
        out.append(char(maskBit | 126)).append(char(n >> 8)).append(char(n & 0xFF));
    } else {
        out.append(char(maskBit | 127));
        for (int i = 0; i < 8; ++i)
            out.append(char((n >> (56 - 8 * i)) & 0xFF));
    }
    if (!masked)
        return out + payload;
    const char key[4] = {0x12, 0x34, 0x56, 0x78};
    out.append(key, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        out.append(char(payload[i] ^ key[i & 3]));
    return out;
}
QByteArray text(const QByteArray &payload, bool fin = true) { return frame(fin ? 0x81 : 0x01, payload); }
QByteArray continuation(const QByteArray &payload, bool fin) { return frame(fin ? 0x80 : 0x00, payload); }
QByteArray closeFrame(quint16 code, const QByteArray &reason = {})
{
    return frame(0x88, QByteArray(1, char(code >> 8)) + char(code & 0xFF) + reason);
}

struct ServerFrame
{
    quint8 opcode = 0;
    QByteArray payload;
    quint16 closeCode() const { return payload.size() >= 2 ? quint16((quint8(payload[0]) << 8) | quint8(payload[1])) : 0; }
};

/// Non-blocking POSIX client, driven from QTest::qWaitFor so the server (on this thread) runs.
class RawClient
{
public:
    explicit RawClient(quint16 port, int receiveBuffer = 0)
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (receiveBuffer > 0)
            ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::connect(m_fd, reinterpret_cast<sockaddr *>(&a), sizeof a);
    }
    ~RawClient() { ::close(m_fd); }

    bool write(const QByteArray &data)
    {
        qsizetype done = 0;
        return QTest::qWaitFor([&] {
            while (done < data.size()) {
                const ssize_t n = ::send(m_fd, data.constData() + done, size_t(data.size() - done), MSG_NOSIGNAL);
                if (n <= 0)
                    return errno != EAGAIN && errno != ENOTCONN && errno != EINPROGRESS ? (m_broken = true) : false;
                done += n;
            }
            return true;
        }, 5000) && !m_broken;
    }
    /// Sends data one byte per write, letting the server run in between.
    bool writeBytewise(const QByteArray &data)
    {
        for (char c : data) {
            if (!write(QByteArray(1, c)))
                return false;
            QTest::qWait(0);
        }
        return true;
    }
    void pump()
    {
        char buf[65536];
        for (;;) {
            const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
            if (n > 0) {
                m_in.append(buf, n);
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != ENOTCONN))
                m_eof = true;
            return;
        }
    }
    /// The HTTP response head to an upgrade request (the rest stays buffered).
    QByteArray upgrade(const QByteArray &headers = "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
                       const QByteArray &trailing = {})
    {
        if (!write("GET /live/websocket?vsn=2.0.0 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\n" + headers + "\r\n" + trailing))
            return {};
        (void)QTest::qWaitFor([&] { pump(); return m_in.contains("\r\n\r\n") || m_eof; }, 5000);
        const qsizetype end = m_in.indexOf("\r\n\r\n");
        if (end < 0)
            return {};
        const QByteArray head = m_in.left(end + 4);
        m_in.remove(0, end + 4);
        return head;
    }
    bool open() { return upgrade().startsWith("HTTP/1.1 101 "); }
    std::optional<ServerFrame> next(int timeoutMs = 5000)
    {
        std::optional<ServerFrame> out;
        (void)QTest::qWaitFor([&] {
            pump();
            if (m_in.size() < 2)
                return m_eof;
            const quint8 b1 = quint8(m_in[1]);
            qsizetype head = 2;
            quint64 n = b1 & 0x7F;
            if (n == 126) {
                if (m_in.size() < 4)
                    return false;
                n = (quint8(m_in[2]) << 8) | quint8(m_in[3]);
                head = 4;
            } else if (n == 127) {
                if (m_in.size() < 10)
                    return false;
                n = 0;
                for (int i = 0; i < 8; ++i)
                    n = (n << 8) | quint8(m_in[2 + i]);
                head = 10;
            }
            if (b1 & 0x80 || quint64(m_in.size()) < head + n)
                return b1 & 0x80 ? true : false; // a masked server frame is a failure below
            out = ServerFrame{quint8(m_in[0] & 0x0F), m_in.mid(head, qsizetype(n))};
            m_in.remove(0, head + qsizetype(n));
            return true;
        }, timeoutMs);
        return out;
    }
    /// The next frame that is not a pong.
    std::optional<ServerFrame> nextMessage()
    {
        for (;;) {
            auto f = next();
            if (!f || f->opcode != 0xA)
                return f;
        }
    }
    bool waitEof(int timeoutMs = 5000)
    {
        return QTest::qWaitFor([&] { pump(); return m_eof; }, timeoutMs);
    }
    bool broken() const { return m_broken || m_eof; }

private:
    int m_fd;
    QByteArray m_in;
    bool m_eof = false;
    bool m_broken = false;
};

/// The test server with 4 KiB messages at most; stillServes() checks it survived a client.
struct Fixture : Test::ServerFixture
{
    explicit Fixture(std::function<void(ServerConfig &)> tweak = {})
        : ServerFixture([tweak](ServerConfig &c) {
              c.maxFrameBytes = 4096;
              if (tweak)
                  tweak(c);
          })
    {
    }
    bool stillServes()
    {
        RawClient c(port());
        if (!c.open() || !c.write(text(kHeartbeat)))
            return false;
        auto reply = c.nextMessage();
        return reply && reply->opcode == 0x1 && reply->payload.contains(R"("status":"ok")");
    }
};

} // namespace

class tst_WebSocketConnection : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void utf8Validation()
    {
        QVERIFY(isValidUtf8("plain ascii, long enough for the 8-byte path"));
        QVERIFY(isValidUtf8("\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
        QVERIFY(!isValidUtf8("\xc0\xaf"));          // overlong slash
        QVERIFY(!isValidUtf8("\xe0\x80\xaf"));      // overlong, 3 bytes
        QVERIFY(!isValidUtf8("\xed\xa0\x80"));      // surrogate U+D800
        QVERIFY(!isValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
        QVERIFY(!isValidUtf8("abc\xe2\x82"));       // truncated
        QVERIFY(!isValidUtf8("\x80"));              // lone continuation
        QVERIFY(!isValidUtf8("12345678\xff"));      // invalid byte after the fast path
    }

    void handshake()
    {
        Fixture f;
        QVERIFY(f.ok);
        RawClient c(f.port());
        // The RFC's own example key; extensions offered by browsers are declined.
        const QByteArray head = c.upgrade("Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                          "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n");
        QVERIFY2(head.startsWith("HTTP/1.1 101 Switching Protocols\r\n"), head.constData());
        QVERIFY(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));
        QVERIFY(!head.toLower().contains("sec-websocket-extensions"));
        QVERIFY(c.write(text(kHeartbeat)));
        auto reply = c.nextMessage();
        QVERIFY(reply);
        QCOMPARE(reply->payload, QByteArray(R"([null,"7","phoenix","phx_reply",{"status":"ok","response":{}}])"));
    }

    void badHandshakes_data()
    {
        QTest::addColumn<QByteArray>("headers");
        QTest::addColumn<QByteArray>("trailing");
        QTest::addColumn<QByteArray>("status");
        QTest::newRow("version 8") << QByteArray("Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")
                                   << QByteArray() << QByteArray("426");
        QTest::newRow("no key") << QByteArray("Sec-WebSocket-Version: 13\r\n") << QByteArray() << QByteArray("400");
        QTest::newRow("short key") << QByteArray("Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: c2hvcnQ=\r\n")
                                   << QByteArray() << QByteArray("400");
        QTest::newRow("frames before 101") << QByteArray("Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")
                                           << text(kHeartbeat) << QByteArray("400");
    }
    void badHandshakes()
    {
        QFETCH(QByteArray, headers);
        QFETCH(QByteArray, trailing);
        QFETCH(QByteArray, status);
        Fixture f;
        QVERIFY(f.ok);
        RawClient c(f.port());
        const QByteArray head = c.upgrade(headers, trailing);
        QVERIFY2(head.startsWith(QByteArray("HTTP/1.1 " + status + ' ')), head.constData());
        if (status == "426")
            QVERIFY(head.contains("Sec-WebSocket-Version: 13\r\n"));
        QVERIFY(c.waitEof());
        QCOMPARE(f.server->stats().connectionsRejected, 1u);
        QVERIFY(f.stillServes());
    }

    void splitFragmentedAndControlFrames()
    {
        Fixture f;
        QVERIFY(f.ok);
        RawClient c(f.port());
        QVERIFY(c.open());
        // One byte per write: every partial-header and partial-payload state.
        QVERIFY(c.writeBytewise(text(kHeartbeat)));
        auto r1 = c.nextMessage();
        QVERIFY(r1 && r1->payload.contains(R"("7","phoenix","phx_reply")"));

        // Three fragments with a ping between them, all in one write; the pong comes first.
        const QByteArray hb = R"([null,"8","phoenix","heartbeat",{}])";
        QVERIFY(c.write(text(hb.left(5), false) + frame(0x89, "are you there") + continuation(hb.mid(5, 10), false)
                        + continuation(hb.mid(15), true)));
        auto pong = c.next();
        QVERIFY(pong);
        QCOMPARE(pong->opcode, quint8(0xA));
        QCOMPARE(pong->payload, QByteArray("are you there"));
        auto r2 = c.next();
        QVERIFY(r2 && r2->payload.contains(R"("8","phoenix","phx_reply")"));

        // A 16-bit length (200 bytes) and a multi-byte UTF-8 payload split across fragments.
        const QByteArray big = "[null,\"9\",\"phoenix\",\"heartbeat\",{\"pad\":\"" + QByteArray(150, 'x') + "\xc3\xa9\"}]";
        const qsizetype cut = big.indexOf("\xc3") + 1; // inside the two-byte character
        QVERIFY(c.write(text(big.left(cut), false) + continuation(big.mid(cut), true)));
        auto r3 = c.nextMessage();
        QVERIFY(r3 && r3->payload.contains(R"("9","phoenix","phx_reply")"));
        QCOMPARE(f.server->stats().malformedFrames, 0u);

        // A client close is echoed with its code, then the server closes the TCP connection.
        QVERIFY(c.write(closeFrame(1000, "bye")));
        auto echo = c.nextMessage();
        QVERIFY(echo);
        QCOMPARE(echo->opcode, quint8(0x8));
        QCOMPARE(echo->closeCode(), quint16(1000));
        QVERIFY(c.waitEof());
    }

    void uploadChunkWithoutJoin()
    {
        // A well-formed chunk push for an entry channel never joined (or a forged lvu: join) is
        // answered with an error; the socket stays open and nothing is written.
        Fixture f;
        QVERIFY(f.ok);
        RawClient c(f.port());
        QVERIFY(c.open());
        QVERIFY(c.write(frame(0x82, QByteArray("\x00\x01\x01\x05\x05" "13lvu:0chunk" "bytes", 22))));
        auto reply = c.nextMessage();
        QVERIFY(reply);
        QCOMPARE(reply->payload, QByteArray(R"([null,"3","lvu:0","phx_reply",{"status":"error","response":{"reason":"unmatched topic"}}])"));
        QVERIFY(c.write(text(R"(["1","2","lvu:0","phx_join",{"token":"forged.token"}])")));
        auto join = c.nextMessage();
        QVERIFY(join);
        QVERIFY2(join->payload.contains(R"("status":"error","response":{"reason":"invalid_token"})"), join->payload.constData());
        QVERIFY(c.write(text(kHeartbeat)));
        auto heartbeat = c.nextMessage();
        QVERIFY(heartbeat && heartbeat->payload.contains(R"("7","phoenix","phx_reply")"));
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("code");
        const QByteArray hb = kHeartbeat;
        QTest::newRow("unmasked") << frame(0x81, hb, false) << 1002;
        QTest::newRow("rsv1") << frame(0xC1, hb) << 1002;
        QTest::newRow("rsv3") << frame(0x91, hb) << 1002;
        QTest::newRow("opcode 3") << frame(0x83, hb) << 1002;
        QTest::newRow("opcode 11") << frame(0x8B, {}) << 1002;
        QTest::newRow("fragmented ping") << frame(0x09, "x") << 1002;
        QTest::newRow("126-byte ping") << frame(0x89, QByteArray(126, 'p')) << 1002;
        QTest::newRow("continuation first") << continuation(hb, true) << 1002;
        QTest::newRow("text inside fragments") << text("[null,", false) + text(hb) << 1002;
        // binary messages are upload chunk pushes (uploadframe.h); one that is not a push closes
        QTest::newRow("binary, short header") << frame(0x82, "\x01\x02") << 1002;
        QTest::newRow("binary, reply kind") << frame(0x82, QByteArray("\x01\x01\x01\x05\x05" "11lvu:0chunk", 17)) << 1002;
        QTest::newRow("binary, lengths past the end") << frame(0x82, QByteArray("\x00\xff\xff\xff\xff" "ab", 7)) << 1002;
        QTest::newRow("bad utf-8") << text("[null,\"1\",\"phoenix\",\"heartbeat\",{\"x\":\"\xc0\xaf\"}]") << 1007;
        QTest::newRow("bad utf-8 across fragments") << text("[null,\"1\",\"\xe2\x82", false) + continuation("\x28\"]", true) << 1007;
        QTest::newRow("too big") << text(QByteArray(5000, 'a')) << 1009;
        QTest::newRow("too big in fragments") << text(QByteArray(3000, 'a'), false) + continuation(QByteArray(3000, 'a'), true) << 1009;
        QTest::newRow("2^62 bytes declared") << frame(0x81, {}, true, quint64(1) << 62) << 1009;
        QTest::newRow("top length bit") << frame(0x81, {}, true, quint64(1) << 63) << 1002;
        QTest::newRow("close, 1-byte payload") << frame(0x88, "\x03") << 1002;
        QTest::newRow("close code 1005") << closeFrame(1005) << 1002;
        QTest::newRow("close code 999") << closeFrame(999) << 1002;
        QTest::newRow("close reason not utf-8") << closeFrame(1000, "\xff") << 1007;
        QTest::newRow("not a channel frame") << text("garbage") << 1002;
    }
    void malformed()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, code);
        Fixture f;
        QVERIFY(f.ok);
        RawClient c(f.port());
        QVERIFY(c.open());
        QVERIFY(c.write(bytes));
        auto close = c.nextMessage();
        QVERIFY(close);
        QCOMPARE(close->opcode, quint8(0x8));
        QCOMPARE(int(close->closeCode()), code);
        // The server then waits for our close (or 2 s) and ends the TCP connection.
        (void)c.write(closeFrame(quint16(code)));
        QVERIFY(c.waitEof());
        QCOMPARE(f.server->stats().malformedFrames, 1u);
        QVERIFY(f.stillServes());
    }

    void randomInputNeverCrashes()
    {
        // Random bytes, and random frames with valid headers around random payloads: whatever
        // arrives, the server closes or answers that client and keeps serving the others.
        Fixture f;
        QVERIFY(f.ok);
        const quint32 seed = quint32(QDateTime::currentMSecsSinceEpoch());
        QRandomGenerator rng(seed);
        for (int round = 0; round < 150; ++round) {
            RawClient c(f.port());
            QVERIFY2(c.open(), qPrintable(u"seed %1 round %2"_s.arg(seed).arg(round)));
            QByteArray junk(rng.bounded(1, 3000), Qt::Uninitialized);
            for (char &b : junk)
                b = char(rng.bounded(256));
            if (round % 2) { // a plausible frame head: masked, known opcode, random payload
                static const quint8 heads[] = {0x81, 0x01, 0x80, 0x82, 0x88, 0x89, 0x8A};
                junk = frame(heads[rng.bounded(int(sizeof heads))], junk.left(rng.bounded(200)));
            }
            (void)c.write(junk);
            (void)c.next(50); // whatever comes back, or nothing
        }
        QVERIFY2(f.stillServes(), qPrintable(u"seed %1"_s.arg(seed)));
        QVERIFY(f.server->stats().malformedFrames > 0);
    }

    void serverCloseWaitsForTheClient()
    {
        Fixture f([](ServerConfig &c) { c.idleTimeout = milliseconds(300); });
        QVERIFY(f.ok);
        RawClient c(f.port());
        QVERIFY(c.open());
        auto close = c.nextMessage(); // the idle timeout closes with 1001
        QVERIFY(close);
        QCOMPARE(close->opcode, quint8(0x8));
        QCOMPARE(close->closeCode(), quint16(1001));
        // We do not answer: the server gives up after its 2 s close wait.
        QElapsedTimer t;
        t.start();
        QVERIFY(c.waitEof(6000));
        QVERIFY2(t.elapsed() >= 1500, qPrintable(QString::number(t.elapsed())));
    }

    void clientThatStopsReadingIsCutOff()
    {
        Fixture f([](ServerConfig &c) { c.maxOutboundBytes = 32 * 1024; });
        QVERIFY(f.ok);
        RawClient c(f.port(), 4096); // a small receive window, and we never read
        QVERIFY(c.open());
        const QByteArray burst = text(kHeartbeat).repeated(200);
        for (int i = 0; i < 2000 && !c.broken() && f.server->stats().slowClientsDropped == 0; ++i) {
            (void)c.write(burst);
            QTest::qWait(1);
        }
        QVERIFY(QTest::qWaitFor([&] { return f.server->stats().slowClientsDropped == 1; }, 5000));
        QVERIFY(c.waitEof());
        QVERIFY(f.stillServes());
    }

    void unjoinedPartialMessagesAreCapped()
    {
        // Sockets that have not joined may hold 110 KiB of partial messages between them; each
        // here sends the first 40 KiB of a 64 KiB heartbeat. A third one is cut off, a socket
        // that joined is not counted.
        constexpr qsizetype cap = 110 * 1024, part = 40 * 1024, whole = 64 * 1024;
        Fixture f([](ServerConfig &c) {
            c.maxFrameBytes = 256 * 1024;
            c.maxUnjoinedBytes = cap;
        });
        QVERIFY(f.ok);
        auto bigHeartbeat = [](const QByteArray &ref, qsizetype whole) {
            const QByteArray head = "[null,\"" + ref + "\",\"phoenix\",\"heartbeat\",{\"pad\":\"";
            return text(head + QByteArray(whole - head.size() - 3, 'x') + "\"}]");
        };
        auto replied = [](RawClient &c, const QByteArray &ref) {
            const auto reply = c.nextMessage();
            const QJsonArray m = reply ? QJsonDocument::fromJson(reply->payload).array() : QJsonArray();
            return m.at(1).toString() == QLatin1StringView(ref) && m.at(3).toString() == u"phx_reply"
                && m.at(4).toObject().value(u"status"_s).toString() == u"ok";
        };
        auto unjoined = [&] { return f.server->stats().unjoinedBytes; };
        const QByteArray a = bigHeartbeat("1", whole), b = bigHeartbeat("2", whole),
                         c = bigHeartbeat("3", whole);
        RawClient first(f.port()), second(f.port()), third(f.port());
        QVERIFY(first.open() && second.open() && third.open());
        QVERIFY(first.write(a.left(part)));
        QVERIFY(second.write(b.left(part)));
        QVERIFY2(QTest::qWaitFor([&] { return unjoined() >= 2 * part; }, 5000), qPrintable(QString::number(unjoined())));
        QVERIFY(third.write(c.left(part)));
        QVERIFY(third.waitEof());
        QCOMPARE(f.server->stats().unjoinedDropped, 1u);
        QVERIFY(unjoined() <= cap);
        // The others were not: the first completes its message and is answered, freeing its share.
        QVERIFY(first.write(a.mid(part)));
        QVERIFY(replied(first, "1"));
        QVERIFY(QTest::qWaitFor([&] { return unjoined() < 2 * part; }, 5000));

        // A socket that joined (a page's token) holds its partial message outside the cap.
        const Test::Page page = Test::httpGet(f.port(), "/");
        RawClient joined(f.port());
        QVERIFY(joined.open());
        const QJsonObject payload{{u"url"_s, f.url(u"/"_s)}, {u"params"_s, QJsonObject{{u"_csrf_token"_s, page.csrf}}},
                                  {u"session"_s, page.session}};
        const QByteArray join = QJsonDocument(QJsonArray{u"1"_s, u"1"_s, QString(u"lv:"_s + page.id), u"phx_join"_s, payload})
                                    .toJson(QJsonDocument::Compact);
        QVERIFY(joined.write(text(join)));
        QVERIFY(replied(joined, "1"));
        const QByteArray d = bigHeartbeat("4", 200 * 1024);
        QVERIFY(joined.write(d.left(cap)));
        QVERIFY(joined.write(d.mid(cap)));
        QVERIFY(replied(joined, "4"));
        QCOMPARE(f.server->stats().unjoinedDropped, 1u);
        QVERIFY(f.stillServes());
    }
};

QTEST_GUILESS_MAIN(tst_WebSocketConnection)
#include "tst_websocketconnection.moc"
