#include "liveview/websocketconnection_p.h"

#include "liveview/logging.h"
#include "liveview/uploadframe.h"

#include <QCryptographicHash>
#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <cstring>

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace {

constexpr qsizetype kScratchSize = 64 * 1024;
constexpr int kReadRoundsPerWakeup = 4; // then let other sockets on this executor run
constexpr int kCloseWaitMs = 2000;

enum Opcode : quint8 { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };

char *scratch()
{
    thread_local std::unique_ptr<char[]> buffer(new char[kScratchSize]);
    return buffer.get();
}

quint64 readBigEndian(const unsigned char *p, int bytes)
{
    quint64 v = 0;
    for (int i = 0; i < bytes; ++i)
        v = (v << 8) | p[i];
    return v;
}

void unmask(char *out, const char *in, qsizetype n, const unsigned char mask[4])
{
    quint32 m32;
    std::memcpy(&m32, mask, 4);
    const quint64 m64 = (quint64(m32) << 32) | m32;
    qsizetype i = 0;
    for (; i + 8 <= n; i += 8) {
        quint64 w;
        std::memcpy(&w, in + i, 8);
        w ^= m64;
        std::memcpy(out + i, &w, 8);
    }
    for (; i < n; ++i)
        out[i] = char(in[i] ^ mask[i & 3]);
}

bool validCloseCode(quint16 code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

} // namespace

bool isValidUtf8(QByteArrayView data)
{
    const auto *p = reinterpret_cast<const unsigned char *>(data.data());
    const auto *end = p + data.size();
    while (p < end) {
        // ASCII fast path, 8 bytes at a time.
        while (end - p >= 8) {
            quint64 w;
            std::memcpy(&w, p, 8);
            if (w & 0x8080808080808080ULL)
                break;
            p += 8;
        }
        if (p == end)
            break;
        const unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int extra;
        quint32 cp;
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false; // continuation byte, overlong 2-byte lead (C0/C1) or past F4
        }
        if (end - p <= extra)
            return false;
        for (int i = 1; i <= extra; ++i) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        p += extra + 1;
    }
    return true;
}

QByteArray webSocketAccept(const QByteArray &key)
{
    const QByteArray text = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    return QCryptographicHash::hash(text, QCryptographicHash::Sha1).toBase64();
}

ChannelWriter::ChannelWriter(WebSocketConnection *socket) : m_socket(socket) { }

ChannelWriter::~ChannelWriter() = default;

void ChannelWriter::send(const QByteArray &frame)
{
    if (m_socket)
        m_socket->sendText(frame);
}

WebSocketConnection::WebSocketConnection(int fd, QString peer, std::shared_ptr<ServerState> state)
    : m_fd(fd), m_peer(std::move(peer)), m_state(std::move(state))
{
    m_state->counters.openSockets.fetch_add(1);
    m_state->peers.add(peerAddress(), 1);
    m_state->descriptors.add(m_fd);
}

WebSocketConnection::~WebSocketConnection()
{
    if (m_fd >= 0) {
        m_state->descriptors.remove(m_fd);
        ::close(m_fd);
        releaseSlot();
    }
}

