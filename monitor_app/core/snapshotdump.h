#pragma once

#include "liveactor/monitor/v1/monitor.pb.h"

#include <QByteArray>

namespace LiveActor::Monitor {

/// `liveactor-monitor --dump`: one Snapshot as an indented text tree or as JSON. Stateless.
class SnapshotDump
{
public:
    /// "instance NAME (pid P, host H) — N actors" then one line per actor, indented by depth:
    /// kind id state mailbox length/capacity hw restarts path.
    static QByteArray toText(const liveactor::monitor::v1::Hello &hello, const liveactor::monitor::v1::Snapshot &snapshot);
    /// {"instance": <Hello>, "snapshot": <Snapshot>} in protobuf's JSON mapping (field names as in
    /// the .proto; 64-bit integers as strings).
    static QByteArray toJson(const liveactor::monitor::v1::Hello &hello, const liveactor::monitor::v1::Snapshot &snapshot);
};

} // namespace LiveActor::Monitor
