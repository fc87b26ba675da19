#pragma once

#include "liveactor/monitor/v1/monitor.pb.h"

#include <QList>
#include <QString>

namespace LiveActor::Monitor {

/// One figure about a whole instance (the runtime's InstanceStat), e.g. "python workers" =
/// "2/16 busy, 0 queued, 0 leaked". Plain value type.
struct InstanceStat
{
    QString name;
    QString value;
    bool operator==(const InstanceStat &) const = default;
};

/// An instance's figures in the runtime's order.
using InstanceStatList = QList<InstanceStat>;

/// "2 in flight (1.50 MiB of 1.00 GiB), 300 MiB received, 12 completed, 1 errors"
QString formatUploadStats(const liveactor::monitor::v1::UploadStats &uploads);
/// The figures of a Snapshot's or Delta's instance_stats; its uploads, if set, as the last
/// figure, "uploads".
InstanceStatList instanceStatList(const liveactor::monitor::v1::InstanceStats &stats);
/// "name: value" for each figure, joined by separator ("" for none).
QString formatInstanceStats(const InstanceStatList &stats, const QString &separator);

} // namespace LiveActor::Monitor
