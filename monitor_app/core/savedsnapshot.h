#pragma once

#include "liveactor/monitor/v1/monitor.pb.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace LiveActor::Monitor {

class ActorTreeModel;
class InstanceConnection;
class RestartLogModel;

/// What File > Save snapshot… keeps of one instance: its Hello, the actor tree as the monitor
/// knew it (in snapshot.actors, parents before children), its figures (snapshot.instance_stats)
/// and the restart log rows (snapshot.restarts), with the time it was saved.
struct SavedSnapshot
{
    qint64 savedAtMs = 0;
    liveactor::monitor::v1::Hello hello;
    liveactor::monitor::v1::Snapshot snapshot;
    /// The assigns histories the monitor was keeping of the instance's views (AssignsHistory::all()).
    QList<liveactor::monitor::v1::HistoryBatch> histories;
};

/// The saved-snapshot file: one JSON object, readable and diffable so it can go with a bug report,
///   {"format": "liveactor-monitor-snapshot", "format_version": 1, "saved_at_ms": "…",
///    "instance": <Hello>, "snapshot": <Snapshot>, "histories": [<HistoryBatch>, …]}
/// where Hello and Snapshot use protobuf's JSON mapping with the .proto's field names (the same
/// shape as `liveactor-monitor --dump --json`, plus the three header fields; "histories" only
/// when the monitor kept assigns histories of the instance's views). A reader accepts
/// exactly its own format_version: a file of another version, or anything that is not such a
/// file, is refused with a sentence saying why. Stateless.
class SavedSnapshotFile
{
public:
    static constexpr int FormatVersion = 1;
    static constexpr const char *FormatName = "liveactor-monitor-snapshot";

    /// The instance as the monitor knows it now: the model's actors (after all deltas) and
    /// figures, the restart log's rows of the instance, and its Hello.
    static SavedSnapshot capture(const ActorTreeModel &model, const RestartLogModel &restartLog,
                                 InstanceConnection *connection, qint64 nowMs);

    static QByteArray toJson(const SavedSnapshot &saved);
    /// The snapshot in bytes, or nullopt with *error set (never throws).
    static std::optional<SavedSnapshot> fromJson(const QByteArray &bytes, QString *error);

    /// Writes the file atomically (QSaveFile); false with *error set.
    static bool save(const QString &path, const SavedSnapshot &saved, QString *error);
    /// Reads and checks the file; nullopt with *error set ("cannot read …", "not a saved
    /// snapshot …", "format version 2 … this monitor reads version 1").
    static std::optional<SavedSnapshot> load(const QString &path, QString *error);
};

} // namespace LiveActor::Monitor
