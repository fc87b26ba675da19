#include "pagefetch.h"

#include <QRegularExpression>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

using namespace Qt::StringLiterals;

namespace LiveActor::Bench {

namespace {

QByteArray decodeEntities(QByteArray s)
{
    s.replace("&quot;", "\"").replace("&#39;", "'").replace("&#x27;", "'").replace("&#x2F;", "/")
        .replace("&#x3D;", "=").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    return s;
}

QByteArray attribute(const QByteArray &tag, const char *name)
{
    const QRegularExpression re(u"\\s"_s + QString::fromLatin1(name) + u"\\s*=\\s*\"([^\"]*)\""_s);
    const auto m = re.match(QString::fromUtf8(tag));
    return m.hasMatch() ? decodeEntities(m.captured(1).toUtf8()) : QByteArray();
}

/// The whole start tag around position pos.
QByteArray enclosingTag(const QByteArray &html, qsizetype pos)
{
    const qsizetype open = html.lastIndexOf('<', pos);
    const qsizetype close = html.indexOf('>', pos);
    if (open < 0 || close < 0)
        return {};
    return html.mid(open, close - open + 1);
}

QByteArray dechunk(const QByteArray &body)
{
    QByteArray out;
    qsizetype p = 0;
    while (p < body.size()) {
        const qsizetype eol = body.indexOf("\r\n", p);
        if (eol < 0)
            break;
        bool ok = false;
        const qsizetype len = body.mid(p, eol - p).split(';').first().trimmed().toLongLong(&ok, 16);
        if (!ok || len == 0)
            break;
        out += body.mid(eol + 2, len);
        p = eol + 2 + len + 2;
    }
    return out;
}

} // namespace

std::expected<QByteArray, QString> httpGet(const QByteArray &host, quint16 port, const QByteArray &path,
                                           int timeoutMs)
{
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return std::unexpected(u"socket: "_s + QString::fromLocal8Bit(strerror(errno)));
    struct Closer { int fd; ~Closer() { ::close(fd); } } closer{fd};
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    if (::inet_pton(AF_INET, host.constData(), &addr.sin_addr) != 1)
        return std::unexpected(u"bad IPv4 address "_s + QString::fromLatin1(host));
    if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
        return std::unexpected(u"connect: "_s + QString::fromLocal8Bit(strerror(errno)));
    const QByteArray req = QByteArray("GET ") + path + QByteArray(" HTTP/1.1\r\nHost: ") + host + ':' + QByteArray::number(port)
        + "\r\nAccept: text/html\r\nConnection: close\r\nUser-Agent: liveactor-loadgen\r\n\r\n";
    if (::send(fd, req.constData(), req.size(), MSG_NOSIGNAL) != req.size())
        return std::unexpected(u"send failed"_s);

    QByteArray buf;
    qsizetype headEnd = -1;
    qint64 contentLength = -1;
    bool chunked = false;
    char tmp[16384];
    for (;;) {
        if (headEnd >= 0) {
            const QByteArray body = buf.mid(headEnd + 4);
            if (contentLength >= 0 && body.size() >= contentLength)
                break;
            if (chunked && body.endsWith("0\r\n\r\n"))
                break;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0)
            return std::unexpected(u"timeout"_s);
        pollfd pfd{fd, POLLIN, 0};
        if (::poll(&pfd, 1, int(left)) <= 0)
            continue;
        const ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;   // EOF: body ends here
        buf.append(tmp, n);
        if (headEnd < 0 && (headEnd = buf.indexOf("\r\n\r\n")) >= 0) {
            const QByteArray head = buf.left(headEnd).toLower();
            const qsizetype cl = head.indexOf("\r\ncontent-length:");
            if (cl >= 0)
                contentLength = head.mid(cl + 17, head.indexOf("\r\n", cl + 2) - cl - 17).trimmed().toLongLong();
            chunked = head.contains("\r\ntransfer-encoding: chunked");
        }
    }
    if (headEnd < 0)
        return std::unexpected(u"no HTTP response head"_s);
    const QByteArray status = buf.left(buf.indexOf("\r\n"));
    if (!status.startsWith("HTTP/1.1 200") && !status.startsWith("HTTP/1.0 200"))
        return std::unexpected(u"HTTP status: "_s + QString::fromLatin1(status));
    QByteArray body = buf.mid(headEnd + 4);
    return chunked ? dechunk(body) : body;
}

std::expected<PageInfo, QString> parsePage(const QByteArray &html)
{
    PageInfo info;
    const qsizetype metaPos = html.indexOf("csrf-token");
    if (metaPos >= 0)
        info.csrf = attribute(enclosingTag(html, metaPos), "content");
    const qsizetype sessPos = html.indexOf("data-phx-session");
    if (sessPos < 0)
        return std::unexpected(u"page has no data-phx-session (not a LiveView page?)"_s);
    const QByteArray tag = enclosingTag(html, sessPos);
    info.session = attribute(tag, "data-phx-session");
    info.staticToken = attribute(tag, "data-phx-static");
    info.id = attribute(tag, "id");
    if (info.session.isEmpty() || info.id.isEmpty())
        return std::unexpected(u"LiveView container without id or session"_s);
    if (info.csrf.isEmpty())
        return std::unexpected(u"page has no <meta name=\"csrf-token\">"_s);
    return info;
}

std::expected<PageInfo, QString> fetchPage(const QByteArray &host, quint16 port, const QByteArray &path,
                                           int timeoutMs)
{
    auto body = httpGet(host, port, path, timeoutMs);
    if (!body)
        return std::unexpected(body.error());
    return parsePage(*body);
}

} // namespace LiveActor::Bench
