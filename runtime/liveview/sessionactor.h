#pragma once

#include "core/actor.h"
#include "liveview/serverstate_p.h"

#include <QHash>

#include <deque>
#include <memory>

namespace LiveActor {

class WebSocketConnection;
enum class CloseCode : quint16;

/// One WebSocket connection (`/live/websocket`): speaks Phoenix Channels V2 and routes every
/// `lv:` topic to its ViewActor. Kind "session", mailbox 100, a temporary child of the server's
/// SessionSupervisor; owns the WebSocketConnection, which lives on the session's executor (so do its views).
///
/// - heartbeat → ok; phx_join → verifies the signed session token (bad/expired → "stale"), the
///   CSRF token (mismatch → "unauthorized"), resolves the URL (a redirect join to a URL no route
///   serves → "unauthorized"), replaces a live join of the same topic (phx_close to the old
///   join_ref first), spawns a ViewActor which answers the join itself;
///   phx_leave → ok + phx_close, the view stops; other pushes go to the topic's view (a Full
///   view mailbox → `{"status":"error","response":{"reason":"overloaded"}}` + counter); pushes
///   to an unjoined topic → "unmatched topic". Malformed frames close the socket with 1002.
/// - Views are linked children and exits are trapped: an abnormal exit of a joined view sends
///   `phx_error` (with its join_ref) so the client rejoins and re-mounts. More than
///   viewCrashIntensity crashes within viewCrashPeriod end the session (socket closed 1011).
/// - Periodic tick (system lane): closes a socket idle for idleTimeout (1001); once the socket is
///   gone, the session and its views are reaped after sessionTtl (any message resets it); every
///   healthInterval pings its views, killing one that misses healthTimeout.
/// - Graceful shutdown: stops reading, shuts its views down (queued events still get replies),
///   then closes the socket with 1001 (the client reconnects to the next server).
class SessionActor : public Actor
{
public:
    SessionActor(std::shared_ptr<ServerState> state, WebSocketConnection *socket, QString peer);
    ~SessionActor() override;

protected:
    Result<void> started() override;
    Result<void> handle(Message &message) override;
    bool shutdownRequested() override;
    void stopping(const ExitReason &reason) override;

private:
    struct Entry
    {
        ActorRef ref;
        std::shared_ptr<ViewSlot> slot;
    };

    void handleFrame(const QByteArray &text);
    void handleJoin(const ChannelMessage &m);
    void handleLeave(const ChannelMessage &m);
    void viewExited(const ActorRef &ref, const ExitReason &reason);
    void tick();
    void scheduleTick();
    void closeSocket(CloseCode code, const QString &reason);
    void send(const QByteArray &frame) { m_writer->send(frame); }

    std::shared_ptr<ServerState> m_state;
    WebSocketConnection *m_socket; // owned; handed back with deleteWhenClosed() in stopping()
    QString m_peer;
    std::shared_ptr<ChannelWriter> m_writer;
    QHash<QString, Entry> m_views;                              // current join per topic
    QHash<ActorRef, std::shared_ptr<ViewSlot>> m_byRef;         // every live view (incl. leaving)
    std::deque<Executor::Clock::time_point> m_crashes;
    Executor::Clock::time_point m_lastFrame;
    Executor::Clock::time_point m_lastActivity;
    Executor::Clock::time_point m_lastHealth;
    bool m_socketGone = false;
    bool m_shuttingDown = false;
    bool m_counted = false;
};

} // namespace LiveActor
