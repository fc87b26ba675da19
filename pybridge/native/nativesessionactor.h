#pragma once

#include "core/actor.h"

namespace LiveActor {

/// The in-process stand-in for a browser session (djust's "session actor"): the parent of that
/// session's NativeViewActors, so shutting it down stops its views, and the target of pings.
/// Views are spawned by liveactor._native directly under it (ActorSystem::spawn with this as
/// parent, not linked) and restart themselves after a crash. Kind "session", mailbox 100.
/// Thread affinity: its executor; it handles no normal messages of its own.
class NativeSessionActor final : public Actor
{
protected:
    Result<void> handle(Message &message) override;
};

} // namespace LiveActor
