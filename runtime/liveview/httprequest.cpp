#include "liveview/httprequest.h"

#include <QUrl>

#include <algorithm>

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

static bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

/// "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 2.3).
static bool isHttpVersion(const QByteArray &s)
{
    return s.size() == 8 && s.startsWith("HTTP/") && isDigit(s[5]) && s[6] == '.' && isDigit(s[7]);
}

/// A field value without CR, LF, NUL or another control character but HTAB (RFC 9110 5.5): a
/// bare CR is a line end to some proxies and none to us, so it must not pass.
static bool isFieldValue(const QByteArray &s)
{
    return std::ranges::none_of(s, [](char c) {
        const unsigned char u = static_cast<unsigned char>(c);
        return (u < 32 && c != '\t') || u == 127;
    });
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
    if (parts.size() != 3 || !isToken(parts[0]) || parts[1].isEmpty() || !isHttpVersion(parts[2]))
        return fail(ErrorCode::Parse, u"malformed request line"_s);
    if (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0")
        return fail(ErrorCode::NotSupported, u"HTTP version %1 is not supported"_s.arg(QLatin1StringView(parts[2])));
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
        if (colon <= 0 || !isToken(line.left(colon)) || !isFieldValue(line.mid(colon + 1)))
            return fail(ErrorCode::Parse, u"malformed header line %1"_s.arg(i));
        r.headers.append({line.left(colon).toLower(), line.mid(colon + 1).trimmed()});
    }
    if (r.version == "HTTP/1.1" && !r.hasHeader("host"))
        return fail(ErrorCode::Parse, u"HTTP/1.1 request without Host"_s);
    if (r.hasHeader("transfer-encoding"))
        return fail(ErrorCode::NotSupported, u"Transfer-Encoding is not supported"_s);
    // One Content-Length of 1 to 18 digits, nothing else (no sign, no list, no second header even
    // with the same value): a proxy that reads the framing differently must not see two requests
    // where we see one (request smuggling).
    qsizetype bodyLength = 0;
    const auto lengths = std::ranges::count_if(r.headers, [](const auto &h) { return h.first == "content-length"; });
    if (lengths > 1)
        return fail(ErrorCode::Parse, u"more than one Content-Length"_s);
    if (lengths == 1) {
        const QByteArray value = r.header("content-length");
        if (value.isEmpty() || value.size() > 18 || !std::ranges::all_of(value, isDigit))
            return fail(ErrorCode::Parse, u"bad Content-Length"_s);
        bodyLength = value.toLongLong();
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

int HttpRequest::errorStatus(const Error &error)
{
    // The messages are parse()'s, above.
    switch (error.code) {
    case ErrorCode::Full: return error.message.startsWith(u"request body") ? 413 : 431;
    case ErrorCode::NotSupported: return error.message.startsWith(u"HTTP version") ? 505 : 501;
    default: return 400;
    }
}

} // namespace LiveActor
