#pragma once

#include <QList>
#include <QString>

#include <functional>
#include <utility>

namespace LiveActor {

/// Figures about the whole instance as name/value text, in display order, e.g.
/// {"python workers", "2/16 busy, 0 queued, 0 leaked"}. Sent to monitors as InstanceStats.
using InstanceStats = QList<std::pair<QString, QString>>;

/// Gives the instance's figures now. Called on the control server's thread, at most once per
/// subscriber tick (subscribers ticking within the same 10 ms share one call), and only while
/// someone subscribes; it may block briefly (e.g. take the GIL).
using InstanceStatsProvider = std::function<InstanceStats()>;

} // namespace LiveActor
