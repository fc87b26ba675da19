#include "liveview/viewrunner.h"

#include "liveview/componenttable_p.h"
#include "liveview/logging.h"
#include "liveview/viewhistory_p.h"
#include "template/errorreport.h"

#include <QRegularExpression>
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
    if (reply)
        out.insert(u"reply"_s, *reply);
    if (!flash.isEmpty())
        out.insert(u"flash"_s, flash);
    return out;
}

TemplateResult<QByteArray> childContainer(ViewHost &host, const QString &parentTopic, const QString &view,
                                          const ValueMap &options)
{
    auto error = [&](const QString &message) {
        return std::unexpected(TemplateError{TemplateError::Kind::Render, {}, 0, 0, u"live_render "_s + view + u": "_s + message});
    };
    thread_local const QRegularExpression idRe(u"^[A-Za-z0-9_-]{1,64}$"_s);
    const Value id = options.value(u"id"_s);
    if (!id.isString() || !idRe.match(id.toString()).hasMatch())
        return error(u"id must be 1 to 64 letters, digits, '-' or '_', not "_s + id.toRepr());
    const Value session = options.value(u"session"_s);
    if (!session.isNull() && !session.map())
        return error(u"session must be a dict, not "_s + session.toRepr());
    const bool sticky = options.value(u"sticky"_s).isTruthy();
    const QString parentId = parentTopic.mid(3); // "lv:<id>"
    QJsonObject claims{{u"id"_s, id.toString()}, {u"child"_s, view},
                       {u"s"_s, session.isNull() ? QJsonObject() : session.toJson().toObject()}};
    if (sticky)
        claims.insert(u"sticky"_s, true);
    else
        claims.insert(u"parent"_s, parentId);
    auto token = host.signChildToken(claims);
    if (!token)
        return error(token.error().message);
    QByteArray out = "<div id=\"" + id.toString().toUtf8() + "\" data-phx-session=\"" + *token + "\" data-phx-static=\"\"";
    if (sticky)
        out += " data-phx-sticky";
    else
        out += " data-phx-parent-id=\"" + parentId.toUtf8() + '"';
    out += "></div>";
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

namespace {
/// A cid as the client sends it: a positive integer (a number, or a string of digits).
int parseCid(const QJsonValue &v)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        return d >= 1 && d <= 1e9 && d == double(int(d)) ? int(d) : 0;
    }
    bool ok = false;
    const int cid = v.toString().toInt(&ok);
    return ok && cid > 0 ? cid : 0;
}
} // namespace

Result<int> componentTarget(const QJsonObject &payload, const ViewRunner &runner)
{
    const QJsonValue v = payload.value(u"cid");
    if (v.isUndefined() || v.isNull())
        return 0;
    const int cid = parseCid(v);
    if (!cid)
        return fail(ErrorCode::InvalidArgument, u"event cid must be a positive integer"_s);
    if (!runner.hasComponent(cid))
        return fail(ErrorCode::InvalidArgument,
                    u"no component with cid %1 in this view (unknown, or already destroyed)"_s.arg(cid));
    return cid;
}

Result<QList<int>> componentIds(const QJsonObject &payload)
{
    const QJsonValue v = payload.value(u"cids");
    if (!v.isArray())
        return fail(ErrorCode::InvalidArgument, u"expected {\"cids\": [cid, …]}"_s);
    QList<int> cids;
    for (const QJsonValue &item : v.toArray()) {
        const int cid = parseCid(item);
        if (!cid)
            return fail(ErrorCode::InvalidArgument, u"cids must be positive integers"_s);
        cids.append(cid);
    }
    return cids;
}

ViewRunner::ViewRunner(ViewHost &host, const Router &router, Router::Match route, QUrl url)
    : m_host(host), m_router(router), m_route(std::move(route)), m_url(std::move(url)),
      m_components(std::make_unique<ComponentTable>())
{
    m_components->setUploadFiles(m_host.uploadFiles());
}

ViewRunner::~ViewRunner() = default;

template<typename Fn>
Result<bool> ViewRunner::invoke(Fn &&callback)
{
    m_suspended = false;
    if (auto r = callback(); !r)
        return fail(r.error());
    return std::exchange(m_suspended, false);
}

