#include "liveview/staticfiles.h"

#include "liveview/httprequest.h"
#include "liveview/logging.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace {

constexpr auto kPrefix = "/static/";
constexpr qsizetype kMaxEntries = 4096;            // the table is forgotten past this many files
constexpr qint64 kKeepFileBytes = 256 * 1024;      // files kept in memory: at most this large…
constexpr qint64 kKeepTotalBytes = 16 * 1024 * 1024; // …and this much in all

QByteArray contentType(const QString &path)
{
    static const QHash<QString, QByteArray> types = {
        {u"js"_s, "text/javascript; charset=utf-8"}, {u"mjs"_s, "text/javascript; charset=utf-8"},
        {u"css"_s, "text/css; charset=utf-8"},       {u"html"_s, "text/html; charset=utf-8"},
        {u"json"_s, "application/json"},             {u"map"_s, "application/json"},
        {u"svg"_s, "image/svg+xml"},                 {u"png"_s, "image/png"},
        {u"jpg"_s, "image/jpeg"},                    {u"jpeg"_s, "image/jpeg"},
        {u"gif"_s, "image/gif"},                     {u"webp"_s, "image/webp"},
        {u"ico"_s, "image/x-icon"},                  {u"txt"_s, "text/plain; charset=utf-8"},
        {u"woff"_s, "font/woff"},                    {u"woff2"_s, "font/woff2"},
        {u"wasm"_s, "application/wasm"},
    };
    return types.value(QFileInfo(path).suffix().toLower(), "application/octet-stream");
}

/// Whether every segment of relative is a plain name: no "", ".", ".." or hidden ".x".
bool plainSegments(const QString &relative)
{
    if (relative.isEmpty() || relative.contains(QChar(0)) || relative.contains(u'\\'))
        return false;
    for (const QStringView segment : QStringView(relative).split(u'/'))
        if (segment.isEmpty() || segment.startsWith(u'.'))
            return false;
    return true;
}

} // namespace

StaticFiles::StaticFiles(const QString &root, qint64 maxFileBytes) : m_maxFileBytes(maxFileBytes)
{
    const QFileInfo info(root);
    if (!root.isEmpty() && info.isDir())
        m_root = info.canonicalFilePath();
}

QString StaticFiles::resolve(const QString &relative) const
{
    if (m_root.isEmpty() || !plainSegments(relative))
        return {};
    const QFileInfo info(m_root + u'/' + relative);
    const QString real = info.canonicalFilePath(); // symlinks resolved; empty if it does not exist
    if (real.isEmpty() || !real.startsWith(m_root + u'/') || !QFileInfo(real).isFile())
        return {};
    return real;
}

QByteArray StaticFiles::etagOf(const QString &path, QByteArray *content)
{
    const QFileInfo info(path);
    const qint64 size = info.size();
    const QDateTime modified = info.lastModified();
    if (size > m_maxFileBytes) {
        qCWarning(lcHttp).noquote() << "static file" << path << "not served: larger than" << m_maxFileBytes << "bytes";
        return {};
    }
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_entries.constFind(path);
        if (it != m_entries.cend() && it->size == size && it->modified == modified && (!content || !it->body.isNull())) {
            if (content)
                *content = it->body;
            return it->etag;
        }
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QByteArray body = file.read(m_maxFileBytes + 1);
    if (body.size() > m_maxFileBytes) // grew since the stat
        return {};
    const QByteArray etag = QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex().left(20);
    {
        std::lock_guard lock(m_mutex);
        if (auto old = m_entries.constFind(path); old != m_entries.cend())
            m_keptBytes -= old->body.size();
        if (m_entries.size() >= kMaxEntries) {
            m_entries.clear();
            m_keptBytes = 0;
        }
        const bool keep = body.size() <= kKeepFileBytes && m_keptBytes + body.size() <= kKeepTotalBytes;
        m_entries.insert(path, Entry{size, modified, etag, keep ? body : QByteArray()});
        if (keep)
            m_keptBytes += body.size();
    }
    if (content)
        *content = std::move(body);
    return etag;
}

QByteArray StaticFiles::urlFor(const QString &relative)
{
    const QString path = resolve(relative);
    const QByteArray etag = path.isEmpty() ? QByteArray() : etagOf(path);
    if (etag.isEmpty())
        return {};
    return kPrefix + QUrl::toPercentEncoding(relative, "/") + "?vsn=" + etag.left(12);
}

HttpResponse StaticFiles::respond(const HttpRequest &request)
{
    const QString path = resolve(request.path.mid(qsizetype(qstrlen(kPrefix))));
    if (path.isEmpty())
        return HttpResponse::errorPage(404, u"no such file"_s);
    HttpHeaders headers{{"Cache-Control", request.query.hasQueryItem(u"vsn"_s)
                                              ? "public, max-age=31536000, immutable"
                                              : "public, max-age=0, must-revalidate"}};
    const QByteArray known = etagOf(path);
    if (known.isEmpty()) // too large, or unreadable
        return HttpResponse::errorPage(404, u"no such file"_s);
    if (request.header("if-none-match") == '"' + known + '"') {
        headers.append({"ETag", '"' + known + '"'});
        return {304, {}, {}, headers};
    }
    QByteArray body;
    const QByteArray etag = etagOf(path, &body);
    if (etag.isEmpty())
        return HttpResponse::errorPage(404, u"no such file"_s);
    headers.append({"ETag", '"' + etag + '"'});
    return {200, contentType(path), body, headers};
}

} // namespace LiveActor
