#include "inprocessviewactor.h"

#include "python/gilguard.h"
#include "python/pyconvert.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <pybind11/pybind11.h>

namespace py = pybind11;
using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcNative, "liveactor.native")

namespace LiveActor {

py::object toPython(const NativeReply &reply)
{
    py::dict d;
    d["diff"] = py::module_::import("json").attr("loads")(py::bytes(reply.diff.toStdString()));
    d["html"] = py::str(reply.html.toStdString());
    d["effects"] = PyConvert::fromJson(reply.effects);
    return d;
}

InProcessViewActor::InProcessViewActor(std::shared_ptr<NativeViewShared> shared)
    : ViewActorBase(shared->pubsub, shared->suspendTimeout), m_shared(std::move(shared))
{
}

Result<void> InProcessViewActor::started()
{
    setDetail(u"path"_s, m_shared->url.path());
    m_runner = std::make_unique<ViewRunner>(static_cast<ViewHost &>(*this), *m_shared->router, m_shared->route,
                                            m_shared->url);
    return step(m_runner->mount(m_shared->session, ViewRunner::Output::Tree, std::exchange(m_shared->flash, {})),
                [this](Result<ViewUpdate> update) {
                    if (!update)
                        return crashed(update.error());
                    std::lock_guard lock(m_shared->mutex); // mount's redirect or title: Python asks for them
                    m_shared->mountEffects = update->effects.toJson();
                    return Result<void>();
                });
}

Result<void> InProcessViewActor::crashed(const Error &error)
{
    std::lock_guard lock(m_shared->mutex);
    m_shared->lastCrash = error.message;
    return fail(error);
}

Result<void> InProcessViewActor::answer(const std::function<Result<ViewUpdate>()> &runStep, const QString &livePatch)
{
    PendingReply pending = takeReply();
    return step(runStep(), [this, livePatch, pending = std::move(pending)](Result<ViewUpdate> update) mutable -> Result<void> {
        if (!update)
            return crashed(update.error()); // the ask fails with Crashed
        if (update->status == ViewUpdate::Status::Refused) { // no handler: the view goes on
            pending.fail(Error{ErrorCode::NotFound, update->reason});
            return {};
        }
        NativeReply out = toReply(*update);
        if (update->status == ViewUpdate::Status::OtherView) // the client navigates instead
            out.effects.insert(u"navigate"_s, Navigation{livePatch, false}.toJson());
        pending.reply(std::move(out));
        return {};
    });
}

NativeReply InProcessViewActor::toReply(const ViewUpdate &update) const
{
    return {update.rendered.value_or("{}"), m_runner->html(), update.effects.toJson()};
}

Result<void> InProcessViewActor::handle(Message &message)
{
    if (auto *ev = message.as<NativeEvent>()) {
        if (ev->cid && !m_runner->hasComponent(ev->cid)) { // bad input, not a crash
            takeReply().fail(Error{ErrorCode::InvalidArgument,
                                   u"no component with cid %1 in this view (unknown, or already destroyed)"_s.arg(ev->cid)});
            return {};
        }
        return answer([&] {
            return ev->cid ? m_runner->componentEvent(ev->cid, ev->event, ev->value) : m_runner->event(ev->event, ev->value);
        });
    }
    if (auto *patch = message.as<NativeLivePatch>()) // the path was checked by the module
        return answer([&] { return m_runner->patch(QUrl(u"http://localhost"_s + patch->path)); }, patch->path);
    if (message.is<NativeRender>()) {
        // The whole tree as the client would get it on join, plus the HTML.
        reply(NativeReply{m_runner->fullJson(), m_runner->html(), {}});
        return {};
    }
    if (auto *c = message.as<NativeComponents>()) {
        auto cids = componentIds(c->payload);
        if (!cids) {
            takeReply().fail(cids.error());
            return {};
        }
        QJsonArray freed;
        if (c->destroy) {
            for (int cid : m_runner->destroyComponents(*cids))
                freed.append(cid);
        } else {
            m_runner->markComponentsForDeletion(*cids);
        }
        const QByteArray body = QJsonDocument(QJsonObject{{u"cids"_s, freed}}).toJson(QJsonDocument::Compact);
        reply(NativeReply{body, m_runner->html(), {}});
        return {};
    }
    if (auto *info = message.as<ViewInfo>()) {
        if (isBusy()) {
            deferInfo(*info);
            return {};
        }
        return step(m_runner->info(*info), [this](Result<ViewUpdate> update) -> Result<void> {
            if (!update)
                return crashed(update.error());
            NativeReply out = toReply(*update);
            if (out.diff != "{}" || !out.effects.isEmpty())
                deliverPush(out);
            return {};
        });
    }
    if (handleBase(message))
        return {};
    return fail(ErrorCode::InvalidArgument, u"view: unexpected message "_s + QString::fromLatin1(message.typeName()));
}

void InProcessViewActor::deliverPush(const NativeReply &out)
{
    GilGuard gil;
    PyObject *cb = m_shared->onPush.get();
    if (!cb || cb == Py_None)
        return;
    try {
        py::handle callback(cb);
        callback(m_shared->key.toStdString(), toPython(out));
    } catch (py::error_already_set &e) {
        qCWarning(lcNative) << "push callback raised:" << e.what();
    }
}

} // namespace LiveActor
