#pragma once

#include "core/actor.h"
#include "liveview/serverstate_p.h"
#include "liveview/uploadchannel.h"

#include <map>
#include <memory>
#include <vector>

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
/// - A token with "child" (a `{% live_render %}` container) joins a nested view: no URL, no CSRF
///   check; its class comes from the server's child view resolver (unknown → an error reply
///   naming it); it needs its parent's view joined and is closed (phx_close) when that view actor
///   exits; a sticky one has no parent.
/// - Views are linked children and exits are trapped: an abnormal exit of a joined view sends
///   `phx_error` (with its join_ref) so the client rejoins and re-mounts: the rejoin restarts the
///   same view actor (same id, next incarnation; spawnRestartable), so the registry, the control
///   plane and the monitor show one view with a restart count and its reason. More than
///   viewCrashIntensity crashes in one burst (RestartIntensity's rule, period viewCrashPeriod)
///   end the session (socket closed 1011); the registry reports the budget (strategy "session").
/// - Periodic tick (system lane): closes a socket idle for idleTimeout (1001); once the socket is
///   gone, the session and its views are reaped after sessionTtl (any message resets it; the
///   closed socket no longer holds one of maxConnections meanwhile); every
///   healthInterval pings its views, killing one that misses healthTimeout.
/// - Graceful shutdown: stops reading, shuts its views down (queued events still get replies),
///   then closes the socket with 1001 (the client reconnects to the next server) — with a
///   ViewStateStore once the views' last records are saved (at most persistDrainTimeout), so
///   the client's re-join on another instance resumes them.
class SessionActor : public Actor
{
public:
    SessionActor(std::shared_ptr<ServerState> state, WebSocketConnection *socket, QString peer);
    ~SessionActor() override;

    /// The rule of viewExited() for a view exiting now (the restart preview).
    Result<ExitPlan> planChildExit(const QUuid &child, ChildExit cause) const override;

protected:
    Result<void> started() override;
    Result<void> handle(Message &message) override;
    bool shutdownRequested() override;
    void stopping(const ExitReason &reason) override;

private:
    /// A live view actor. current: it serves its topic's latest join (false while a replaced or
    /// left join's view is still stopping). A session has a handful: vectors, not hashes (a
    /// QHash costs ~2.7 KiB for one entry, times 10,000 sessions).
    struct View
    {
        ActorRef ref;
        std::shared_ptr<ViewSlot> slot;
        bool current = true;
        ActorRef parent; ///< the view whose `{% live_render %}` it is (null: a root or sticky view)
    };
    /// A view that crashed while joined: the client's rejoin of its topic restarts it as the
    /// same actor (same id, next incarnation), so the registry and the monitor count a restart.
    /// Not rejoined within sessionTtl (the page is gone), it is forgotten.
    struct Crashed
    {
        QString topic;
        QUuid id;
        quint32 nextIncarnation = 0;
        Executor::Clock::time_point at;
    };
    View *currentView(const QString &topic);
    int currentViewCount() const;

    void handleFrame(const QByteArray &text);
    /// With ServerConfig::debugErrors: pushes a view's crash to the page (pageshell.h's overlay).
    void showDevError(const ExitReason &reason);
    void handleJoin(const ChannelMessage &m);
    /// The join of a nested view's container (a token with "child"): resolves its class, finds
    /// its parent view.
    void joinChild(const ChannelMessage &m, const QJsonObject &claims);
    /// Spawns the view that answers join m (replacing a live join of its topic).
    void startView(const ChannelMessage &m, Router::Match route, const QUrl &url, const QJsonObject &session,
                   const QJsonObject &flash, const ActorRef &parent);
    /// phx_close to its join, then shuts it down (left, replaced, or its parent went).
    void closeView(View &view);
    void handleLeave(const ChannelMessage &m);
    // Uploads: `lvu:<entry ref>` channels and their binary chunk pushes (uploadchannel.h).
    void joinUpload(const ChannelMessage &m);
    void handleChunk(const QByteArray &frame);
    void dropUploads(const QString &viewTopic);
    /// The socket closed: remembers it (the TTL starts) and drops the upload channels.
    void socketGone();
    /// The slot of the view that allows this entry now (it is open in its UploadFiles), or null.
    ViewSlot *uploadSlot(const UploadTokenClaims &claims);
    /// The flash a joining view arrived with (its ViewSetup::flash).
    QJsonObject joinFlash(const ChannelMessage &join, const QJsonObject &claims, bool isRedirect) const;
    void viewExited(const ActorRef &ref, const ExitReason &reason);
    void tick();
    void scheduleTick();
    void closeSocket(CloseCode code, const QString &reason);
    /// The end of a graceful shutdown once the views are gone: 1001 and stop, after the store
    /// saved what they left (or persistDrainTimeout).
    void finishShutdown();
    struct DrainTimeout { };
    void send(const QByteArray &frame) { m_writer->send(frame); }

    std::shared_ptr<ServerState> m_state;
    WebSocketConnection *m_socket; // owned; handed back with deleteWhenClosed() in stopping()
    QString m_peer;
    std::shared_ptr<ChannelWriter> m_writer;
    std::vector<View> m_views;                    // every live view
    std::vector<Crashed> m_crashed;               // waiting for their rejoin
    /// joined upload entries by topic; dropping one removes its temporary file
    std::map<QString, std::unique_ptr<UploadEntryChannel>> m_uploads;
    RestartIntensity m_viewCrashes;               // viewCrashIntensity per viewCrashPeriod
    Executor::Clock::time_point m_lastFrame;
    Executor::Clock::time_point m_lastActivity;
    Executor::Clock::time_point m_lastHealth;
    bool m_socketGone = false;
    bool m_shuttingDown = false;
    bool m_draining = false; ///< waiting for the ViewStateStore before the socket closes
    bool m_drained = false;  ///< finishShutdown() closed the socket
    bool m_counted = false;
};

} // namespace LiveActor
