#include "nativeviewactor.h"

#include "core/actorsystem.h"
#include "python/gilguard.h"
#include "python/pyconvert.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QUrlQuery>

#include <pybind11/pybind11.h>

namespace py = pybind11;
using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcNative, "liveactor.native")

namespace LiveActor {

NativeViewActor::NativeViewActor(std::shared_ptr<NativeViewShared> shared) : m_shared(std::move(shared))
{
    m_url = m_shared->url;
}

Result<void> NativeViewActor::started()
{
    auto handler = m_shared->factory();
    if (!handler)
        return crashed(handler.error());
    m_handler = std::move(*handler);
    if (auto r = m_handler->mount(m_shared->params, m_shared->session, *this); !r)
        return crashed(r.error());
    m_template = m_handler->viewTemplate();
    if (m_template.isNull())
        return crashed(Error{ErrorCode::InvalidArgument, u"the view has no template after mount"_s});
    if (auto r = m_handler->handleParams(m_shared->params, m_url, *this); !r)
        return crashed(r.error());
    if (auto r = render(true); !r)
        return crashed(r.error());
    return {};
}

Result<void> NativeViewActor::crashed(const Error &error)
{
    std::lock_guard lock(m_shared->mutex);
    m_shared->lastCrash = error.message;
    return fail(error);
}

Result<void> NativeViewActor::handle(Message &message)
{
    if (auto *ev = message.as<NativeEvent>()) {
        m_effects = {};
        if (auto r = m_handler->handleEvent(ev->event, ev->value, *this); !r)
            return crashed(r.error());
        if (auto r = applyPatch(); !r)
            return crashed(r.error());
        auto out = render(false);
        if (!out)
            return crashed(out.error());
        reply(std::move(*out));
        return {};
    }
    if (message.is<NativeRender>()) {
        // The whole tree as the client would get it on join, plus the HTML.
        NativeReply out{m_last.toJson(), m_last.toHtml(), {}};
        reply(std::move(out));
        return {};
    }
    if (auto *info = message.as<ViewInfo>()) {
        m_effects = {};
        if (auto r = m_handler->handleInfo(*info, *this); !r)
            return crashed(r.error());
        if (auto r = applyPatch(); !r)
            return crashed(r.error());
        auto out = render(false);
        if (!out)
            return crashed(out.error());
        if (out->diff != "{}" || !out->effects.isEmpty()) {
            GilGuard gil;
            PyObject *cb = m_shared->onPush.get();
            if (cb && cb != Py_None) {
                try {
                    py::dict payload;
                    payload["diff"] = py::module_::import("json").attr("loads")(py::bytes(out->diff.toStdString()));
                    payload["html"] = py::str(out->html.toStdString());
                    payload["effects"] = PyConvert::fromJson(out->effects);
                    py::handle callback(cb);
                    callback(m_shared->key.toStdString(), payload);
                } catch (py::error_already_set &e) {
                    qCWarning(lcNative) << "push callback raised:" << e.what();
                }
            }
        }
        return {};
    }
    return fail(ErrorCode::InvalidArgument, u"view: unexpected message "_s + QString::fromLatin1(message.typeName()));
}

Result<NativeReply> NativeViewActor::render(bool full)
{
    auto assigns = m_handler->assigns();
    if (!assigns)
        return fail(assigns.error());
    const auto changed = m_handler->changedAssigns();
    TemplateContext ctx(*assigns);
    auto tree = (full || m_last.isNull() || !changed) ? m_template.render(ctx)
                                                      : m_template.render(ctx, m_last, *changed);
    if (!tree)
        return fail(ErrorCode::Crashed, u"render: "_s + tree.error().toString());
    NativeReply out;
    out.diff = full ? tree->toJson() : RenderedTree::diff(m_last, *tree);
    out.html = tree->toHtml();
    out.effects = m_effects;
    m_last = *tree;
    return out;
}

void NativeViewActor::stopping(const ExitReason &reason)
{
    if (m_shared->pubsub)
        m_shared->pubsub->unsubscribeAll(self());
    if (reason.isNormal())
        return;
    std::lock_guard lock(m_shared->mutex);
    if (m_shared->lastCrash.isEmpty() || reason.kind == ExitReason::Kind::Killed)
        m_shared->lastCrash = reason.toString();
    if (m_shared->restarts >= m_shared->restartLimit || parent().isNull() || !parent().isAlive()) {
        m_shared->gaveUp = true;
        qCWarning(lcNative).noquote() << "view" << m_shared->key << "crashed; not restarted:" << reason.toString();
        return;
    }
    ++m_shared->restarts;
    qCInfo(lcNative).noquote() << "view" << m_shared->key << "crashed; restart" << m_shared->restarts;
    m_shared->ref = system().spawn<NativeViewActor>(
        SpawnOptions{.kind = u"view"_s, .name = m_shared->key, .capacity = 50, .executor = -1,
                     .parent = parent(), .linkToParent = false, .detail = {}},
        m_shared);
}

// ---- ViewContext: effects go into the reply (events) or the push (infos)

void NativeViewActor::pushEvent(const QString &name, const QJsonValue &payload)
{
    QJsonArray events = m_effects.value(u"events"_s).toArray();
    events.append(QJsonArray{name, payload});
    m_effects.insert(u"events"_s, events);
}

void NativeViewActor::pushPatch(const QString &to, bool replace)
{
    m_effects.insert(u"patch"_s, QJsonObject{{u"to"_s, to}, {u"kind"_s, replace ? u"replace"_s : u"push"_s}});
    m_url = m_url.resolved(QUrl(to));
    m_patchPending = true; // handle_params runs after the current handler returns
}

Result<void> NativeViewActor::applyPatch()
{
    if (!m_patchPending)
        return {};
    m_patchPending = false;
    QJsonObject params = m_shared->params;
    const QUrlQuery query(m_url);
    for (const auto &[k, v] : query.queryItems(QUrl::FullyDecoded))
        params.insert(k, v);
    return m_handler->handleParams(params, m_url, *this);
}

void NativeViewActor::pushNavigate(const QString &to, bool replace)
{
    m_effects.insert(u"navigate"_s, QJsonObject{{u"to"_s, to}, {u"kind"_s, replace ? u"replace"_s : u"push"_s}});
}

void NativeViewActor::redirect(const QString &to)
{
    m_effects.insert(u"redirect"_s, to);
}

void NativeViewActor::setTitle(const QString &title)
{
    m_effects.insert(u"title"_s, title);
}

Result<void> NativeViewActor::subscribe(const QString &topic)
{
    if (topic.isEmpty())
        return fail(ErrorCode::InvalidArgument, u"subscribe: empty topic"_s);
    if (m_shared->pubsub)
        m_shared->pubsub->subscribe(topic, self());
    return {};
}

void NativeViewActor::unsubscribe(const QString &topic)
{
    if (m_shared->pubsub)
        m_shared->pubsub->unsubscribe(topic, self());
}

int NativeViewActor::broadcast(const QString &topic, const QVariant &payload)
{
    return m_shared->pubsub ? m_shared->pubsub->broadcast(topic, payload) : 0;
}

quint64 NativeViewActor::sendAfter(std::chrono::milliseconds delay, const ViewInfo &info)
{
    return Actor::sendAfter(delay, ViewInfo(info));
}

bool NativeViewActor::cancelTimer(quint64 id)
{
    return Actor::cancelTimer(id);
}

} // namespace LiveActor