template<typename Fn>
Result<ViewUpdate> ViewRunner::begin(Phase then, Output output, bool full, Fn &&callback)
{
    m_effects = {};
    m_output = output;
    m_full = full;
    m_hops = 0;
    m_lastPatch.reset();
    m_phase = then;
    return after(invoke(std::forward<Fn>(callback)));
}

Result<ViewUpdate> ViewRunner::after(Result<bool> suspended)
{
    if (!suspended) {
        m_phase = Phase::Idle;
        if (m_event && suspended.error().code == ErrorCode::NotFound) // no handler: not a crash
            return ViewUpdate{ViewUpdate::Status::Refused, std::nullopt, std::exchange(m_effects, {}),
                              suspended.error().message};
        return fail(suspended.error());
    }
    if (*suspended)
        return ViewUpdate{ViewUpdate::Status::Pending, std::nullopt, {}};
    return proceed();
}

Result<ViewUpdate> ViewRunner::mount(const QJsonObject &session, Output output, QJsonObject flash,
                                     std::optional<QByteArray> record)
{
    m_flash = std::move(flash);
    m_record = std::move(record);
    auto handler = m_route.factory();
    if (!handler)
        return fail(handler.error());
    m_handler = std::move(*handler);
    m_mountParams = mergedParams(m_url, m_route.params);
    m_event = false;
    return begin(Phase::Template, output, true,
                 [&] { return m_handler->mount(m_mountParams, session, *this); });
}

Result<ViewUpdate> ViewRunner::event(const QString &name, const QJsonObject &value)
{
    m_event = true;
    if (ViewHistory *h = history())
        h->begin(u"event"_s, name, jsonText(value));
    return recorded(begin(Phase::Patches, Output::Tree, false, [&] { return m_handler->handleEvent(name, value, *this); }));
}

Result<ViewUpdate> ViewRunner::info(const ViewInfo &info)
{
    m_event = false;
    if (ViewHistory *h = history())
        h->begin(u"info"_s, info.name, jsonText(QJsonValue::fromVariant(info.payload)));
    return recorded(begin(Phase::Patches, Output::Tree, false, [&] { return m_handler->handleInfo(info, *this); }));
}

Result<ViewUpdate> ViewRunner::componentEvent(int cid, const QString &name, const QJsonObject &value)
{
    if (ViewHistory *h = history())
        h->begin(u"component_event"_s, u"%1 (cid %2)"_s.arg(name).arg(cid),
                 jsonText(value));
    return recorded(begin(Phase::Patches, Output::Tree, false,
                          [&] { return m_components->event(cid, name, value, *this); }));
}

Result<ViewUpdate> ViewRunner::patch(const QUrl &url)
{
    auto route = m_router.match(url.path());
    if (!route || route->pattern != m_route.pattern)
        return ViewUpdate{ViewUpdate::Status::OtherView, std::nullopt, {}};
    setUrl(url);
    const QJsonObject params = mergedParams(url, route->params);
    m_event = false;
    if (ViewHistory *h = history())
        h->begin(u"patch"_s, url.toString(), jsonText(params));
    return recorded(begin(Phase::Patches, Output::Tree, false, [&] { return m_handler->handleParams(params, m_url, *this); }));
}

Result<std::optional<QByteArray>> ViewRunner::persistedState()
{
    if (!m_handler)
        return std::optional<QByteArray>();
    return m_handler->persistedState();
}

Result<ViewUpdate> ViewRunner::rerender()
{
    m_event = false;
    return begin(Phase::Render, Output::Tree, false, [] { return Result<void>{}; });
}

Result<ViewUpdate> ViewRunner::resume()
{
    if (m_phase == Phase::Idle)
        return fail(ErrorCode::Internal, u"resume() without a pending step"_s);
    return recorded(after(invoke([&] { return m_handler->resume(*this); })));
}

void ViewRunner::setHistory(std::shared_ptr<HistorySink> sink)
{
    m_history.reset();
    if (!m_handler)
        return sink->close(u"the view is not mounted"_s);
    auto assigns = m_handler->inspectAssigns();
    if (!assigns)
        return sink->close(assigns.error().message);
    m_history = std::make_unique<ViewHistory>(std::move(sink), *assigns);
}

ViewHistory *ViewRunner::history()
{
    if (m_history && m_history->isClosed())
        m_history.reset(); // stopped: back to costing nothing
    return m_history.get();
}

