#include "monitor_app/core/actiondescriber.h"

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

using Action = InstanceConnection::Action;
namespace pb = ::liveactor::monitor::v1;

QString ActionDescriber::actionName(Action action)
{
    switch (action) {
    case Action::Kill: return u"Kill"_s;
    case Action::Restart: return u"Restart"_s;
    case Action::Shutdown: return u"Shutdown"_s;
    case Action::Ping: return u"Ping"_s;
    case Action::FetchAssigns: return u"Fetch assigns"_s;
    }
    return {};
}

pb::Preview::Action ActionDescriber::previewAction(Action action)
{
    switch (action) {
    case Action::Restart: return pb::Preview::RESTART;
    case Action::Shutdown: return pb::Preview::SHUTDOWN;
    default: return pb::Preview::KILL;
    }
}

QString ActionDescriber::previewText(const pb::RestartPreview &preview, const std::function<QString(const QString &)> &name)
{
    auto names = [&](const google::protobuf::RepeatedPtrField<std::string> &ids) {
        QStringList out;
        for (const std::string &id : ids)
            out << name(QString::fromStdString(id));
        return out.isEmpty() ? u"nothing"_s : out.join(u", "_s);
    };
    if (preview.steps_size() == 0)
        return u"The runtime's preview: it is top-level; nothing restarts it."_s;
    QStringList lines{u"The runtime's preview:"_s};
    for (const pb::PreviewStep &step : preview.steps()) {
        lines << u"• %1 decides (%2)."_s.arg(name(QString::fromStdString(step.parent_id())),
                                             QString::fromStdString(step.note()));
        lines << u"   Stops: %1."_s.arg(names(step.stops()));
        lines << u"   Starts again: %1."_s.arg(names(step.restarts()));
        if (step.escalates())
            lines << u"   It gives up and exits: the decision escalates to its parent."_s;
    }
    if (preview.steps(preview.steps_size() - 1).escalates())
        lines << u"Escalation reaches the top: no one restarts the tree."_s;
    return lines.join(u'\n');
}

QString ActionDescriber::title(Action action, const ActorRecord &actor)
{
    const QString label = actor.viewOrPath().isEmpty() ? actor.id.left(8) : actor.viewOrPath();
    return u"%1 %2 %3?"_s.arg(actionName(action), actor.kind, label);
}

QString ActionDescriber::confirmation(Action action, const ActorRecord &actor, const ActorRecord *parent)
{
    const QString who = u"%1 %2"_s.arg(actor.kind, actor.id);
    // Supervisors, and sessions (which supervise their views), restart a killed child.
    const bool supervised = parent && (parent->kind.contains(u"supervisor"_s) || parent->kind == u"session"_s);
    const QString parentText = parent ? u"its parent %1 (%2)"_s.arg(parent->kind, parent->id.left(8)) : u"nothing (it is top-level)"_s;
    QString consequence;
    if (actor.kind == u"view"_s)
        consequence = u" The browser sees the view's channel error and re-mounts it: the page state is rebuilt by mount()."_s;
    else if (actor.kind == u"session"_s)
        consequence = u" Its views stop with it and the browser's socket is closed; the client reconnects and mounts again."_s;
    switch (action) {
    case Action::Kill:
        return u"Kill %1 immediately (exit reason \"killed\", queued messages are dropped: %2 in its mailbox).\n\n"
               "What happens next is decided by %3: %4%5"_s
            .arg(who).arg(actor.length).arg(parentText,
                 supervised ? u"it restarts it as a new incarnation (restart count +1) if it is a permanent or transient "
                              "child, unless its restart intensity is exceeded — then the supervisor itself gives up and "
                              "escalates to its own parent."_s
                 : parent ? u"the parent is linked to it and receives the abnormal exit; it is not restarted by a "
                            "supervisor."_s
                          : u"no one restarts it."_s,
                 consequence);
    case Action::Restart:
        return u"Restart %1: a clean stop (graceful, with its shutdown timeout) and a new incarnation started by its "
               "supervisor. Counts as a restart but not toward the supervisor's restart intensity.%2%3"_s
            .arg(who, supervised ? QString() : u"\n\nNote: its parent is not a supervisor; the runtime will refuse (not_supported)."_s,
                 consequence);
    case Action::Shutdown:
        return u"Shut down %1 for good: it drains its mailbox and stops with reason \"shutdown\" (killed after 5 s). "
               "A supervisor does not restart a transient or temporary child after a shutdown; a permanent child is "
               "restarted.%2"_s
            .arg(who, consequence);
    case Action::Ping:
        return u"Ping %1 through its system lane."_s.arg(who);
    case Action::FetchAssigns:
        return u"Fetch the current state of %1."_s.arg(who);
    }
    return {};
}

} // namespace LiveActor::Monitor
