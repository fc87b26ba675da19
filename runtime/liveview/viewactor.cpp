#include "liveview/viewactor.h"

#include "liveview/formdecoder.h"
#include "liveview/logging.h"

#include <QJsonDocument>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace {
QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}
Error templateError(const TemplateError &e)
{
    return Error{ErrorCode::Crashed, u"template: "_s + e.toString()};
}
} // namespace

ViewActor::ViewActor(ViewSetup setup) : m_setup(std::move(setup)), m_url(m_setup.url) { }

ViewActor::~ViewActor() = default;

QString ViewActor::viewId() const
{
    return self().id().toString(QUuid::WithoutBraces);
}

QUrl ViewActor::resolve(const QString &to) const
{
    return m_url.resolved(QUrl(to));
}

void ViewActor::reply(const ChannelMessage &request, const QString &status, const QByteArray &response)
{
    m_setup.writer->send(ChannelMessage::replyRaw(request, status, response));
}

void ViewActor::push(const QString &event, const QByteArray &payload)
{
    m_setup.writer->send(ChannelMessage::encodeRaw(m_setup.slot->joinRef, std::nullopt, m_setup.slot->topic,
                                                   event, payload));
}

Result<void> ViewActor::started()
{
    m_setup.state->counters.activeViews.fetch_add(1);
    m_counted = true;
    setDetail(u"topic"_s, m_setup.slot->topic);
    setDetail(u"path"_s, m_url.path());
    setDetail(u"route"_s, m_setup.route.pattern);

    auto fail_join = [this](const Error &e) -> Result<void> {
        qCWarning(lcLiveView) << "view" << m_setup.slot->topic << "mount failed:" << e.toString();
        reply(m_setup.join, u"error"_s, R"({"reason":"join crashed"})");
        return fail(e);
    };
    auto handler = m_setup.route.factory();
    if (!handler)
        return fail_join(handler.error());
    m_handler = std::move(*handler);
    if (auto r = m_handler->mount(m_setup.params, m_setup.session, *this); !r)
        return fail_join(r.error());
    m_template = m_handler->viewTemplate();
    if (m_template.isNull())
        return fail_join(Error{ErrorCode::InvalidArgument, u"the view has no template after mount"_s});

    // Navigation during mount: answered on the join, as Phoenix does.
    if (m_effects.redirect) {
        reply(m_setup.join, u"error"_s, json({{u"redirect"_s, QJsonObject{{u"to"_s, *m_effects.redirect}}}}));
        stop();
        return {};
    }
    if (m_effects.navigate) {
        reply(m_setup.join, u"error"_s,
              json({{u"live_redirect"_s, QJsonObject{{u"to"_s, m_effects.navigate->first},
                                                     {u"kind"_s, m_effects.navigate->second ? u"replace"_s : u"push"_s}}}}));
        stop();
        return {};
    }
    if (auto r = m_handler->handleParams(m_setup.params, m_url, *this); !r)
        return fail_join(r.error());
    if (auto r = applyPatch(); !r)
        return fail_join(r.error());
    auto rendered = render(true);
    if (!rendered)
        return fail_join(rendered.error());
    QJsonObject nav = navigationMembers();
    QByteArray response = "{\"rendered\":" + spliceMembers(*rendered, extraMembers())
        + ",\"liveview_version\":\"" + kLiveViewVersion + '"';
    for (auto it = nav.begin(); it != nav.end(); ++it)
        response += ",\"" + it.key().toUtf8() + "\":" + QJsonDocument(it.value().toObject()).toJson(QJsonDocument::Compact);
    response += '}';
    m_effects = {};
    reply(m_setup.join, u"ok"_s, response);
    m_setup.slot->joined = true;
    m_setup.state->counters.joins.fetch_add(1);
    qCDebug(lcLiveView) << "joined" << m_setup.slot->topic << "as view" << viewId();
    return {};
}

Result<void> ViewActor::handle(Message &message)
{
    if (auto *push = message.as<ClientPush>()) {
        const ChannelMessage &m = push->message;
        if (m.event == u"event")
            return handleEvent(m);
        if (m.event == u"live_patch")
            return handleLivePatch(m);
        // cids_will_destroy / cids_destroyed (no components yet) and anything else: acknowledge,
        // since the client reloads the page after 30 s without a reply.
        reply(m, u"ok"_s, "{}");
        return {};
    }
    if (auto *info = message.as<ViewInfo>())
        return handleInfo(*info);
    if (auto *inspect = message.as<InspectAssigns>()) {
        Actor::reply(Message(inspectAssigns(inspect->maxBytes)));
        return {};
    }
    return fail(ErrorCode::InvalidArgument, u"view: unexpected message "_s + QLatin1StringView(message.typeName()));
}