int OpenDescriptors::sayGoodbye(QByteArrayView frame)
{
    std::lock_guard lock(m_mutex);
    for (int fd : m_fds) {
        (void)::send(fd, frame.data(), size_t(frame.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
        ::shutdown(fd, SHUT_RDWR);
    }
    return int(m_fds.size());
}

QString WebSocketConnection::peerAddress() const
{
    return m_peer.left(m_peer.lastIndexOf(u':'));
}

void WebSocketConnection::releaseSlot()
{
    m_state->counters.openSockets.fetch_sub(1);
    m_state->peers.add(peerAddress(), -1);
    releaseUnjoined();
}

void WebSocketConnection::markJoined()
{
    m_joined = true;
    releaseUnjoined();
}

void WebSocketConnection::releaseUnjoined()
{
    m_state->counters.unjoinedBytes.fetch_sub(std::exchange(m_unjoinedHeld, 0));
}

bool WebSocketConnection::holdUnjoined()
{
    if (m_joined || m_fd < 0)
        return true;
    const qsizetype held = m_in.size() + m_message.size();
    const qint64 more = held - m_unjoinedHeld;
    std::atomic<qint64> &total = m_state->counters.unjoinedBytes;
    if (more > 0 && total.fetch_add(more) + more > m_state->config.maxUnjoinedBytes) {
        total.fetch_sub(more);
        m_state->counters.unjoinedDropped.fetch_add(1);
        qCWarning(lcLiveView).noquote() << "closing WebSocket from" << m_peer << ": sockets that have not joined hold"
                                        << total.load() << "bytes of partial messages, the limit is"
                                        << m_state->config.maxUnjoinedBytes;
        drop(); // no close handshake: that would mean reading the rest of the message
        return false;
    }
    if (more <= 0)
        total.fetch_add(more);
    m_unjoinedHeld = held;
    return true;
}

void WebSocketConnection::attach(const ActorRef &session)
{
    m_session = session;
    m_attached = true;
    if (m_fd < 0) {
        m_session.tell(SocketGone{});
        return;
    }
    m_readNotifier = new QSocketNotifier(qintptr(m_fd), QSocketNotifier::Read, this);
    QObject::connect(m_readNotifier, &QSocketNotifier::activated, this, [this] { onReadable(); });
    onReadable(); // frames sent before we started watching
}

void WebSocketConnection::detach()
{
    m_detached = true;
}

void WebSocketConnection::deleteWhenClosed()
{
    m_deleteWhenClosed = true;
    if (m_fd < 0)
        deleteLater();
}

void WebSocketConnection::onReadable()
{
    char *buf = scratch();
    for (int round = 0; round < kReadRoundsPerWakeup && m_fd >= 0; ++round) {
        const ssize_t n = ::recv(m_fd, buf, size_t(kScratchSize), 0);
        if (n == 0) {
            drop();
            return;
        }
        if (n < 0) {
            if (retryAfterIoError())
                continue;
            return;
        }
        if (m_in.isEmpty()) {
            const qsizetype used = consume(buf, n);
            if (m_fd >= 0 && used < n)
                m_in.append(buf + used, n - used);
        } else {
            m_in.append(buf, n);
            const qsizetype used = consume(m_in.constData(), m_in.size());
            if (m_fd >= 0)
                m_in.remove(0, used);
        }
        if (!holdUnjoined())
            return;
        if (n < kScratchSize)
            return; // drained (level-triggered: a later arrival wakes us again)
    }
}

qsizetype WebSocketConnection::consume(const char *data, qsizetype size)
{
    const qint64 maxMessage = m_state->config.maxFrameBytes;
    qsizetype pos = 0;
    auto bad = [&](CloseCode code, const QString &why) {
        protocolError(code, why);
        return size; // the rest of the input is discarded
    };
    while (m_fd >= 0 && size - pos >= 2) {
        const auto *h = reinterpret_cast<const unsigned char *>(data + pos);
        const qsizetype avail = size - pos;
        const bool fin = h[0] & 0x80;
        const quint8 opcode = h[0] & 0x0F;
        const bool masked = h[1] & 0x80;
        const quint8 len7 = h[1] & 0x7F;
        if (h[0] & 0x70)
            return bad(CloseCode::ProtocolError, u"reserved bits set (no extension was negotiated)"_s);
        if (opcode != Continuation && opcode != Text && opcode != Binary && opcode != Close && opcode != Ping
            && opcode != Pong)
            return bad(CloseCode::ProtocolError, u"unknown opcode 0x%1"_s.arg(opcode, 0, 16));
        if (!masked)
            return bad(CloseCode::ProtocolError, u"unmasked client frame"_s);
        const bool control = opcode & 0x8;
        if (control && (!fin || len7 > 125))
            return bad(CloseCode::ProtocolError, u"fragmented or oversized control frame"_s);
        qsizetype head = 2;
        quint64 length = len7;
        if (len7 == 126) {
            head = 4;
            if (avail < head)
                break;
            length = readBigEndian(h + 2, 2);
        } else if (len7 == 127) {
            head = 10;
            if (avail < head)
                break;
            length = readBigEndian(h + 2, 8);
            if (length >> 63)
                return bad(CloseCode::ProtocolError, u"frame length has its top bit set"_s);
        }
        if (!control) {
            if (opcode == Continuation && !m_messageOpcode)
                return bad(CloseCode::ProtocolError, u"continuation frame without a message"_s);
            if (opcode != Continuation && m_messageOpcode)
                return bad(CloseCode::ProtocolError, u"new message inside a fragmented one"_s);
            if (length > quint64(maxMessage) || quint64(m_message.size()) + length > quint64(maxMessage))
                return bad(CloseCode::TooBig, u"message larger than %1 bytes"_s.arg(maxMessage));
        }
        head += 4; // mask key
        if (quint64(avail) < quint64(head) + length)
            break; // incomplete: wait for more
        QByteArray payload(qsizetype(length), Qt::Uninitialized);
        unmask(payload.data(), data + pos + head, qsizetype(length), h + head - 4);
        pos += head + qsizetype(length);
        if (!handleFrame(opcode, fin, std::move(payload)))
            break;
    }
    return pos;
}

bool WebSocketConnection::handleFrame(quint8 opcode, bool fin, QByteArray payload)
{
    switch (opcode) {
    case Text:
    case Binary:
        if (fin) {
            deliver(std::move(payload), opcode == Binary);
        } else {
            m_messageOpcode = opcode;
            m_message = std::move(payload);
        }
        return m_fd >= 0;
    case Continuation:
        m_message.append(payload);
        if (fin) {
            const bool binary = std::exchange(m_messageOpcode, 0) == Binary;
            deliver(std::exchange(m_message, {}), binary);
        }
        return m_fd >= 0;
    case Ping:
        if (!m_closeSent)
            sendFrame(Pong, payload);
        return m_fd >= 0;
    case Pong:
        return true;
    case Close: {
        quint16 code = quint16(CloseCode::Normal);
        if (payload.size() == 1) {
            protocolError(CloseCode::ProtocolError, u"close frame with a 1-byte payload"_s);
            return false;
        }
        if (payload.size() >= 2) {
            code = quint16(readBigEndian(reinterpret_cast<const unsigned char *>(payload.constData()), 2));
            if (!validCloseCode(code)) {
                protocolError(CloseCode::ProtocolError, u"invalid close code %1"_s.arg(code));
                return false;
            }
            if (!isValidUtf8(QByteArrayView(payload).sliced(2))) {
                protocolError(CloseCode::InvalidData, u"close reason is not UTF-8"_s);
                return false;
            }
        }
        if (!m_closeSent) { // echo it: the closing handshake is complete on our side
            const char echo[2] = {char(code >> 8), char(code & 0xFF)};
            sendFrame(Close, QByteArrayView(echo, 2));
            m_closeSent = true;
        }
        drop();
        return false;
    }
    }
    return false;
}

void WebSocketConnection::deliver(QByteArray text, bool binary)
{
    if (!binary && !isValidUtf8(text)) {
        protocolError(CloseCode::InvalidData, u"text message is not valid UTF-8"_s);
        return;
    }
    if (m_detached || m_closeSent)
        return;
    if (m_session.tell(InboundFrame{text, binary}) != SendStatus::Full)
        return; // Ok, or Closed: the session is stopping
    m_state->counters.overloaded.fetch_add(1);
    Result<ChannelMessage> m = fail(ErrorCode::Parse);
    if (!binary) {
        m = ChannelMessage::parse(text);
    } else if (auto push = parseBinaryPush(text)) {
        m = push->header();
    } else {
        m = fail(push.error());
    }
    if (!m)
        return protocolError(CloseCode::ProtocolError, m.error().message);
    sendText(ChannelMessage::replyRaw(*m, u"error"_s, R"({"reason":"overloaded"})"));
}

void WebSocketConnection::sendText(QByteArrayView utf8)
{
    if (isOpen())
        sendFrame(Text, utf8);
}

void WebSocketConnection::sendFrame(quint8 opcode, QByteArrayView payload)
{
    if (m_fd < 0)
        return;
    char head[10];
    qsizetype hs;
    head[0] = char(0x80 | opcode);
    const quint64 n = quint64(payload.size());
    if (n < 126) {
        head[1] = char(n);
        hs = 2;
    } else if (n <= 0xFFFF) {
        head[1] = 126;
        head[2] = char(n >> 8);
        head[3] = char(n & 0xFF);
        hs = 4;
    } else {
        head[1] = 127;
        for (int i = 0; i < 8; ++i)
            head[2 + i] = char((n >> (56 - 8 * i)) & 0xFF);
        hs = 10;
    }
    writeOut(head, hs, payload);
}

void WebSocketConnection::writeOut(const char *head, qsizetype headSize, QByteArrayView payload)
{
    qsizetype sent = 0;
    const qsizetype total = headSize + payload.size();
    if (backlog() == 0) {
        iovec iov[2] = {{const_cast<char *>(head), size_t(headSize)},
                        {const_cast<char *>(payload.data()), size_t(payload.size())}};
        msghdr msg{};
        msg.msg_iov = iov;
        msg.msg_iovlen = payload.isEmpty() ? 1 : 2;
        ssize_t n;
        do {
            n = ::sendmsg(m_fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
        } while (n < 0 && errno == EINTR);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                drop();
                return;
            }
            n = 0;
        }
        sent = qsizetype(n);
        if (sent == total)
            return;
    }
    if (m_outPos > 0 && m_outPos == m_out.size()) {
        m_out.clear();
        m_outPos = 0;
    }
    if (sent < headSize)
        m_out.append(head + sent, headSize - sent);
    const qsizetype payloadSent = std::max<qsizetype>(0, sent - headSize);
    m_out.append(payload.data() + payloadSent, payload.size() - payloadSent);
    if (backlog() > m_state->config.maxOutboundBytes) {
        m_state->counters.slowClientsDropped.fetch_add(1);
        qCWarning(lcLiveView).noquote() << "closing WebSocket from" << m_peer << ": the client is not reading ("
                                        << backlog() << "bytes unsent)";
        drop();
        return;
    }
    setWriteWatch(true);
}

void WebSocketConnection::onWritable()
{
    while (m_fd >= 0 && backlog() > 0) {
        const ssize_t n = ::send(m_fd, m_out.constData() + m_outPos, size_t(backlog()), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (retryAfterIoError())
                continue;
            return;
        }
        m_outPos += n;
    }
    if (m_fd < 0)
        return;
    m_out.clear();
    m_outPos = 0;
    m_out.squeeze(); // a burst's buffer is not kept for an idle connection
    setWriteWatch(false);
}

bool WebSocketConnection::retryAfterIoError()
{
    if (errno == EINTR)
        return true;
    if (errno != EAGAIN && errno != EWOULDBLOCK)
        drop(); // reset, broken pipe, …: the peer is gone
    return false;
}

void WebSocketConnection::setWriteWatch(bool on)
{
    if (!m_writeNotifier) {
        if (!on)
            return;
        m_writeNotifier = new QSocketNotifier(qintptr(m_fd), QSocketNotifier::Write, this);
        QObject::connect(m_writeNotifier, &QSocketNotifier::activated, this, [this] { onWritable(); });
    }
    if (m_writeNotifier->isEnabled() != on)
        m_writeNotifier->setEnabled(on);
}

void WebSocketConnection::close(CloseCode code, QStringView reason)
{
    if (m_fd < 0 || m_closeSent)
        return;
    QByteArray payload;
    payload.append(char(quint16(code) >> 8)).append(char(quint16(code) & 0xFF));
    QByteArray text = reason.toUtf8();
    if (text.size() > 123) { // control frames carry at most 125 bytes; cut at a character boundary
        text.truncate(123);
        while (!text.isEmpty() && !isValidUtf8(text))
            text.chop(1);
    }
    payload.append(text);
    sendFrame(Close, payload);
    m_closeSent = true;
    if (m_fd < 0)
        return;
    m_closeTimer = new QTimer(this);
    m_closeTimer->setSingleShot(true);
    QObject::connect(m_closeTimer, &QTimer::timeout, this, [this] { drop(); });
    m_closeTimer->start(kCloseWaitMs);
}

void WebSocketConnection::protocolError(CloseCode code, const QString &why)
{
    if (m_fd < 0)
        return;
    m_state->counters.malformedFrames.fetch_add(1);
    qCWarning(lcLiveView).noquote() << "closing WebSocket from" << m_peer << "with" << quint16(code) << ":" << why;
    m_in.clear();
    m_message.clear();
    m_messageOpcode = 0;
    if (m_closeSent) {
        drop();
        return;
    }
    // What follows the bad frame is ignored (m_closeSent); the client's close or the timer ends it.
    close(code, why.left(120));
}

void WebSocketConnection::drop()
{
    if (m_fd < 0)
        return;
    // Notifiers may be the sender of the signal being handled: disable now, delete later.
    for (QSocketNotifier *n : {m_readNotifier, m_writeNotifier}) {
        if (n) {
            n->setEnabled(false);
            n->deleteLater();
        }
    }
    m_readNotifier = m_writeNotifier = nullptr;
    if (m_closeTimer) {
        m_closeTimer->stop();
        m_closeTimer->deleteLater();
        m_closeTimer = nullptr;
    }
    m_state->descriptors.remove(m_fd);
    ::close(m_fd);
    m_fd = -1;
    // The connection slot goes with the descriptor, not with this object: the session keeps the
    // object for its TTL, and a closed socket must not lock new clients out (maxConnections).
    releaseSlot();
    m_in = {};
    m_message = {};
    m_out = {};
    m_outPos = 0;
    if (m_attached && !m_detached)
        m_session.tell(SocketGone{}); // best effort; the session's tick also sees isDisconnected()
    if (m_deleteWhenClosed)
        deleteLater();
}

} // namespace LiveActor
