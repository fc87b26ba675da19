#pragma once

#include "liveview/httpresponse.h"

#include <QStringList>

#include <expected>

namespace LiveActor {

struct HttpRequest;

/// What the server's state says about a new WebSocket.
struct HandshakePolicy
{
    QStringList allowedOrigins;   ///< besides the page's own origin; "*": any
    /// The page's own origin when the site's public address is configured ("https://app.example");
    /// empty: judged from the Host header ("http://" + Host), which a proxy may rewrite.
    QString publicOrigin;
    bool shuttingDown = false;
    int openSockets = 0;
    int maxConnections = 0;
    int peerSockets = 0;     ///< open WebSockets from this request's address
    int maxPerPeer = 0;      ///< 0: no per-address limit
};

/// Why an upgrade is refused: the HTTP status and a one-line reason (sent as text/plain).
struct HandshakeRefusal
{
    int status = 400;
    QByteArray why;
    /// The refusal as an HTTP response (426 carries `Sec-WebSocket-Version: 13`).
    HttpResponse response() const;
};

/// Checks a `/live/websocket` upgrade request in the order a client learns most from: vsn 2.0.0
/// (403), Origin (403), shutting down (503), connection limit (503), Sec-WebSocket-Version 13
/// (426), a 16-byte Sec-WebSocket-Key (400). Returns the `101 Switching Protocols` response to
/// send (no extensions, no subprotocol), or the refusal. Pure: no sockets.
/// The request's Origin is the page's own (publicOrigin, else "http://" + Host) or one of
/// allowedOrigins ("*": any); no Origin header passes (not a cross-site request from a browser).
/// The WebSocket upgrade and a POST to the app's HTTP handlers check it alike.
bool originAllowed(const HttpRequest &request, const QStringList &allowedOrigins, const QString &publicOrigin);

std::expected<QByteArray, HandshakeRefusal> acceptWebSocket(const HttpRequest &request, const HandshakePolicy &policy);

} // namespace LiveActor
