#pragma once

#include "liveview/httpresponse.h"

#include <QDateTime>
#include <QHash>
#include <QString>

#include <mutex>

namespace LiveActor {

struct HttpRequest;

/// An app's own browser files — its `static/` folder — served at `/static/<path>` (GET/HEAD):
/// the JavaScript that registers hooks (`static/app.js`), stylesheets, images.
///
/// - Only regular files inside the folder: a path with a `.`/`..` or empty segment, a hidden
///   name (`.env`), a directory (no listing), a file whose real path (symlinks resolved) leaves
///   the folder, or one larger than maxFileBytes is answered 404 (the last one is logged).
/// - Every answer has an ETag (20 hex digits of the content's SHA-256, recomputed when the file's
///   size or mtime changes), and a matching If-None-Match gets 304 without reading the file.
///   A URL with `?vsn=` (what urlFor() gives pages) is cached for a year (`immutable`); without
///   it the browser revalidates each time (`max-age=0, must-revalidate`), so edits show at once.
/// - Content-Type by extension (js, mjs, css, html, json, map, svg, png, jpg, gif, webp, ico,
///   txt, woff, woff2, wasm; else application/octet-stream), with `nosniff`.
/// Files up to 256 KiB are kept in memory (16 MiB in all) and re-read when their size or mtime
/// changes — the folder may change while the server runs; larger ones are read per request.
/// Thread-safe (the table has a mutex); the server calls it on its HTTP thread.
class StaticFiles
{
public:
    /// root: the folder; if it is not a directory, nothing is served and urlFor() is empty.
    StaticFiles(const QString &root, qint64 maxFileBytes);

    bool isEnabled() const { return !m_root.isEmpty(); }
    QString root() const { return m_root; }
    /// "/static/<relative>?vsn=<ETag prefix>" for a file that would be served, else empty.
    QByteArray urlFor(const QString &relative);
    /// The answer to GET/HEAD /static/<relative> (request.path).
    HttpResponse respond(const HttpRequest &request);

private:
    struct Entry
    {
        qint64 size = -1;
        QDateTime modified;
        QByteArray etag;
        QByteArray body; ///< the content, if small enough to keep (else null)
    };
    /// The real path of relative if it may be served, else empty.
    QString resolve(const QString &relative) const;
    /// The file's ETag (cached by size and mtime), or empty when it cannot be read.
    QByteArray etagOf(const QString &path, QByteArray *content = nullptr);

    QString m_root; ///< canonical, without a trailing slash; empty: disabled
    qint64 m_maxFileBytes;
    std::mutex m_mutex;
    QHash<QString, Entry> m_entries;
    qint64 m_keptBytes = 0; ///< the bodies kept in m_entries
};

} // namespace LiveActor
