#pragma once

#include "liveview/httpresponse.h"

#include <QHash>
#include <QString>

namespace LiveActor {

struct HttpRequest;

/// The browser side compiled into the library (Qt resources, see CMakeLists.txt): the pinned
/// phoenix.min.js and phoenix_live_view.min.js, and resources/app.js, app.css.
struct ClientAsset
{
    QByteArray body;
    QByteArray contentType;
    QByteArray etag;   ///< 20 hex digits of the body's SHA-256
};

/// name ("app.js") → asset. Loaded once, thread-safe; empty entries are logged as missing.
const QHash<QString, ClientAsset> &clientAssets();
/// true when every asset is in the build.
bool clientAssetsComplete();
/// "/assets/<name>?vsn=<etag prefix>": the URL a page uses (cache-busting).
QByteArray clientAssetUrl(const char *name);
/// GET/HEAD /assets/<name>: 200 with ETag and a year's immutable caching, 304 for a matching
/// If-None-Match, 404 for an unknown name.
HttpResponse clientAssetResponse(const HttpRequest &request);

} // namespace LiveActor
