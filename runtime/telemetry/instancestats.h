#pragma once

#include <QList>
#include <QString>

#include <functional>
#include <initializer_list>
#include <optional>
#include <utility>

namespace LiveActor {

/// File uploads over the LiveView socket, as monitors are sent them (InstanceStats.uploads; the
/// same numbers as the liveactor_upload* families of /metrics).
struct UploadFigures
{
    quint64 inFlight = 0;       ///< entries holding a temporary file
    quint64 bytesInFlight = 0;  ///< declared bytes they reserve
    quint64 bytesBudget = 0;    ///< the bound on bytesInFlight
    quint64 bytesReceived = 0;  ///< chunk bytes written to disk since start
    quint64 completed = 0;      ///< entries whose every declared byte arrived
    quint64 errors = 0;         ///< refusals of every reason
    bool operator==(const UploadFigures &) const = default;
};

/// Figures about the whole instance, sent to monitors as InstanceStats: name/value text in
/// display order, e.g. {"python workers", "2/16 busy, 0 queued, 0 leaked"}, and the upload
/// numbers (unset: the instance serves no uploads).
struct InstanceStats
{
    InstanceStats() = default;
    InstanceStats(std::initializer_list<std::pair<QString, QString>> list) : figures(list) {}

    QList<std::pair<QString, QString>> figures;
    std::optional<UploadFigures> uploads;
    bool operator==(const InstanceStats &) const = default;
};

/// Gives the instance's figures now. Called on the control server's thread, at most once per
/// subscriber tick (subscribers ticking within the same 10 ms share one call), and only while
/// someone subscribes; it may block briefly (e.g. take the GIL).
using InstanceStatsProvider = std::function<InstanceStats()>;

} // namespace LiveActor