Result<ViewUpdate> ViewRunner::recorded(Result<ViewUpdate> update)
{
    if (m_history && !(update && update->isPending()))
        m_history->finish(update, m_handler->inspectAssigns());
    return update;
}

Result<ViewUpdate> ViewRunner::proceed()
{
    auto failed = [this](const Error &e) -> Result<ViewUpdate> {
        m_phase = Phase::Idle;
        return fail(e);
    };
    for (;;) {
        switch (m_phase) {
        case Phase::Idle:
            return failed(Error{ErrorCode::Internal, u"no step in progress"_s});
        case Phase::Template: {
            m_template = m_handler->viewTemplate();
            if (m_template.isNull())
                return failed(Error{ErrorCode::InvalidArgument, u"the view has no template after mount"_s});
            if (m_effects.leaves()) { // navigation during mount: nothing is rendered
                m_phase = Phase::Render;
                continue;
            }
            // Resumed state before handle_params: the URL the client re-joins with stays the
            // truth for what it describes.
            if (m_record) {
                auto applied = m_handler->restoreState(*std::exchange(m_record, std::nullopt), *this);
                if (!applied)
                    return failed(applied.error());
                m_resumed = *applied;
            }
            m_phase = Phase::Params;
            return after(invoke([&] { return m_handler->handleParams(m_mountParams, m_url, *this); }));
        }
        case Phase::Params:
            // The dead render answers a patch with a redirect to it.
            if (!m_host.isConnected() && m_effects.patch) {
                m_phase = Phase::Idle;
                return ViewUpdate{ViewUpdate::Status::Done, std::nullopt, std::exchange(m_effects, {})};
            }
            m_phase = Phase::Patches;
            continue;
        case Phase::Patches: {
            // A push_patch runs handle_params for the new URL before the render; one that patches
            // again is followed (at most 8 hops). The last patch is reported to the client.
            if (m_effects.leaves() || !m_effects.patch || m_hops >= 8) {
                if (!m_effects.leaves())
                    m_effects.patch = m_lastPatch;
                m_phase = Phase::Render;
                continue;
            }
            const Navigation patch = *std::exchange(m_effects.patch, std::nullopt);
            const QUrl target = m_url.resolved(QUrl(patch.to));
            auto route = m_router.match(target.path());
            if (!route || route->pattern != m_route.pattern) {
                m_effects.navigate = patch; // another view serves it: live navigation instead
                m_phase = Phase::Render;
                continue;
            }
            setUrl(target);
            m_lastPatch = patch;
            ++m_hops;
            const QJsonObject params = mergedParams(target, route->params);
            return after(invoke([&] { return m_handler->handleParams(params, m_url, *this); }));
        }
        case Phase::Render: {
            m_phase = Phase::Idle;
            if (m_effects.leaves())
                return ViewUpdate{ViewUpdate::Status::Done, std::nullopt, std::exchange(m_effects, {})};
            auto out = render(m_output, m_full);
            if (!out)
                return fail(out.error());
            return ViewUpdate{ViewUpdate::Status::Done, std::move(*out), std::exchange(m_effects, {})};
        }
        }
    }
}

ViewResume ViewRunner::suspend(const QString &what)
{
    ViewResume resume = m_host.suspend(what);
    if (resume)
        m_suspended = true;
    return resume;
}

Result<QByteArray> ViewRunner::render(Output output, bool full)
{
    auto assigns = m_handler->assigns();
    if (!assigns)
        return fail(assigns.error());
    const bool uploadsChanged = m_uploads.takeDirty();
    if (!m_uploads.isEmpty())
        assigns->insert(u"uploads"_s, m_uploads.toValue());
    TemplateContext ctx(*assigns);
    m_components->beginRender();
    ctx.setComponentResolver(m_components->resolver(*m_handler, *this));
    ctx.setLiveRenderResolver([this](const QString &view, const ValueMap &options) -> TemplateResult<QByteArray> {
        const QString id = options.value(u"id"_s).toString();
        const QByteArray key = view.toUtf8() + '\n' + options.value(u"session"_s).toJsonText() + '\n'
                             + (options.value(u"sticky"_s).isTruthy() ? '1' : '0');
        if (auto it = m_childContainers.constFind(id); it != m_childContainers.cend() && it->first == key)
            return it->second;
        auto html = childContainer(m_host, m_host.topic(), view, options);
        if (html)
            m_childContainers.insert(id, {key, *html});
        return html;
    });
    if (output == Output::Html) {
        auto html = m_template.renderHtml(ctx);
        if (!html)
            return fail(ErrorCode::Crashed, u"template: "_s + describeTemplateError(html.error(), m_template.sourceFiles()));
        return *html;
    }
    auto changed = m_handler->changedAssigns();
    if (changed && uploadsChanged)
        changed->insert(u"uploads"_s);
    auto tree = (full || m_last.isNull() || !changed) ? m_template.render(ctx)
                                                      : m_template.render(ctx, m_last, *changed);
    if (!tree)
        return fail(ErrorCode::Crashed, u"template: "_s + describeTemplateError(tree.error(), m_template.sourceFiles()));
    QByteArray out = full ? tree->toJson() : RenderedTree::diff(m_last, *tree);
    m_last = std::move(*tree);
    if (auto r = renderComponents(out); !r)
        return fail(r.error());
    return out;
}

