#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrlQuery>

#include <optional>
#include <utility>

namespace LiveActor {

/// One parsed HTTP/1.1 request (our own small parser: the server shares ONE port between pages,
/// assets and the WebSocket upgrade, which QHttpServer 6.4 cannot do).
///
/// parse() reads a request from the front of a buffer:
/// - std::nullopt: incomplete, read more (nothing consumed);
/// - a request, with *consumed = its size in bytes (head + Content-Length body);
/// - ErrorCode::Parse: malformed request line or header (a control character but HTAB in a
///   value, a bare CR included), more than one Content-Length or one that is not 1 to 18 digits;
///   ErrorCode::Full: head larger than maxHeadBytes or body larger than maxBodyBytes;
///   ErrorCode::NotSupported: Transfer-Encoding, or a version other than HTTP/1.0 and HTTP/1.1.
/// The framing is strict on purpose: a proxy in front must not read one request where we read
/// two (request smuggling). errorStatus() says which status answers each error.
/// Header names are stored lower-case. A plain value type.
struct HttpRequest
{
    QByteArray method;
    QByteArray target;    ///< as sent: "/items/3?x=1"
    QString path;         ///< percent-decoded path: "/items/3"
    QUrlQuery query;
    QByteArray version;   ///< "HTTP/1.1"
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;

    /// First header of that (lower-case) name, or empty.
    QByteArray header(const QByteArray &lowerName) const;
    bool hasHeader(const QByteArray &lowerName) const;
    /// Connection: keep-alive semantics of HTTP/1.1 (and 1.0 with "keep-alive").
    bool keepAlive() const;
    /// A WebSocket upgrade request (Upgrade: websocket, Connection contains "upgrade").
    bool isWebSocketUpgrade() const;

    static Result<std::optional<HttpRequest>> parse(const QByteArray &buffer, qsizetype *consumed,
                                                    qsizetype maxHeadBytes = 16 * 1024,
                                                    qsizetype maxBodyBytes = 1024 * 1024);
    /// The status to answer a parse() error with before closing the connection: 400 malformed,
    /// 413 body too large, 431 head too large, 501 Transfer-Encoding, 505 HTTP version.
    static int errorStatus(const Error &error);
};

} // namespace LiveActor
