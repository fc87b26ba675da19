#pragma once

#include <QByteArray>
#include <QString>

#include <expected>

namespace LiveActor::Bench {

/// What a LiveView page hands its client: the csrf token (meta csrf-token), the container id
/// ("phx-…"), and the opaque data-phx-session / data-phx-static tokens.
struct PageInfo
{
    QByteArray csrf;
    QByteArray id;
    QByteArray session;
    QByteArray staticToken;   ///< empty → sent as null
};

/// Blocking HTTP/1.1 GET of http://host:port/path (Connection: close) on the calling thread,
/// bounded by timeoutMs; understands Content-Length, chunked and read-to-EOF bodies.
/// Returns the body of a 200 response or an error sentence.
std::expected<QByteArray, QString> httpGet(const QByteArray &host, quint16 port, const QByteArray &path,
                                           int timeoutMs);

/// Extracts PageInfo from a LiveView page (attribute order free, HTML entities in tokens decoded).
std::expected<PageInfo, QString> parsePage(const QByteArray &html);

/// httpGet + parsePage.
std::expected<PageInfo, QString> fetchPage(const QByteArray &host, quint16 port, const QByteArray &path,
                                           int timeoutMs);

} // namespace LiveActor::Bench