Result<void> ViewRunner::renderComponents(QByteArray &out)
{
    if (!m_components->size())
        return {};
    if (auto r = m_components->renderDirty(*m_handler, *this); !r)
        return fail(ErrorCode::Crashed, u"component: "_s + r.error().message);
    const QByteArray c = m_components->takeMessage();
    if (!c.isEmpty()) // "c" first: out is one JSON object
        out = "{\"c\":{" + c + (out == "{}" ? QByteArray("}}") : "}," + out.mid(1));
    describeComponents();
    return {};
}

void ViewRunner::describeComponents()
{
    if (m_components->generation() == m_componentsDescribed)
        return;
    m_componentsDescribed = m_components->generation();
    m_host.setStatus(u"components"_s, m_components->describe());
}

QByteArray ViewRunner::fullJson() const
{
    QByteArray out = m_last.toJson();
    const QByteArray c = m_components->fullMessage();
    if (!c.isEmpty())
        out = "{\"c\":{" + c + "}," + out.mid(1);
    return out;
}

Result<Template> ViewRunner::pageLayout() const
{
    if (!m_handler)
        return Template();
    return m_handler->pageLayout();
}

QByteArray ViewRunner::html() const
{
    return m_last.toHtml([this](int cid) { return m_components->tree(cid); });
}

Result<std::pair<UploadState *, int>> ViewRunner::uploadTarget(const QJsonObject &payload)
{
    const auto cid = componentTarget(payload, *this);
    if (!cid)
        return fail(cid.error());
    if (!*cid)
        return std::pair{&m_uploads, -1};
    return std::pair{m_components->uploadsOf(*cid), *cid};
}

Result<QJsonObject> ViewRunner::uploadPreflight(const QJsonObject &payload, const UploadTokenSigner &signer)
{
    auto target = uploadTarget(payload);
    if (!target)
        return fail(target.error());
    // tokens name the view by its topic's id ("lv:<id>"): what the session looks views up by
    return target->first->preflight(payload, signer, m_host.topic().mid(3), m_host.uploadFiles(), target->second);
}

Result<void> ViewRunner::uploadProgress(const QJsonObject &payload)
{
    auto target = uploadTarget(payload);
    if (!target)
        return fail(target.error());
    return target->first->progress(payload, m_host.uploadFiles());
}

void ViewRunner::putUploadEntries(int cid, const QJsonObject &uploads)
{
    UploadState *state = cid ? m_components->uploadsOf(cid) : &m_uploads;
    if (state)
        state->putEntries(uploads);
}

bool ViewRunner::hasComponent(int cid) const
{
    return m_components->contains(cid);
}

void ViewRunner::markComponentsForDeletion(const QList<int> &cids)
{
    m_components->markForDeletion(cids);
}

QList<int> ViewRunner::destroyComponents(const QList<int> &cids)
{
    QList<int> freed = m_components->destroy(cids);
    describeComponents();
    return freed;
}

int ViewRunner::componentCount() const
{
    return m_components->size();
}

bool ViewRunner::sendUpdate(const QString &component, const Value &id, const ValueMap &assigns)
{
    return m_components->sendUpdate(component, id, assigns);
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

void ViewRunner::replyEvent(const QJsonObject &reply)
{
    if (!m_event) {
        qCWarning(lcLiveView).noquote() << "view" << m_host.topic() << "replied outside an event: reply dropped";
        return;
    }
    m_effects.reply = reply;
}

} // namespace LiveActor
