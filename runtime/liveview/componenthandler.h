#pragma once

#include "core/result.h"
#include "liveview/viewcontext.h"
#include "template/template.h"
#include "template/value.h"

#include <QJsonObject>
#include <QSet>
#include <QString>

#include <optional>

namespace LiveActor {

/// A live component's logic (Phoenix's LiveComponent): stateful, identified within its view by a
/// cid, rendered inside the view's page. Created by ViewHandler::createComponent() when a
/// template first renders `{% live_component Name id=… %}` with a new id.
///
/// Lifecycle: mount → update(assigns) → render, then on every later render of the tag by the
/// parent (or send_update) update(assigns) → render; handleEvent for events whose `phx-target`
/// is the component (`{{ myself }}`), each followed by a render of this component only. It is
/// freed when the client has removed it from the page (`cids_destroyed`).
///
/// Threading and ownership: owned by the view's ViewRunner, called on the view's thread, one call
/// at a time. context is the view's: pushEvent, navigation and sendUpdate act for the view.
/// Callbacks cannot suspend (they run inside the view's render). Errors crash the view.
class ComponentHandler
{
public:
    virtual ~ComponentHandler() = default;

    /// The component class's full name, which identifies it with the id (sendUpdate() names it
    /// so). Default: "" (the name as written in the tag is used).
    virtual QString className() const { return {}; }

    virtual Result<void> mount(ViewContext &context) = 0;
    /// The keyword arguments of the tag (or of sendUpdate), `id` included.
    virtual Result<void> update(const ValueMap &assigns, ViewContext &context) = 0;
    virtual Result<void> handleEvent(const QString &event, const QJsonObject &value, ViewContext &context) = 0;

    /// Must be non-null after mount; its output must be exactly one element.
    virtual Template componentTemplate() const = 0;
    virtual Result<ValueMap> assigns() = 0;
    /// As ViewHandler::changedAssigns(): names changed since the last call; nullopt = unknown.
    virtual std::optional<QSet<QString>> changedAssigns() { return std::nullopt; }
    /// For the monitor, without side effects. Default: NotSupported.
    virtual Result<ValueMap> inspectAssigns() const
    {
        return fail(ErrorCode::NotSupported, QStringLiteral("this component does not expose its assigns"));
    }
};

} // namespace LiveActor
