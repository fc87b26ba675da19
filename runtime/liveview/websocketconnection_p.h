#pragma once

// Internal: the server side of one RFC 6455 WebSocket on a raw non-blocking descriptor.

#include "core/actorref.h"
#include "liveview/serverstate_p.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <memory>

class QSocketNotifier;
class QTimer;

namespace LiveActor {

/// Close codes we send (RFC 6455 §7.4.1).
enum class CloseCode : quint16 {
    Normal = 1000,
    GoingAway = 1001,
    ProtocolError = 1002,
    Unsupported = 1003,
    InvalidData = 1007,
    PolicyViolation = 1008,
    TooBig = 1009,
    InternalError = 1011,
};

/// One upgraded connection, owned by its SessionActor and living on the session's executor
/// thread. It replaced QWebSocket: per connection that kept a QTcpSocket with a 16 KiB read and a
/// 32 KiB write ring buffer, turned every text frame into UTF-16, and toggled its socket
/// notifiers on every write. Here:
///
/// - Nothing is read before attach(): frames sent right after the handshake wait in the kernel
///   until the session actor runs. Reads go into one per-thread scratch buffer; a connection
///   keeps bytes only for an incomplete frame or a fragmented message.
/// - Text messages reach the session as UTF-8 InboundFrame tells, binary ones (upload chunks,
///   uploadframe.h) as InboundFrame{binary = true}. A Full session mailbox is
///   answered `{"reason":"overloaded"}` right here and counted; nothing is dropped silently.
/// - sendText() writes directly (one sendmsg of header + payload); only an unsent remainder is
///   buffered, with a write notifier until it drains. A client that stops reading is cut off once
///   its backlog passes config.maxOutboundBytes (counted in slowClientsDropped, logged).
/// - RFC 6455 server rules: masked client frames, RSV bits 0, known opcodes, control frames final
///   and ≤ 125 bytes, continuation rules, config.maxFrameBytes per message (1009), valid UTF-8
///   in text (1007), binary frames refused (1003, uploads are not implemented), ping → pong,
///   close handshake (echoed; a server-initiated close waits up to 2 s for the client's).
///   Every violation closes the connection with its code, is logged with the peer and counted
///   in malformedFrames.
class WebSocketConnection : public QObject
{
public:
    /// Takes over fd (already upgraded: the 101 response was written).
    WebSocketConnection(int fd, QString peer, std::shared_ptr<ServerState> state);
    ~WebSocketConnection() override;

    /// Executor thread: start reading and delivering to session.
    void attach(const ActorRef &session);
    /// Stop delivering (the session is stopping); later frames are ignored.
    void detach();
    /// Deletes this object once the connection is closed (now, if it already is).
    void deleteWhenClosed();

    bool isOpen() const { return m_fd >= 0 && !m_closeSent; }
    bool isDisconnected() const { return m_fd < 0; }
    const QString &peer() const { return m_peer; }
    /// The peer's address without the port (what maxConnectionsPerIp counts).
    QString peerAddress() const;

    /// The session has a valid join from this client: its partial messages no longer count
    /// against config.maxUnjoinedBytes.
    void markJoined();

    void sendText(QByteArrayView utf8);
    /// Starts the close handshake (no-op if closing or closed).
    void close(CloseCode code, QStringView reason = {});
    /// Logs why, counts a malformed frame and closes with code.
    void protocolError(CloseCode code, const QString &why);

    /// Testing/diagnostics: bytes waiting to be written.
    qsizetype backlog() const { return m_out.size() - m_outPos; }

private:
    void onReadable();
    void onWritable();
    /// Parses complete frames from data; returns bytes consumed (the rest is an incomplete frame).
    qsizetype consume(const char *data, qsizetype size);
    bool handleFrame(quint8 opcode, bool fin, QByteArray payload);
    void deliver(QByteArray text, bool binary);
    void sendFrame(quint8 opcode, QByteArrayView payload);
    void writeOut(const char *head, qsizetype headSize, QByteArrayView payload);
    void setWriteWatch(bool on);
    /// After a failed recv/send: true for EINTR (retry); drops the connection on a real error.
    bool retryAfterIoError();
    /// Closes the descriptor (no handshake) and tells the session.
    void drop();
    /// Gives the connection slot back (openSockets, the per-address count): once, with the fd.
    void releaseSlot();
    /// Before a join: counts what m_in and m_message hold now against config.maxUnjoinedBytes,
    /// shared by all such connections. false (and the connection is dropped) when it would pass it.
    bool holdUnjoined();
    /// Takes this connection's bytes out of the unjoined total.
    void releaseUnjoined();

    int m_fd;
    QString m_peer;
    std::shared_ptr<ServerState> m_state;
    ActorRef m_session;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QTimer *m_closeTimer = nullptr;
    QByteArray m_in;          ///< an incomplete frame
    QByteArray m_message;     ///< fragments of a message so far
    quint8 m_messageOpcode = 0; ///< 0 = no fragmented message in progress
    QByteArray m_out;         ///< unsent output, from m_outPos
    qsizetype m_outPos = 0;
    qsizetype m_unjoinedHeld = 0; ///< what this connection adds to counters.unjoinedBytes
    bool m_joined = false;
    bool m_attached = false;
    bool m_detached = false;
    bool m_closeSent = false;
    bool m_deleteWhenClosed = false;
};

/// true if data is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool isValidUtf8(QByteArrayView data);

/// The Sec-WebSocket-Accept value for a Sec-WebSocket-Key (RFC 6455 §4.2.2).
QByteArray webSocketAccept(const QByteArray &key);

} // namespace LiveActor
