#include "monitor_app/core/fleetmodel.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

FleetModel::FleetModel(QObject *parent) : QAbstractTableModel(parent)
{
    connect(&m_timer, &QTimer::timeout, this, &FleetModel::refresh);
}

FleetModel::~FleetModel()
{
    // Closing the reader answers a read in flight: with a stale generation, while this is whole.
    ++m_generation;
    m_reader.reset();
}

void FleetModel::setSource(const RedisUrl &url, std::chrono::milliseconds interval)
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
    ++m_generation;
    m_busy = false;
    m_reader = std::make_unique<FleetReader>(url);
    m_reader->start();
    m_sourceText = url.toString();
    setStatus(tr("connecting to %1").arg(m_sourceText));
    m_timer.start(interval);
    refresh();
}

void FleetModel::refresh()
{
    if (!m_reader)
        return;
    if (m_busy) { // still waiting: for the connection, or for Redis to answer
        if (!m_reader->isConnected())
            setStatus(tr("Redis at %1 unreachable; retrying").arg(m_sourceText));
        return;
    }
    m_busy = true;
    // The reader lives as long as this generation; the answer of an older one is dropped.
    m_reader->list([this, generation = m_generation](Result<QList<FleetInstance>> fleet) {
        if (generation != m_generation)
            return;
        m_busy = false;
        if (!fleet) {
            setStatus(u"Redis: "_s + fleet.error().message);
            return;
        }
        apply(*fleet);
        Q_EMIT refreshed();
    });
}

void FleetModel::apply(const QList<FleetInstance> &fleet)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const FleetInstance &i : fleet) {
        const int row = rowOf(i.name);
        if (row < 0) { // in name order; existing rows keep theirs
            const auto at = std::find_if(m_rows.cbegin(), m_rows.cend(), [&](const Row &r) { return r.instance.name > i.name; });
            const int pos = int(at - m_rows.cbegin());
            beginInsertRows({}, pos, pos);
            m_rows.insert(pos, {i, {}});
            endInsertRows();
            continue;
        }
        m_rows[row] = {i, {}};
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        const bool listed = std::any_of(fleet.cbegin(), fleet.cend(),
                                        [&](const FleetInstance &i) { return i.name == m_rows.at(row).instance.name; });
        if (listed)
            continue;
        Row &r = m_rows[row];
        if (!r.goneSince.isValid()) {
            r.goneSince = now;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
        if (r.goneSince.msecsTo(now) >= m_linger.count()) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
    }
    setStatus(fleet.size() == 1 ? tr("1 instance in %1").arg(m_sourceText)
                                : tr("%1 instances in %2").arg(fleet.size()).arg(m_sourceText));
}

void FleetModel::setStatus(const QString &status)
{
    if (status == m_status)
        return;
    m_status = status;
    Q_EMIT statusChanged(status);
}

int FleetModel::rowOf(const QString &name) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).instance.name == name)
            return row;
    }
    return -1;
}

int FleetModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int FleetModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FleetModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &r = m_rows.at(index.row());
    const FleetInstance &i = r.instance;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn: return r.goneSince.isValid() ? tr("%1 (gone)").arg(i.name) : i.name;
        case SessionsColumn: return i.sessions;
        case ViewsColumn: return i.views;
        case LoadColumn: return u"%1 ev/s"_s.arg(i.load, 0, 'f', 1);
        case UpColumn: return i.uptime();
        case ControlColumn: return i.controlUrl.isEmpty() ? tr("no control plane") : i.controlUrl;
        }
        return {};
    case Qt::ToolTipRole:
        return tr("%1\npid %2, %3\npages: %4\nrecord written %5")
            .arg(i.name).arg(i.pid).arg(i.version, i.httpUrl, i.updated.toLocalTime().toString(u"HH:mm:ss"_s));
    case Qt::TextAlignmentRole:
        if (index.column() >= SessionsColumn && index.column() <= LoadColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case ControlUrlRole: return i.controlUrl;
    case GoneRole: return r.goneSince.isValid();
    }
    return {};
}

QVariant FleetModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Instance");
    case SessionsColumn: return tr("Sessions");
    case ViewsColumn: return tr("Views");
    case LoadColumn: return tr("Load");
    case UpColumn: return tr("Up");
    case ControlColumn: return tr("Control plane");
    }
    return {};
}

} // namespace LiveActor::Monitor