Result<void> ViewActor::handleEvent(const ChannelMessage &m)
{
    m_setup.state->counters.events.fetch_add(1);
    auto crash = [&](const Error &e) -> Result<void> {
        reply(m, u"error"_s, R"({"reason":"crash"})");
        return fail(e);
    };
    const QString name = m.payload.value(u"event").toString();
    if (name.isEmpty()) {
        reply(m, u"error"_s, R"({"reason":"event without a name"})");
        return {};
    }
    auto value = FormDecoder::decodeFormEvent(m.payload);
    if (!value) {
        // Bad input from the client is not a crash of the view.
        reply(m, u"error"_s, json({{u"reason"_s, value.error().message}}));
        return {};
    }
    m_effects = {};
    if (auto r = m_handler->handleEvent(name, *value, *this); !r)
        return crash(r.error());
    if (m_effects.redirect) {
        reply(m, u"ok"_s, json({{u"redirect"_s, QJsonObject{{u"to"_s, *m_effects.redirect}}}}));
        m_effects = {};
        return {};
    }
    if (auto r = applyPatch(); !r)
        return crash(r.error());
    auto diff = render(false);
    if (!diff)
        return crash(diff.error());
    const QByteArray withExtras = spliceMembers(*diff, extraMembers());
    QJsonObject nav = navigationMembers();
    QByteArray response = "{";
    bool first = true;
    if (withExtras != "{}") {
        response += "\"diff\":" + withExtras;
        first = false;
    }
    for (auto it = nav.begin(); it != nav.end(); ++it) {
        if (!first)
            response += ',';
        first = false;
        response += '"' + it.key().toUtf8() + "\":" + QJsonDocument(it.value().toObject()).toJson(QJsonDocument::Compact);
    }
    response += '}';
    m_effects = {};
    reply(m, u"ok"_s, response);
    return {};
}

Result<void> ViewActor::handleLivePatch(const ChannelMessage &m)
{
    const QUrl url(m.payload.value(u"url").toString());
    if (!url.isValid() || url.path().isEmpty()) {
        reply(m, u"error"_s, R"({"reason":"live_patch without a valid url"})");
        return {};
    }
    auto route = m_setup.state->router.match(url.path());
    if (!route || route->pattern != m_setup.route.pattern) {
        reply(m, u"ok"_s, R"({"link_redirect":true})");
        return {};
    }
    m_url = url;
    setDetail(u"path"_s, m_url.path());
    m_effects = {};
    if (auto r = m_handler->handleParams(mergedParams(url, route->params), m_url, *this); !r) {
        reply(m, u"error"_s, R"({"reason":"crash"})");
        return fail(r.error());
    }
    if (auto r = applyPatch(); !r)
        return fail(r.error());
    auto diff = render(false);
    if (!diff)
        return fail(diff.error());
    const QByteArray withExtras = spliceMembers(*diff, extraMembers());
    m_effects = {};
    reply(m, u"ok"_s, withExtras == "{}" ? QByteArray("{}") : "{\"diff\":" + withExtras + '}');
    return {};
}

Result<void> ViewActor::handleInfo(const ViewInfo &info)
{
    m_effects = {};
    if (auto r = m_handler->handleInfo(info, *this); !r)
        return r;
    if (m_effects.redirect) {
        push(u"redirect"_s, json({{u"to"_s, *m_effects.redirect}}));
        m_effects = {};
        return {};
    }
    if (m_effects.navigate) {
        push(u"live_redirect"_s, json({{u"to"_s, m_effects.navigate->first},
                                       {u"kind"_s, m_effects.navigate->second ? u"replace"_s : u"push"_s}}));
        m_effects = {};
        return {};
    }
    if (auto r = applyPatch(); !r)
        return r;
    const auto patch = m_effects.patch;
    auto diff = render(false);
    if (!diff)
        return fail(diff.error());
    const QByteArray withExtras = spliceMembers(*diff, extraMembers());
    m_effects = {};
    if (withExtras != "{}")
        push(u"diff"_s, withExtras);
    if (patch)
        push(u"live_patch"_s, json({{u"to"_s, patch->first}, {u"kind"_s, patch->second ? u"replace"_s : u"push"_s}}));
    return {};
}

Result<void> ViewActor::applyPatch()
{
    // A push_patch runs handleParams for the new URL before the render; a handleParams that
    // patches again is followed (at most 8 hops). The last patch is reported to the client.
    std::optional<std::pair<QString, bool>> last;
    for (int hop = 0; hop < 8 && m_effects.patch; ++hop) {
        const auto patch = *m_effects.patch;
        m_effects.patch.reset();
        const QUrl target = resolve(patch.first);
        auto route = m_setup.state->router.match(target.path());
        if (!route || route->pattern != m_setup.route.pattern) {
            m_effects.navigate = patch; // another view: live navigation instead
            return {};
        }
        m_url = target;
        last = patch;
        setDetail(u"path"_s, m_url.path());
        if (auto r = m_handler->handleParams(mergedParams(target, route->params), m_url, *this); !r)
            return r;
    }
    m_effects.patch = last;
    return {};
}

