#include "inprocesssessionactor.h"

#include "core/exitsignal.h"
#include "inprocessviewactor.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_DECLARE_LOGGING_CATEGORY(lcNative)

namespace LiveActor {

Result<void> InProcessSessionActor::started()
{
    setTrapExit(true);
    return {};
}

ActorRef InProcessSessionActor::spawnView(const std::shared_ptr<NativeViewShared> &view, const QUuid &id,
                                       quint32 incarnation)
{
    std::lock_guard lock(view->mutex); // Python reads ref while the new incarnation starts
    view->ref = spawnRestartable<InProcessViewActor>(
        SpawnOptions{.kind = u"view"_s, .name = view->key, .capacity = 50, .detail = {{u"topic"_s, QVariant(u"lv:"_s + view->key)}}},
        id, incarnation, view);
    return view->ref;
}

Result<void> InProcessSessionActor::handle(Message &message)
{
    if (auto *mount = message.as<NativeMount>()) {
        ActorRef ref = spawnView(mount->view, {}, 0);
        if (ref.isNull())
            return fail(ErrorCode::Closed, u"cannot spawn the view (shutting down?)"_s);
        m_views.push_back(mount->view);
        reply(Message(ref));
        return {};
    }
    if (auto *exit = message.as<ExitSignal>()) {
        if (exit->from == parent()) {
            stop(ExitReason::shutdown(u"parent exited"_s));
            return {};
        }
        viewExited(exit->from, exit->reason);
        return {};
    }
    if (message.is<Down>())
        return {};
    return fail(ErrorCode::InvalidArgument, u"session: unexpected message "_s + QString::fromLatin1(message.typeName()));
}

void InProcessSessionActor::viewExited(const ActorRef &ref, const ExitReason &reason)
{
    auto it = std::find_if(m_views.begin(), m_views.end(), [&](const auto &v) { return v->current() == ref; });
    if (it == m_views.end())
        return;
    const std::shared_ptr<NativeViewShared> view = *it;
    bool restart = false;
    {
        std::lock_guard lock(view->mutex);
        if (reason.isAbnormal()) {
            if (view->lastCrash.isEmpty() || reason.kind == ExitReason::Kind::Killed)
                view->lastCrash = reason.toString();
            restart = view->restarts < view->restartLimit;
            if (restart)
                ++view->restarts;
            else
                view->gaveUp = true;
        }
    }
    if (!restart) {
        if (reason.isAbnormal())
            qCWarning(lcNative).noquote() << "view" << view->key << "crashed; not restarted:" << reason.toString();
        forgetChild(ref.id());
        m_views.erase(it);
        return;
    }
    qCInfo(lcNative).noquote() << "view" << view->key << "crashed; restart" << view->restarts;
    spawnView(view, ref.id(), ref.incarnation() + 1);
}

} // namespace LiveActor
