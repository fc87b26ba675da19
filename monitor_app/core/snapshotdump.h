#pragma once

#include "liveactor/monitor/v1/monitor.pb.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace LiveActor::Monitor {

/// `liveactor-monitor --dump`: one Snapshot as an indented text tree or as JSON. Stateless.
class SnapshotDump
{
public:
    /// "instance NAME (pid P, host H) — N actors[ — name: value · …]" (the instance's figures)
    /// then one line per actor, indented by depth:
    /// kind id state mailbox length/capacity hw restarts path.
    static QByteArray toText(const liveactor::monitor::v1::Hello &hello, const liveactor::monitor::v1::Snapshot &snapshot);
    /// {"instance": <Hello>, "snapshot": <Snapshot>} in protobuf's JSON mapping (field names as in
    /// the .proto; 64-bit integers as strings).
    /// Connects to url with token, waits for the first Snapshot, prints it (text or JSON) to
    /// stdout and returns 0; prints the error to stderr and returns 1 if it could not connect,
    /// authenticate or got nothing within timeoutMs. Runs a local event loop (main thread,
    /// QCoreApplication needed).
    static int run(const QUrl &url, const QString &token, bool json, int timeoutMs);
    static QByteArray toJson(const liveactor::monitor::v1::Hello &hello, const liveactor::monitor::v1::Snapshot &snapshot);
    /// One message in protobuf's JSON mapping, indented, with the .proto's field names.
    static QByteArray messageJson(const google::protobuf::Message &message);
};

} // namespace LiveActor::Monitor
