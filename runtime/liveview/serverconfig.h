#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QString>
#include <QStringList>

#include <chrono>

namespace LiveActor {

/// Everything LiveViewServer can be configured with. A plain value type; the app fills it from
/// flags, environment and config file. Defaults are the documented production defaults.
struct ServerConfig
{
    /// Listen address and port (one port for pages, assets and /live/websocket). Port 0 = any
    /// free port (tests); LiveViewServer::port() tells which.
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 4000;
    /// SO_REUSEPORT (`serve --reuse-port`): several processes on this host listen on the same
    /// host and port and the kernel spreads new connections over them (per connection, by a hash
    /// of its addresses). Every one of them must set it, as the same user.
    bool reusePort = false;

    /// WebSocket Origin values accepted besides the page's own ("http://example.com:4000"). "*"
    /// allows any (dev only).
    QStringList allowedOrigins;
    /// The site's public origin ("https://app.example"), e.g. behind a proxy: the page's own
    /// origin is then this, not what the request's Host header names (http://<Host>).
    QString publicOrigin;
    /// Check the page's CSRF token (sent as join param _csrf_token) against the signed session.
    bool checkCsrf = true;

    /// HMAC secret for session tokens; empty = LIVEACTOR_SECRET_KEY, else <stateDir>/secret_key
    /// (created 0600 on first start). See SecretStore.
    QByteArray secret;
    QString stateDir = QStringLiteral(".state");
    /// How long a page's session token can be used to join (Phoenix's default is 2 weeks: a
    /// leaked token should not open sessions that long). A page whose token expired reloads on
    /// its next join and gets a fresh one.
    std::chrono::seconds tokenMaxAge{24 * 3600};

    /// The app's own browser files, served at /static/ (see StaticFiles); empty or not a
    /// directory: none. Pages include its app.css and app.js (before the LiveSocket connects, so
    /// app.js can set `window.liveactorHooks`) when they exist.
    QString staticDir;
    qint64 maxStaticFileBytes = 16 * 1024 * 1024; ///< larger static files are not served (404, logged)

    /// Development (`liveactor serve --reload` or `--debug`): errors are shown in the browser —
    /// a failed dead render as an error page with the error's text, a crashed view's exception
    /// and a failed reload as an overlay over the page (pageshell.h). Off: the generic error
    /// page only, details in the log.
    bool debugErrors = false;

    /// Page title when the view sets none.
    QString defaultTitle = QStringLiteral("liveactor");
    /// Content-Security-Policy of every page (empty: none). The default allows the page's own
    /// scripts, styles (inline too: templates often carry a <style>), images and its WebSocket,
    /// and no framing; pages are also sent `X-Frame-Options: DENY`. `blob:` images are the
    /// client's upload previews ({% live_img_preview %}: object URLs of files the user chose).
    QString contentSecurityPolicy = QStringLiteral(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'");

    // ---- limits
    int maxConnections = 10000;          ///< open WebSockets; more → HTTP 503 before the upgrade
    int maxConnectionsPerIp = 0;         ///< open WebSockets from one address; more → 503 (0: no limit)
    qint64 maxFrameBytes = 1024 * 1024;  ///< larger WebSocket messages close the socket (1009)
    /// Bytes that all WebSockets which have not joined a view yet may hold together in incomplete
    /// messages: a connection whose message would pass it is cut off (counted in unjoinedDropped).
    /// Without it, a few hundred sockets each sending most of a maxFrameBytes frame, no token
    /// needed, pin that much memory.
    qint64 maxUnjoinedBytes = 64 * 1024 * 1024;
    /// Unsent output a WebSocket may hold (a client that stopped reading); more closes it.
    qint64 maxOutboundBytes = 8 * 1024 * 1024;
    qint64 maxHeadBytes = 16 * 1024;     ///< HTTP request head
    qint64 maxBodyBytes = 1024 * 1024;   ///< HTTP request body
    int maxViewsPerSession = 64;         ///< joins beyond this are answered with an error
    /// Threads that render pages (a view's first, HTML render: mount() and the template) and run
    /// Python HTTP handlers, off the thread that accepts connections, parses HTTP and upgrades
    /// WebSockets — a slow mount() delays only its own page, never /health or an upgrade.
    int renderThreads = 4;
    /// Renders queued or running at once; more are answered 503 with Retry-After.
    int maxPendingRenders = 256;
    /// Where upload entries are streamed while they arrive (`lvupload-*.part`, removed when
    /// consumed, cancelled, or when their view or socket goes; leftovers at start-up).
    /// Empty: <stateDir>/uploads.
    QString uploadDir;
    /// Declared sizes of all open upload entries together; an entry that would pass it is refused
    /// at its join (the disk cannot be filled by many concurrent uploads).
    qint64 maxUploadBytesInFlight = qint64(1024) * 1024 * 1024;
    /// How long a preflight's upload tokens can be used to join an entry channel.
    std::chrono::seconds uploadTokenMaxAge{3600};

    // ---- actors
    int sessionMailbox = 100;            ///< SessionActor normal-lane capacity (protocol contract)
    int viewMailbox = 50;                ///< ViewActor normal-lane capacity (protocol contract)
    /// View crashes a session tolerates within viewCrashPeriod; one more ends the session (its
    /// socket is closed with 1011, the client reconnects and re-mounts everything).
    int viewCrashIntensity = 5;
    std::chrono::milliseconds viewCrashPeriod{10000};

    // ---- timeouts
    /// A socket with no frame for this long is closed (the client heartbeats every 30 s).
    std::chrono::milliseconds idleTimeout{60000};
    /// A session whose socket is gone is reaped after this long (any message resets it).
    std::chrono::milliseconds sessionTtl{30000};
    /// Every healthInterval each session pings its views (and the server its sessions); an actor
    /// not answering within healthTimeout is killed (→ phx_error → fresh mount).
    std::chrono::milliseconds healthInterval{15000};
    std::chrono::milliseconds healthTimeout{5000};
    /// A view whose callback suspended it (work on a worker thread or a coroutine) and has not
    /// resumed within this crashes with "handler timeout" and restarts fresh. 0: no limit.
    std::chrono::milliseconds suspendTimeout{12000};
    /// HTTP keep-alive connections idle for this long are closed.
    std::chrono::milliseconds httpIdleTimeout{15000};
    /// A request must be complete (head and body) this long after its first byte, or the
    /// connection gets 408 and is closed — a client trickling a byte at a time does not hold a
    /// connection for minutes (the idle timeout restarts with every byte).
    std::chrono::milliseconds requestTimeout{5000};

    // ---- views that resume (LiveViewServer::setViewStateStore)
    /// A re-join waits this long for its stored record before it mounts fresh.
    std::chrono::milliseconds resumeLookupTimeout{1000};
    /// At shutdown a session closes its socket (1001) once its views' last records are written,
    /// or after this long (the store unreachable).
    std::chrono::milliseconds persistDrainTimeout{2000};
};

} // namespace LiveActor
