#include "monitor_app/core/instancestats.h"

#include <QLocale>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

QString formatUploadStats(const liveactor::monitor::v1::UploadStats &u)
{
    const QLocale c = QLocale::c();
    return u"%1 in flight (%2 of %3), %4 received, %5 completed, %6 errors"_s.arg(u.in_flight())
        .arg(c.formattedDataSize(qint64(u.bytes_in_flight())), c.formattedDataSize(qint64(u.bytes_budget())),
             c.formattedDataSize(qint64(u.bytes_received_total())))
        .arg(u.completed_total())
        .arg(u.errors_total());
}

InstanceStatList instanceStatList(const liveactor::monitor::v1::InstanceStats &stats)
{
    InstanceStatList out;
    out.reserve(stats.stats_size() + 1);
    for (const auto &stat : stats.stats())
        out.append({QString::fromStdString(stat.name()), QString::fromStdString(stat.value())});
    // Shown as one more figure, after the runtime's own (a saved snapshot keeps it as text).
    if (stats.has_uploads())
        out.append({u"uploads"_s, formatUploadStats(stats.uploads())});
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
