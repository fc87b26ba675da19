#pragma once

#include <QList>
#include <QString>
#include <QUuid>

namespace LiveActor {

/// How an operator action ends an actor, as its parent will see it.
enum class ChildExit {
    Crash,    ///< Kill: an abnormal exit ("killed")
    Shutdown, ///< a graceful stop for good (also what an escalating supervisor does)
    Restart,  ///< the control plane's Restart: a clean stop and a new incarnation
};

/// What a parent would do if one of its children exited now: the restart preview's one step.
/// Computed by the parent itself, on its own thread, with the rule it applies to a real exit
/// (Actor::planChildExit). Plain value.
struct ExitPlan
{
    QList<QUuid> stops;     ///< children that stop, the exiting one first (their own children with them)
    QList<QUuid> restarts;  ///< children started again, in start order
    bool escalates = false; ///< the parent gives up and exits itself; its own parent decides next
    QString note;           ///< the rule that applied, in one sentence
};

/// One parent's step of a preview: which parent decides, and its plan.
struct PreviewStep
{
    QUuid parent;
    QString parentKind;
    ExitPlan plan;
};

} // namespace LiveActor
