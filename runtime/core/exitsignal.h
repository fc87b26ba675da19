#pragma once

#include "core/actorref.h"
#include "core/exitreason.h"

namespace LiveActor {

/// Delivered to a linked actor that traps exits (Actor::setTrapExit(true)) when the other end of
/// the link exits — for any reason, normal ones included. Comes through the system lane, never
/// dropped. Without trapExit, an abnormal exit makes the linked actor exit too (reason Linked)
/// and normal exits are ignored. Supervisors trap exits; so should a session that wants to
/// survive its views' crashes (or it can monitor them instead).
struct ExitSignal
{
    ActorRef from;
    ExitReason reason;
};

/// Delivered to a watcher when a monitored actor exits (Actor::monitor()). One-shot, one-way,
/// any reason; reason NoProc if the actor was already gone when monitor() was called.
/// Comes through the system lane, never dropped.
struct Down
{
    ActorRef actor;
    ExitReason reason;
};

} // namespace LiveActor
