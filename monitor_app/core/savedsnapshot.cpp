#include "monitor_app/core/savedsnapshot.h"

#include "monitor_app/core/actortreemodel.h"
#include "monitor_app/core/instanceconnection.h"
#include "monitor_app/core/restartlogmodel.h"
#include "monitor_app/core/snapshotdump.h"

#include <google/protobuf/util/json_util.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

namespace pb = ::liveactor::monitor::v1;

namespace {

// A saved snapshot of 10,000 actors is a few MB; anything far larger is not one of ours.
constexpr qint64 MaxFileBytes = 512ll * 1024 * 1024;

bool parseMessage(const QJsonValue &value, google::protobuf::Message *message)
{
    if (!value.isObject())
        return false;
    const QByteArray json = QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true; // a newer monitor of the same format version may add fields
    return google::protobuf::util::JsonStringToMessage(json.toStdString(), message, options).ok();
}

} // namespace

SavedSnapshot SavedSnapshotFile::capture(const ActorTreeModel &model, const RestartLogModel &restartLog,
                                         InstanceConnection *connection, qint64 nowMs)
{
    SavedSnapshot saved;
    saved.savedAtMs = nowMs;
    saved.hello = connection->hello();
    saved.snapshot = model.snapshotOf(connection);
    saved.snapshot.set_time_ms(nowMs);
    restartLog.appendRecords(connection->displayName(), saved.snapshot.mutable_restarts());
    return saved;
}

QByteArray SavedSnapshotFile::toJson(const SavedSnapshot &saved)
{
    // The --dump --json object ({"instance": …, "snapshot": …}) with the header fields first.
    QByteArray body = SnapshotDump::toJson(saved.hello, saved.snapshot);
    Q_ASSERT(body.startsWith("{\n") && body.endsWith("\n}\n"));
    if (!saved.histories.isEmpty()) { // … "snapshot": …, "histories": [ … ] }
        body.chop(3);
        body += ",\n\"histories\": [\n";
        for (qsizetype i = 0; i < saved.histories.size(); ++i)
            body += (i ? ",\n" : "") + SnapshotDump::messageJson(saved.histories.at(i));
        body += "]\n}\n";
    }
    return "{\n\"format\": \"" + QByteArray(FormatName) + "\",\n\"format_version\": " + QByteArray::number(FormatVersion)
        + ",\n\"saved_at_ms\": " + QByteArray::number(saved.savedAtMs) + ",\n" + body.mid(2);
}

std::optional<SavedSnapshot> SavedSnapshotFile::fromJson(const QByteArray &bytes, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
    if (doc.isNull())
        return fail(u"not a saved snapshot: not JSON (%1 at byte %2)"_s.arg(parseError.errorString()).arg(parseError.offset));
    const QJsonObject root = doc.object();
    if (!doc.isObject() || root.value(u"format"_s).toString() != QLatin1StringView(FormatName))
        return fail(u"not a saved snapshot: no \"format\": \"%1\""_s.arg(QLatin1StringView(FormatName)));
    const QJsonValue version = root.value(u"format_version"_s);
    if (!version.isDouble())
        return fail(u"not a saved snapshot: no format_version"_s);
    if (version.toDouble() != FormatVersion)
        return fail(u"saved snapshot format version %1: this monitor reads version %2"_s.arg(version.toDouble()).arg(FormatVersion));
    SavedSnapshot saved;
    saved.savedAtMs = qint64(root.value(u"saved_at_ms"_s).toDouble());
    if (!parseMessage(root.value(u"instance"_s), &saved.hello))
        return fail(u"saved snapshot: \"instance\" is not a Hello"_s);
    if (!parseMessage(root.value(u"snapshot"_s), &saved.snapshot))
        return fail(u"saved snapshot: \"snapshot\" is not a Snapshot"_s);
    const QJsonValue histories = root.value(u"histories"_s);
    if (!histories.isUndefined() && !histories.isArray())
        return fail(u"saved snapshot: \"histories\" is not a list"_s);
    for (const QJsonValue &history : histories.toArray()) {
        if (!parseMessage(history, &saved.histories.emplace_back()))
            return fail(u"saved snapshot: an entry of \"histories\" is not a HistoryBatch"_s);
    }
    return saved;
}

bool SavedSnapshotFile::save(const QString &path, const SavedSnapshot &saved, QString *error)
{
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly) && file.write(toJson(saved)) >= 0 && file.commit())
        return true;
    if (error)
        *error = u"cannot write %1: %2"_s.arg(path, file.errorString());
    return false;
}

std::optional<SavedSnapshot> SavedSnapshotFile::load(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
        return std::nullopt;
    }
    if (file.size() > MaxFileBytes) {
        if (error)
            *error = u"%1: not a saved snapshot (%2 bytes)"_s.arg(path).arg(file.size());
        return std::nullopt;
    }
    QString why;
    std::optional<SavedSnapshot> saved = fromJson(file.readAll(), &why);
    if (!saved && error)
        *error = path + u": "_s + why;
    return saved;
}

} // namespace LiveActor::Monitor