Result<QByteArray> ViewActor::render(bool full)
{
    auto assigns = m_handler->assigns();
    if (!assigns)
        return fail(assigns.error());
    TemplateContext ctx(*assigns);
    const auto changed = m_handler->changedAssigns();
    auto tree = (full || m_last.isNull() || !changed) ? m_template.render(ctx)
                                                      : m_template.render(ctx, m_last, *changed);
    if (!tree)
        return fail(templateError(tree.error()));
    QByteArray out = full ? tree->toJson() : RenderedTree::diff(m_last, *tree);
    m_last = *tree;
    return out;
}

QByteArray ViewActor::extraMembers() const
{
    QByteArray out;
    if (m_effects.title) {
        out += "\"t\":" + QJsonDocument(QJsonArray{*m_effects.title}).toJson(QJsonDocument::Compact).sliced(1).chopped(1);
    }
    if (!m_effects.events.isEmpty()) {
        if (!out.isEmpty())
            out += ',';
        out += "\"e\":" + QJsonDocument(m_effects.events).toJson(QJsonDocument::Compact);
    }
    return out;
}

QJsonObject ViewActor::navigationMembers() const
{
    QJsonObject out;
    if (m_effects.patch)
        out.insert(u"live_patch"_s, QJsonObject{{u"to"_s, m_effects.patch->first},
                                               {u"kind"_s, m_effects.patch->second ? u"replace"_s : u"push"_s}});
    if (m_effects.navigate)
        out.insert(u"live_redirect"_s, QJsonObject{{u"to"_s, m_effects.navigate->first},
                                                  {u"kind"_s, m_effects.navigate->second ? u"replace"_s : u"push"_s}});
    return out;
}

Result<QString> ViewActor::inspectAssigns(int maxBytes) const
{
    if (!m_handler)
        return fail(ErrorCode::Closed, u"the view is not mounted"_s);
    auto assigns = m_handler->inspectAssigns();
    if (!assigns)
        return fail(assigns.error());
    QJsonObject object;
    for (qsizetype i = 0; i < assigns->size(); ++i)
        object.insert(assigns->keys().at(i), assigns->values().at(i).toJson());
    QString text = QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented));
    if (maxBytes > 0 && text.size() > maxBytes)
        text = text.left(maxBytes) + u"\n… (cut at %1 characters of %2)"_s.arg(maxBytes).arg(text.size());
    return text;
}

void ViewActor::stopping(const ExitReason &reason)
{
    m_setup.state->pubsub.unsubscribeAll(self());
    if (m_counted)
        m_setup.state->counters.activeViews.fetch_sub(1);
    if (reason.isAbnormal()) {
        setDetail(u"lastError"_s, reason.toString());
        // A Python handler's error ends with its formatted traceback (pythonError()); the monitor
        // shows it with the restart. A crash without one clears an older crash's.
        const qsizetype tb = reason.message.indexOf(u"Traceback (most recent call last):");
        setDetail(u"traceback"_s, tb < 0 ? QVariant() : QVariant(reason.message.mid(tb)));
    }
}

// ---- ViewContext

void ViewActor::pushEvent(const QString &name, const QJsonValue &payload)
{
    m_effects.events.append(QJsonArray{name, payload});
}

void ViewActor::pushPatch(const QString &to, bool replace)
{
    m_effects.patch = std::pair{to, replace};
}

void ViewActor::pushNavigate(const QString &to, bool replace)
{
    m_effects.navigate = std::pair{to, replace};
}

void ViewActor::redirect(const QString &to)
{
    m_effects.redirect = to;
}

void ViewActor::setTitle(const QString &title)
{
    m_effects.title = title;
}

Result<void> ViewActor::subscribe(const QString &topic)
{
    if (topic.isEmpty())
        return fail(ErrorCode::InvalidArgument, u"empty pub/sub topic"_s);
    m_setup.state->pubsub.subscribe(topic, self());
    return {};
}

void ViewActor::unsubscribe(const QString &topic)
{
    m_setup.state->pubsub.unsubscribe(topic, self());
}

int ViewActor::broadcast(const QString &topic, const QVariant &payload)
{
    return m_setup.state->pubsub.broadcast(topic, payload);
}

quint64 ViewActor::sendAfter(std::chrono::milliseconds delay, const ViewInfo &info)
{
    // Through the system lane: a timer message is never Full, and dies with the view.
    return Actor::sendAfter(delay, ViewInfo(info));
}

bool ViewActor::cancelTimer(quint64 id)
{
    return Actor::cancelTimer(id);
}

} // namespace LiveActor
