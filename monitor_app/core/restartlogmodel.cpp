#include "monitor_app/core/restartlogmodel.h"

#include <QDateTime>
#include <QSet>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

namespace pb = ::liveactor::monitor::v1;

RestartLogModel::RestartLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RestartLogModel::setLoopDetection(int threshold, qint64 windowMs)
{
    m_threshold = qMax(2, threshold);
    m_windowMs = qMax<qint64>(1, windowMs);
}

bool RestartLogModel::isLooping(const QString &instance, const QString &actorId) const
{
    return m_looping.contains(instance + u'|' + actorId);
}

QList<RestartLogModel::Entry> RestartLogModel::entriesFor(const QString &instance, const QString &actorId) const
{
    QList<Entry> out;
    for (const Entry &e : m_entries)
        if (e.instance == instance && e.actorId == actorId)
            out.append(e);
    return out;
}

void RestartLogModel::appendRecords(const QString &instance,
                                    google::protobuf::RepeatedPtrField<pb::RestartRecord> *out) const
{
    for (auto it = m_entries.crbegin(); it != m_entries.crend(); ++it) {
        if (it->instance != instance)
            continue;
        pb::RestartRecord *r = out->Add();
        r->set_id(it->actorId.toStdString());
        r->set_kind(it->kind.toStdString());
        r->set_name(it->name.toStdString());
        r->set_incarnation(it->incarnation);
        r->set_restart_count(quint32(it->restartCount));
        r->mutable_reason()->set_kind(it->reasonKind.toStdString());
        r->mutable_reason()->set_message(it->reasonMessage.toStdString());
        r->mutable_reason()->set_traceback(it->traceback.toStdString());
        r->mutable_reason()->set_time_ms(it->timeMs);
    }
}

void RestartLogModel::addRecords(const QString &instance,
                                 const google::protobuf::RepeatedPtrField<pb::RestartRecord> &records)
{
    QList<Entry> fresh;
    for (const pb::RestartRecord &r : records) {
        const QString id = QString::fromStdString(r.id());
        const QString key = instance + u'|' + id;
        auto seen = m_seen.find(key);
        if (seen != m_seen.end() && *seen >= r.incarnation())
            continue;
        m_seen.insert(key, r.incarnation());
        Entry e;
        e.timeMs = r.reason().time_ms();
        e.instance = instance;
        e.actorId = id;
        e.kind = QString::fromStdString(r.kind());
        e.name = QString::fromStdString(r.name());
        e.incarnation = r.incarnation();
        e.restartCount = int(r.restart_count());
        e.reasonKind = QString::fromStdString(r.reason().kind());
        e.reasonMessage = QString::fromStdString(r.reason().message());
        e.traceback = QString::fromStdString(r.reason().traceback());
        QList<qint64> &recent = m_recent[key];
        recent.append(e.timeMs);
        while (!recent.isEmpty() && recent.first() < e.timeMs - m_windowMs)
            recent.removeFirst();
        if (recent.size() >= m_threshold) {
            e.looping = true;
            if (!m_looping.contains(key)) {
                m_looping.insert(key);
                Q_EMIT restartLoopDetected(instance, id, int(recent.size()));
            }
        } else {
            m_looping.remove(key);
        }
        fresh.append(e);
    }
    if (fresh.isEmpty())
        return;
    std::sort(fresh.begin(), fresh.end(), [](const Entry &a, const Entry &b) { return a.timeMs > b.timeMs; });
    beginInsertRows({}, 0, int(fresh.size()) - 1);
    m_entries = fresh + m_entries;
    endInsertRows();
    constexpr int cap = 1000;
    if (m_entries.size() > cap) {
        beginRemoveRows({}, cap, int(m_entries.size()) - 1);
        m_entries.resize(cap);
        endRemoveRows();
    }
}

int RestartLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int RestartLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RestartLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const Entry &e = m_entries.at(index.row());
    switch (role) {
    case LoopingRole: return e.looping;
    case ActorIdRole: return e.actorId;
    case TracebackRole: return e.traceback;
    case Qt::ToolTipRole:
        return e.traceback.isEmpty() ? QVariant() : QVariant(e.traceback);
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn: return QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(u"HH:mm:ss.zzz"_s);
        case InstanceColumn: return e.instance;
        case ActorColumn: return e.name.isEmpty() ? e.actorId : e.name + u" ("_s + e.actorId + u')';
        case KindColumn: return e.kind;
        case CountColumn: return e.looping ? u"%1 ⚠ restart loop"_s.arg(e.restartCount) : QString::number(e.restartCount);
        case ReasonColumn: return e.reasonMessage.isEmpty() ? e.reasonKind : e.reasonKind + u": "_s + e.reasonMessage;
        default: return {};
        }
    default:
        return {};
    }
}

QVariant RestartLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const QStringList names{u"Time"_s, u"Instance"_s, u"Actor"_s, u"Kind"_s, u"Restarts"_s, u"Reason"_s};
    return names.value(section);
}

} // namespace LiveActor::Monitor
