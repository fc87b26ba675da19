#include "liveview/deadrender.h"

#include "liveview/clientassets.h"
#include "liveview/flash.h"
#include "liveview/httprequest.h"
#include "liveview/logging.h"
#include "liveview/pageshell.h"
#include "liveview/serverstate_p.h"
#include "liveview/viewrunner.h"

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace {

/// No socket yet: nothing outlives the render.
class DeadViewHost final : public ViewHost
{
public:
    DeadViewHost(QString topic, const TokenSigner &signer) : m_topic(std::move(topic)), m_signer(signer) { }
    QString viewId() const override { return {}; }
    QString topic() const override { return m_topic; }
    bool isConnected() const override { return false; }
    Result<void> subscribe(const QString &topic) override
    {
        if (topic.isEmpty())
            return fail(ErrorCode::InvalidArgument, u"empty pub/sub topic"_s);
        return {};
    }
    void unsubscribe(const QString &) override { }
    int broadcast(const QString &, const QVariant &) override { return 0; }
    quint64 sendAfter(std::chrono::milliseconds, const ViewInfo &) override { return 0; }
    bool cancelTimer(quint64) override { return false; }
    Result<QByteArray> signChildToken(const QJsonObject &claims) override { return m_signer.sign(claims); }

private:
    QString m_topic;
    const TokenSigner &m_signer;
};

/// "phx-" + 16 url-safe base64 characters: the page's container id, and its topic "lv:phx-…".
QString newContainerId()
{
    return u"phx-"_s + QString::fromLatin1(TokenSigner::randomToken(12));
}

/// A dead render that failed: logged; the page is the generic 500, or in development the error
/// itself (pageshell.h's overlay).
HttpResponse failedPage(const ServerState &state, const HttpRequest &request, const Error &error)
{
    qCWarning(lcHttp).noquote() << "dead render of" << request.path << "failed:" << error.toString();
    if (state.config.debugErrors)
        return devErrorPage(u"Error rendering "_s + request.path, error.message);
    return HttpResponse::errorPage(500, u"The page could not be rendered."_s);
}

} // namespace

HttpResponse renderPage(const ServerState &state, const HttpRequest &request, const QJsonObject &session)
{
    auto route = state.router.match(request.path);
    if (!route)
        return HttpResponse::errorPage(404, u"No page at "_s + request.path);
    const QString id = newContainerId();
    QUrl url;
    url.setScheme(u"http"_s);
    url.setAuthority(QString::fromUtf8(request.header("host")));
    url.setPath(request.path);
    url.setQuery(request.query);

    // A full redirect's flash (the __phoenix_flash__ cookie) is shown once: read and deleted.
    const QByteArray flashCookie = Flash::fromCookieHeader(request.header("cookie"));
    const QJsonObject flash = Flash::verify(*state.flashSigner, flashCookie);

    DeadViewHost host(u"lv:"_s + id, *state.signer);
    const QString pattern = route->pattern;
    ViewRunner runner(host, state.router, std::move(*route), url);
    auto update = runner.mount(session, ViewRunner::Output::Html, flash);
    if (!update)
        return failedPage(state, request, update.error());
    const ViewEffects &effects = update->effects;
    if (!update->rendered) {
        const QString to = effects.redirect ? *effects.redirect
                         : effects.navigate ? effects.navigate->to
                                            : effects.patch->to;
        HttpHeaders headers{{"Cache-Control", "no-store"}, {"Location", to.toUtf8()}};
        if (!effects.flash.isEmpty())
            headers.append({"Set-Cookie", Flash::setCookie(Flash::sign(*state.flashSigner, effects.flash))});
        else if (!flashCookie.isEmpty())
            headers.append({"Set-Cookie", Flash::deleteCookie()});
        return {302, {}, {}, headers};
    }

    const QByteArray csrf = TokenSigner::randomToken(24);
    QJsonObject claims{{u"id"_s, id}, {u"csrf"_s, QString::fromLatin1(csrf)}, {u"view"_s, pattern}, {u"s"_s, session}};
    if (!flash.isEmpty()) // the connected mount shows it too (the page's first join only)
        claims.insert(u"f"_s, flash);
    const QByteArray token = state.signer->sign(claims);
    PageParts parts{id, {}, csrf, effects.title.value_or(QString())};
    parts.container = "<div id=\"" + id.toUtf8() + "\" data-phx-main data-phx-session=\"" + token
        + "\" data-phx-static=\"\">" + *update->rendered + "</div>";
    auto layout = runner.pageLayout();
    if (!layout)
        return failedPage(state, request, layout.error());
    auto page = layout->isNull() ? Result<QByteArray>(defaultPage(state, parts)) : layoutPage(state, *layout, parts);
    if (!page)
        return failedPage(state, request, page.error());
    const QByteArray out = std::move(*page);
    HttpHeaders headers{{"Cache-Control", "no-store"}, {"X-Frame-Options", "DENY"}};
    if (!flashCookie.isEmpty())
        headers.append({"Set-Cookie", Flash::deleteCookie()});
    if (!state.config.contentSecurityPolicy.isEmpty())
        headers.append({"Content-Security-Policy", state.config.contentSecurityPolicy.toUtf8()});
    return {200, "text/html; charset=utf-8", out, headers};
}

} // namespace LiveActor
