#include "liveview/viewrunner.h"

#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace LiveActor {

QJsonObject Navigation::toJson() const
{
    return {{u"to"_s, to}, {u"kind"_s, replace ? u"replace"_s : u"push"_s}};
}

QJsonObject ViewEffects::toJson() const
{
    QJsonObject out;
    if (title)
        out.insert(u"title"_s, *title);
    if (!events.isEmpty())
        out.insert(u"events"_s, events);
    if (patch)
        out.insert(u"patch"_s, patch->toJson());
    if (navigate)
        out.insert(u"navigate"_s, navigate->toJson());
    if (redirect)
        out.insert(u"redirect"_s, *redirect);
    return out;
}

QJsonObject mergedParams(const QUrl &url, const QJsonObject &pathParams)
{
    QJsonObject params;
    const QUrlQuery query(url);
    for (const auto &item : query.queryItems(QUrl::FullyDecoded))
        params.insert(item.first, item.second);
    for (auto it = pathParams.begin(); it != pathParams.end(); ++it)
        params.insert(it.key(), it.value());
    return params;
}

ViewRunner::ViewRunner(ViewHost &host, const Router &router, Router::Match route, QUrl url)
    : m_host(host), m_router(router), m_route(std::move(route)), m_url(std::move(url))
{
}

ViewRunner::~ViewRunner() = default;

Result<ViewUpdate> ViewRunner::mount(const QJsonObject &session, Output output)
{
    auto handler = m_route.factory();
    if (!handler)
        return fail(handler.error());
    m_handler = std::move(*handler);
    m_effects = {};
    const QJsonObject params = mergedParams(m_url, m_route.params);
    if (auto r = m_handler->mount(params, session, *this); !r)
        return fail(r.error());
    m_template = m_handler->viewTemplate();
    if (m_template.isNull())
        return fail(ErrorCode::InvalidArgument, u"the view has no template after mount"_s);
    if (m_effects.leaves())
        return ViewUpdate{std::nullopt, std::exchange(m_effects, {})};
    if (auto r = m_handler->handleParams(params, m_url, *this); !r)
        return fail(r.error());
    if (!m_host.isConnected() && m_effects.patch) // the dead render answers with a redirect
        return ViewUpdate{std::nullopt, std::exchange(m_effects, {})};
    if (auto r = applyPatches(); !r)
        return fail(r.error());
    if (m_effects.leaves())
        return ViewUpdate{std::nullopt, std::exchange(m_effects, {})};
    auto out = render(output, true);
    if (!out)
        return fail(out.error());
    return ViewUpdate{std::move(*out), std::exchange(m_effects, {})};
}

Result<ViewUpdate> ViewRunner::event(const QString &name, const QJsonObject &value)
{
    m_effects = {};
    if (auto r = m_handler->handleEvent(name, value, *this); !r)
        return fail(r.error());
    return finish();
}

Result<ViewUpdate> ViewRunner::info(const ViewInfo &info)
{
    m_effects = {};
    if (auto r = m_handler->handleInfo(info, *this); !r)
        return fail(r.error());
    return finish();
}

Result<std::optional<ViewUpdate>> ViewRunner::patch(const QUrl &url)
{
    auto route = m_router.match(url.path());
    if (!route || route->pattern != m_route.pattern)
        return std::optional<ViewUpdate>();
    setUrl(url);
    m_effects = {};
    if (auto r = m_handler->handleParams(mergedParams(url, route->params), m_url, *this); !r)
        return fail(r.error());
    auto out = finish();
    if (!out)
        return fail(out.error());
    return std::optional<ViewUpdate>(std::move(*out));
}

Result<ViewUpdate> ViewRunner::finish()
{
    if (!m_effects.leaves()) {
        if (auto r = applyPatches(); !r)
            return fail(r.error());
    }
    if (m_effects.leaves())
        return ViewUpdate{std::nullopt, std::exchange(m_effects, {})};
    auto diff = render(Output::Tree, false);
    if (!diff)
        return fail(diff.error());
    return ViewUpdate{std::move(*diff), std::exchange(m_effects, {})};
}

Result<void> ViewRunner::applyPatches()
{
    std::optional<Navigation> last;
    for (int hop = 0; hop < 8 && m_effects.patch; ++hop) {
        const Navigation patch = *std::exchange(m_effects.patch, std::nullopt);
        const QUrl target = m_url.resolved(QUrl(patch.to));
        auto route = m_router.match(target.path());
        if (!route || route->pattern != m_route.pattern) {
            m_effects.navigate = patch; // another view serves it: live navigation instead
            return {};
        }
        setUrl(target);
        last = patch;
        if (auto r = m_handler->handleParams(mergedParams(target, route->params), m_url, *this); !r)
            return r;
    }
    m_effects.patch = last;
    return {};
}

Result<QByteArray> ViewRunner::render(Output output, bool full)
{
    auto assigns = m_handler->assigns();
    if (!assigns)
        return fail(assigns.error());
    TemplateContext ctx(*assigns);
    if (output == Output::Html) {
        auto html = m_template.renderHtml(ctx);
        if (!html)
            return fail(ErrorCode::Crashed, u"template: "_s + html.error().toString());
        return *html;
    }
    const auto changed = m_handler->changedAssigns();
    auto tree = (full || m_last.isNull() || !changed) ? m_template.render(ctx)
                                                      : m_template.render(ctx, m_last, *changed);
    if (!tree)
        return fail(ErrorCode::Crashed, u"template: "_s + tree.error().toString());
    QByteArray out = full ? tree->toJson() : RenderedTree::diff(m_last, *tree);
    m_last = std::move(*tree);
    return out;
}

Result<ValueMap> ViewRunner::inspectAssigns() const
{
    if (!m_handler)
        return fail(ErrorCode::Closed, u"the view is not mounted"_s);
    return m_handler->inspectAssigns();
}

void ViewRunner::setUrl(const QUrl &url)
{
    m_url = url;
    m_host.urlChanged(m_url);
}

// ---- ViewContext

void ViewRunner::pushEvent(const QString &name, const QJsonValue &payload)
{
    m_effects.events.append(QJsonArray{name, payload});
}

void ViewRunner::pushPatch(const QString &to, bool replace)
{
    m_effects.patch = Navigation{to, replace};
}

void ViewRunner::pushNavigate(const QString &to, bool replace)
{
    m_effects.navigate = Navigation{to, replace};
}

void ViewRunner::redirect(const QString &to)
{
    m_effects.redirect = to;
}

void ViewRunner::setTitle(const QString &title)
{
    m_effects.title = title;
}

} // namespace LiveActor
