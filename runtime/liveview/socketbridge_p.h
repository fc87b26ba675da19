#pragma once

// Internal: connects a QWebSocket's signals to its SessionActor.

#include "core/actorref.h"
#include "liveview/serverstate_p.h"

#include <QObject>
#include <QStringList>

#include <memory>

namespace LiveActor {

/// Created on the accepting thread as a child of the socket BEFORE the socket moves to its
/// executor, so frames the client sends right after the handshake are not lost while the session
/// actor starts: they are buffered until attach(). Afterwards each text frame becomes an
/// InboundFrame tell; a Full session mailbox is answered "overloaded" right here (same thread as
/// the socket) and counted. Binary frames (uploads only) are a protocol error for now.
class SocketBridge : public QObject
{
public:
    SocketBridge(QWebSocket *socket, std::shared_ptr<ServerState> state);
    ~SocketBridge() override;

    /// Executor thread: start delivering to session (flushes frames buffered so far).
    void attach(const ActorRef &session);
    /// Stop delivering (the session is stopping); later frames are ignored.
    void detach();
    bool isDisconnected() const { return m_disconnected; }
    /// Close with a protocol error (1002) and log why.
    void protocolError(const QString &why);

private:
    void onText(const QString &text);
    void deliver(const QString &text);

    QWebSocket *m_socket;
    std::shared_ptr<ServerState> m_state;
    ActorRef m_session;
    QStringList m_pending;
    bool m_attached = false;
    bool m_detached = false;
    bool m_disconnected = false;
};

} // namespace LiveActor
