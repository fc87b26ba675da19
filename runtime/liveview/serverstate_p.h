#pragma once

// Internal: what the server shares with its session and view actors. Not installed, not API.

#include "core/actorsystem.h"
#include "liveview/channelmessage.h"
#include "liveview/pubsub.h"
#include "liveview/router.h"
#include "liveview/serverconfig.h"
#include "liveview/serverstats.h"
#include "liveview/staticfiles.h"
#include "liveview/tokensigner.h"
#include "liveview/uploadfile.h"
#include "liveview/uploadstate.h"
#include "liveview/uploadtoken.h"
#include "liveview/viewstatestore.h"

#include <QJsonObject>
#include <QPointer>
#include <QUrl>

#include <QHash>

#include <functional>
#include <memory>
#include <mutex>
#include <vector>
#include <optional>

namespace LiveActor {

class WebSocketConnection;

inline constexpr auto kLiveViewVersion = "1.1.32";

/// Open WebSockets per peer address (ServerConfig::maxConnectionsPerIp). Thread-safe: counted up
/// when a connection takes its descriptor (main thread), down when it closes it (its executor).
class PeerCounts
{
public:
    int count(const QString &address) const
    {
        std::lock_guard lock(m_mutex);
        return m_counts.value(address);
    }
    void add(const QString &address, int delta)
    {
        std::lock_guard lock(m_mutex);
        if ((m_counts[address] += delta) <= 0)
            m_counts.remove(address);
    }

private:
    mutable std::mutex m_mutex;
    QHash<QString, int> m_counts;
};

/// Every open WebSocket's descriptor, so that a shutdown can still say goodbye (1001) to a client
/// whose session's executor is stuck in a handler and cannot close it. A connection leaves before
/// it closes its descriptor (both under the mutex), so sayGoodbye() never writes to a reused one.
class OpenDescriptors
{
public:
    void add(int fd)
    {
        std::lock_guard lock(m_mutex);
        m_fds.push_back(fd);
    }
    void remove(int fd)
    {
        std::lock_guard lock(m_mutex);
        std::erase(m_fds, fd);
    }
    /// Writes frame to every descriptor still open and shuts it down (the owner closes it when its
    /// thread runs again); returns how many. Only for connections whose thread does not write
    /// now (stuck): a frame written concurrently could interleave with this one.
    int sayGoodbye(QByteArrayView frame);

private:
    std::mutex m_mutex;
    std::vector<int> m_fds;
};

/// The development error the whole app has now (a reload that failed), shown by every page until
/// a good reload clears it. Thread-safe: set on the main thread, read by the dead render.
class DevErrorBox
{
public:
    struct DevError
    {
        QString title;
        QString detail;
    };
    std::optional<DevError> get() const
    {
        std::lock_guard lock(m_mutex);
        return m_error;
    }
    void set(std::optional<DevError> error)
    {
        std::lock_guard lock(m_mutex);
        m_error = std::move(error);
    }

private:
    mutable std::mutex m_mutex;
    std::optional<DevError> m_error;
};

/// Immutable after LiveViewServer::listen() (counters, pubsub and peers are thread-safe).
struct ServerState
{
    ServerConfig config;
    Router router;
    /// `{% live_render %}` children: the factory of a view class name (LiveViewServer::setChildViewResolver).
    std::function<Result<ViewFactory>(const QString &view)> childViews;
    std::unique_ptr<TokenSigner> signer;
    std::unique_ptr<TokenSigner> flashSigner;   ///< signer->derived("flash"): flash tokens (flash.h)
    std::unique_ptr<UploadTokenSigner> uploadSigner; ///< per-entry upload tokens (uploadtoken.h)
    std::unique_ptr<UploadBudget> uploadBudget;      ///< config.maxUploadBytesInFlight
    QString uploadDir;                               ///< config.uploadDir or <stateDir>/uploads
    std::unique_ptr<StaticFiles> staticFiles;   ///< the app's /static/ (config.staticDir)
    PubSub pubsub;
    ServerCounters counters;
    PeerCounts peers;
    OpenDescriptors descriptors;
    DevErrorBox devError;                       ///< with config.debugErrors only
    std::shared_ptr<ViewStateStore> viewStates; ///< views that resume (null: none, one instance)
    ActorSystem *system = nullptr;
};

/// Writes frames to one session's socket. Lives on the session's executor thread and is used only
/// there (the session, its views and the socket share that thread).
class ChannelWriter
{
public:
    explicit ChannelWriter(WebSocketConnection *socket);
    ~ChannelWriter();
    void send(const QByteArray &frame);
private:
    QPointer<WebSocketConnection> m_socket;
};

/// Session ↔ view bookkeeping for one joined topic (same thread only).
struct ViewSlot
{
    QString topic;
    QString joinRef;
    bool joined = false;   ///< the join was answered ok (a later crash → phx_error)
    UploadFiles uploads;   ///< the view's open upload entries and finished files
};

// ---- messages
struct InboundFrame { QByteArray text; bool binary = false; }; ///< one UTF-8 text message, or a binary one (upload chunks)
struct SocketGone { };
struct SessionTick { };
/// A development notice for the page (config.debugErrors): the session pushes it as `event`
/// ("liveactor:error" / "liveactor:clear") with payload (JSON object text) on topic "liveactor".
struct DevNotice { QString event; QByteArray payload; };          ///< idle / TTL / health check
struct ClientPush { ChannelMessage message; };   ///< event / live_patch / other pushes for a view

struct ViewSetup
{
    std::shared_ptr<ServerState> state;
    std::shared_ptr<ChannelWriter> writer;
    std::shared_ptr<ViewSlot> slot;
    ChannelMessage join;
    Router::Match route;
    QUrl url;
    QJsonObject session;
    QJsonObject flash;   ///< what the page arrived with (a flash token, or the dead render's)
};

} // namespace LiveActor
