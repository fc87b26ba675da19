#pragma once

#include "monitor_app/core/actorrecord.h"
#include "monitor_app/core/instanceconnection.h"

#include <QString>

#include <functional>

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
    /// The runtime's restart preview as text: each deciding parent, what stops, what starts
    /// again, and where it escalates. name(id) labels an actor ("view /todo 1a2b3c4d").
    static QString previewText(const ::liveactor::monitor::v1::RestartPreview &preview,
                               const std::function<QString(const QString &id)> &name);
    /// The Preview command's action for a destructive action.
    static ::liveactor::monitor::v1::Preview::Action previewAction(InstanceConnection::Action action);
};

} // namespace LiveActor::Monitor
