#include "liveview/clientassets.h"

#include "liveview/httprequest.h"
#include "liveview/logging.h"

#include <QCryptographicHash>
#include <QFile>

using namespace Qt::StringLiterals;

static void initLiveViewResources()
{
    Q_INIT_RESOURCE(liveview_assets);
}

namespace LiveActor {

namespace {
constexpr std::pair<const char *, const char *> kFiles[] = {
    {"phoenix.min.js", "text/javascript; charset=utf-8"},
    {"phoenix_live_view.min.js", "text/javascript; charset=utf-8"},
    {"app.js", "text/javascript; charset=utf-8"},
    {"app.css", "text/css; charset=utf-8"},
};
} // namespace

const QHash<QString, ClientAsset> &clientAssets()
{
    static const QHash<QString, ClientAsset> table = [] {
        initLiveViewResources();
        QHash<QString, ClientAsset> t;
        for (const auto &[name, type] : kFiles) {
            QFile f(u":/liveactor/assets/"_s + QLatin1StringView(name));
            if (!f.open(QIODevice::ReadOnly)) {
                qCCritical(lcHttp) << "missing compiled-in asset" << name;
                continue;
            }
            ClientAsset a{f.readAll(), type, {}};
            a.etag = QCryptographicHash::hash(a.body, QCryptographicHash::Sha256).toHex().left(20);
            t.insert(QLatin1StringView(name), a);
        }
        return t;
    }();
    return table;
}

bool clientAssetsComplete()
{
    return clientAssets().size() == qsizetype(std::size(kFiles));
}

QByteArray clientAssetUrl(const char *name)
{
    return "/assets/" + QByteArray(name) + "?vsn=" + clientAssets().value(QLatin1StringView(name)).etag.left(12);
}

HttpResponse clientAssetResponse(const HttpRequest &request)
{
    const auto &table = clientAssets();
    auto it = table.find(request.path.mid(qsizetype(sizeof("/assets/") - 1)));
    if (it == table.end())
        return HttpResponse::errorPage(404, u"no such asset"_s);
    const QByteArray etag = '"' + it->etag + '"';
    HttpHeaders headers{{"ETag", etag}, {"Cache-Control", "public, max-age=31536000, immutable"}};
    if (request.header("if-none-match") == etag)
        return {304, {}, {}, headers};
    return {200, it->contentType, it->body, headers};
}

} // namespace LiveActor
