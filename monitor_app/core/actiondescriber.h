#pragma once

#include "monitor_app/core/actorrecord.h"
#include "monitor_app/core/instanceconnection.h"

#include <QString>

namespace LiveActor::Monitor {

/// The text of the confirmation shown before an operator action: what will happen to the actor
/// and what its supervisor will do next. Stateless.
class ActionDescriber
{
public:
    /// parent may be null (top-level actor).
    static QString title(InstanceConnection::Action action, const ActorRecord &actor);
    static QString confirmation(InstanceConnection::Action action, const ActorRecord &actor,
                                const ActorRecord *parent);
    static QString actionName(InstanceConnection::Action action);
};

} // namespace LiveActor::Monitor
