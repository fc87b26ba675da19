#include "liveview/httprequest.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace LiveActor {

QByteArray HttpRequest::header(const QByteArray &lowerName) const
{
    for (const auto &h : headers)
        if (h.first == lowerName)
            return h.second;
    return {};
}

bool HttpRequest::hasHeader(const QByteArray &lowerName) const
{
    for (const auto &h : headers)
        if (h.first == lowerName)
            return true;
    return false;
}

bool HttpRequest::keepAlive() const
{
    const QByteArray c = header("connection").toLower();
    if (version == "HTTP/1.0")
        return c.contains("keep-alive");
    return !c.contains("close");
}

bool HttpRequest::isWebSocketUpgrade() const
{
    if (header("upgrade").toLower() != "websocket")
        return false;
    for (const auto &h : headers)
        if (h.first == "connection" && h.second.toLower().contains("upgrade"))
            return true;
    return false;
}

static bool isToken(const QByteArray &s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        const unsigned char u = static_cast<unsigned char>(c);
        if (u <= 32 || u >= 127 || strchr("()<>@,;:\\\"/[]?={}", c))
            return false;
    }
    return true;
}

Result<std::optional<HttpRequest>> HttpRequest::parse(const QByteArray &buffer, qsizetype *consumed,
                                                      qsizetype maxHeadBytes, qsizetype maxBodyBytes)
{
    *consumed = 0;
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0) {
        if (buffer.size() > maxHeadBytes)
            return fail(ErrorCode::Full, u"request head larger than %1 bytes"_s.arg(maxHeadBytes));
        return std::optional<HttpRequest>{};
    }
    if (end + 4 > maxHeadBytes)
        return fail(ErrorCode::Full, u"request head larger than %1 bytes"_s.arg(maxHeadBytes));

    const QList<QByteArray> lines = buffer.left(end).split('\n');
    HttpRequest r;
    const QByteArray requestLine = lines.first().trimmed();
    const QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() != 3 || !isToken(parts[0]) || parts[1].isEmpty() || !parts[2].startsWith("HTTP/1."))
        return fail(ErrorCode::Parse, u"malformed request line"_s);
    r.method = parts[0];
    r.target = parts[1];
    r.version = parts[2];
    if (!r.target.startsWith('/'))
        return fail(ErrorCode::Parse, u"request target must be an absolute path"_s);
    const qsizetype q = r.target.indexOf('?');
    const QByteArray rawPath = q < 0 ? r.target : r.target.left(q);
    r.path = QUrl::fromPercentEncoding(rawPath);
    if (q >= 0)
        r.query = QUrlQuery(QString::fromUtf8(r.target.mid(q + 1)));

    for (qsizetype i = 1; i < lines.size(); ++i) {
        QByteArray line = lines[i];
        if (line.endsWith('\r'))
            line.chop(1);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line.left(colon)))
            return fail(ErrorCode::Parse, u"malformed header line %1"_s.arg(i));
        r.headers.append({line.left(colon).toLower(), line.mid(colon + 1).trimmed()});
    }
    if (r.version == "HTTP/1.1" && !r.hasHeader("host"))
        return fail(ErrorCode::Parse, u"HTTP/1.1 request without Host"_s);
    if (r.hasHeader("transfer-encoding"))
        return fail(ErrorCode::NotSupported, u"Transfer-Encoding is not supported"_s);
    qsizetype bodyLength = 0;
    if (r.hasHeader("content-length")) {
        bool ok = false;
        bodyLength = r.header("content-length").toLongLong(&ok);
        if (!ok || bodyLength < 0)
            return fail(ErrorCode::Parse, u"bad Content-Length"_s);
        if (bodyLength > maxBodyBytes)
            return fail(ErrorCode::Full, u"request body larger than %1 bytes"_s.arg(maxBodyBytes));
    }
    const qsizetype total = end + 4 + bodyLength;
    if (buffer.size() < total)
        return std::optional<HttpRequest>{};
    r.body = buffer.mid(end + 4, bodyLength);
    *consumed = total;
    return std::optional<HttpRequest>{std::move(r)};
}

} // namespace LiveActor
