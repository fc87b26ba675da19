#pragma once

#include "core/actor.h"
#include "nativeview_p.h"

#include <memory>
#include <vector>

namespace LiveActor {

/// The in-process stand-in for a browser session: the parent of that session's
/// InProcessViewActors (NativeMount asks spawn them), so shutting it down stops its views, and the
/// target of pings. Restarts like the server's SessionActor — a crashed or killed view comes back
/// as the same actor (same id, next incarnation; spawnRestartable) — but at once, where the
/// server waits for the browser's rejoin; after restartLimit restarts the view stays down
/// (gaveUp). Kind "session", mailbox 100. Thread affinity: its executor.
class InProcessSessionActor final : public Actor
{
protected:
    Result<void> started() override;
    Result<void> handle(Message &message) override;

private:
    void viewExited(const ActorRef &ref, const ExitReason &reason);
    ActorRef spawnView(const std::shared_ptr<NativeViewShared> &view, const QUuid &id, quint32 incarnation);

    std::vector<std::shared_ptr<NativeViewShared>> m_views;
};

} // namespace LiveActor
