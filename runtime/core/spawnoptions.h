#pragma once

#include "core/actorref.h"

#include <QString>
#include <QVariantMap>

namespace LiveActor {

/// How to spawn an actor (ActorSystem::spawn, Actor::spawn, ChildSpec::options).
/// Plain value type; designated initialisers read well: `{.kind = u"view"_s, .capacity = 50}`.
struct SpawnOptions
{
    /// Free-form kind shown in the registry and the monitor: "session", "view", "supervisor", …
    QString kind = QStringLiteral("actor");
    /// Optional human-readable name (registry/monitor only; need not be unique).
    QString name;
    /// Normal-lane mailbox bound (the protocol's contract: session 100, view 50, component 20).
    int capacity = 1024;
    /// Executor index; -1 = the parent's executor, or round-robin for an actor without parent.
    int executor = -1;
    /// Parent in the actor tree (null = top level). Actor::spawn() sets it to the spawning actor.
    ActorRef parent;
    /// Link child and parent (Erlang spawn_link): an abnormal exit of one reaches the other as an
    /// ExitSignal (trapExit) or makes it exit too. Unlinked children are still stopped with their
    /// parent and still appear under it in the registry.
    bool linkToParent = true;
    /// Initial registry detail map (e.g. {"path": "/", "peer": "127.0.0.1:5123"}).
    QVariantMap detail;
};

} // namespace LiveActor
