#include "liveview/websockethandshake.h"

#include "liveview/httprequest.h"
#include "liveview/websocketconnection_p.h"

using namespace Qt::StringLiterals;

namespace LiveActor {

HttpResponse HandshakeRefusal::response() const
{
    HttpHeaders headers;
    if (status == 426)
        headers.append(std::pair<QByteArray, QByteArray>("Sec-WebSocket-Version", "13"));
    return {status, "text/plain; charset=utf-8", why + '\n', headers};
}

bool originAllowed(const HttpRequest &request, const QStringList &allowedOrigins, const QString &publicOrigin)
{
    const QByteArray origin = request.header("origin");
    if (origin.isEmpty() || allowedOrigins.contains(u"*"_s))
        return true;
    const QString o = QString::fromUtf8(origin);
    const QString own = publicOrigin.isEmpty() ? u"http://"_s + QString::fromUtf8(request.header("host")) : publicOrigin;
    return o == own || allowedOrigins.contains(o);
}

std::expected<QByteArray, HandshakeRefusal> acceptWebSocket(const HttpRequest &request, const HandshakePolicy &policy)
{
    auto refuse = [](int status, QByteArray why) { return std::unexpected(HandshakeRefusal{status, std::move(why)}); };
    if (request.query.queryItemValue(u"vsn"_s) != u"2.0.0")
        return refuse(403, "unsupported vsn (only 2.0.0)");
    if (!originAllowed(request, policy.allowedOrigins, policy.publicOrigin))
        return refuse(403, "origin not allowed: " + request.header("origin"));
    if (policy.shuttingDown)
        return refuse(503, "shutting down");
    if (policy.openSockets >= policy.maxConnections)
        return refuse(503, "too many connections");
    if (policy.maxPerPeer > 0 && policy.peerSockets >= policy.maxPerPeer)
        return refuse(503, "too many connections from this address");
    if (request.header("sec-websocket-version").trimmed() != "13")
        return refuse(426, "unsupported WebSocket version (only 13)");
    const QByteArray key = request.header("sec-websocket-key").trimmed();
    if (QByteArray::fromBase64(key).size() != 16)
        return refuse(400, "missing or malformed Sec-WebSocket-Key");
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Accept: " + webSocketAccept(key) + "\r\n\r\n";
}

} // namespace LiveActor
