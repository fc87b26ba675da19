#include "monitor_app/core/instancestats.h"

#include <QStringList>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

InstanceStatList instanceStatList(const liveactor::monitor::v1::InstanceStats &stats)
{
    InstanceStatList out;
    out.reserve(stats.stats_size());
    for (const auto &stat : stats.stats())
        out.append({QString::fromStdString(stat.name()), QString::fromStdString(stat.value())});
    return out;
}

QString formatInstanceStats(const InstanceStatList &stats, const QString &separator)
{
    QStringList parts;
    parts.reserve(stats.size());
    for (const InstanceStat &stat : stats)
        parts.append(stat.name + u": "_s + stat.value);
    return parts.join(separator);
}

} // namespace LiveActor::Monitor
