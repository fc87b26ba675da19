#include "monitor_app/core/topmodel.h"

#include "monitor_app/core/instanceconnection.h"

#include <algorithm>
#include <functional>
#include <numeric>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

TopModel::TopModel(ActorTreeModel *tree, QObject *parent)
    : QAbstractProxyModel(parent)
    , m_tree(tree)
{
    QAbstractProxyModel::setSourceModel(tree);
    connect(tree, &QAbstractItemModel::rowsInserted, this, &TopModel::onRowsInserted);
    connect(tree, &QAbstractItemModel::rowsAboutToBeRemoved, this, &TopModel::onRowsAboutToBeRemoved);
    connect(tree, &QAbstractItemModel::dataChanged, this, &TopModel::onDataChanged);
    connect(tree, &QAbstractItemModel::modelReset, this, &TopModel::rebuild);
    connect(tree, &QAbstractItemModel::layoutChanged, this, &TopModel::rebuild);
    rebuild();
}

// Appends the actors of source rows first…last under sourceParent and all their descendants
// (instance rows contribute their actors, not themselves).
void TopModel::collect(const QModelIndex &sourceParent, int first, int last, std::vector<Row> &out) const
{
    for (int r = first; r <= last; ++r) {
        const QModelIndex idx = m_tree->index(r, 0, sourceParent);
        if (const ActorRecord *record = m_tree->record(idx))
            out.push_back({m_tree->connection(idx), record});
        const int children = m_tree->rowCount(idx);
        if (children > 0)
            collect(idx, 0, children - 1, out);
    }
}

void TopModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    const int instances = m_tree->rowCount();
    if (instances > 0)
        collect({}, 0, instances - 1, m_rows);
    reindex(0);
    endResetModel();
}

void TopModel::reindex(size_t from)
{
    if (from == 0)
        m_rowOf.clear();
    for (size_t i = from; i < m_rows.size(); ++i)
        m_rowOf.insert(m_rows[i].record, int(i));
    m_changedFirst = m_changedLast = -1; // row numbers moved: refresh() repaints anyway
}

void TopModel::onRowsInserted(const QModelIndex &parent, int first, int last)
{
    std::vector<Row> added;
    collect(parent, first, last, added);
    // A snapshot re-sends actors the model may still list: only the new ones are appended.
    std::erase_if(added, [this](const Row &row) { return rowOf(row.record) >= 0; });
    if (added.empty())
        return;
    const int start = int(m_rows.size());
    beginInsertRows({}, start, start + int(added.size()) - 1);
    m_rows.insert(m_rows.end(), added.begin(), added.end());
    reindex(size_t(start));
    endInsertRows();
}

void TopModel::onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last)
{
    std::vector<Row> gone;
    collect(parent, first, last, gone);
    std::vector<int> rows;
    rows.reserve(gone.size());
    for (const Row &row : gone)
        if (const int r = rowOf(row.record); r >= 0)
            rows.push_back(r);
    if (rows.empty())
        return;
    std::sort(rows.begin(), rows.end());
    // Remove contiguous runs from the back so the earlier row numbers stay valid.
    size_t end = rows.size();
    while (end > 0) {
        size_t begin = end - 1;
        while (begin > 0 && rows[begin - 1] == rows[begin] - 1)
            --begin;
        beginRemoveRows({}, rows[begin], rows[end - 1]);
        for (size_t i = begin; i < end; ++i)
            m_rowOf.remove(m_rows[size_t(rows[i])].record);
        m_rows.erase(m_rows.begin() + rows[begin], m_rows.begin() + rows[end - 1] + 1);
        reindex(size_t(rows[begin]));
        endRemoveRows();
        end = begin;
    }
}

void TopModel::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight)
{
    if (!topLeft.parent().isValid())
        return; // instance rows: the Instance column is repainted by refresh()
    const bool pending = m_changedFirst >= 0;
    for (int r = topLeft.row(); r <= bottomRight.row(); ++r) {
        const int row = rowOf(m_tree->record(m_tree->index(r, 0, topLeft.parent())));
        if (row < 0)
            continue;
        m_changedFirst = m_changedFirst < 0 ? row : std::min(m_changedFirst, row);
        m_changedLast = std::max(m_changedLast, row);
    }
    if (!pending && m_changedFirst >= 0)
        QMetaObject::invokeMethod(this, &TopModel::flushChanged, Qt::QueuedConnection);
}

void TopModel::flushChanged()
{
    if (m_changedFirst < 0)
        return;
    const int first = m_changedFirst, last = std::min(m_changedLast, int(m_rows.size()) - 1);
    m_changedFirst = m_changedLast = -1;
    if (first <= last)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

const ActorRecord *TopModel::record(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || index.row() >= int(m_rows.size()))
        return nullptr;
    return m_rows[size_t(index.row())].record;
}

InstanceConnection *TopModel::connection(const QModelIndex &index) const
{
    if (!index.isValid() || index.model() != this || index.row() >= int(m_rows.size()))
        return nullptr;
    return m_rows[size_t(index.row())].connection;
}

QModelIndex TopModel::indexOf(InstanceConnection *connection, const QString &actorId) const
{
    const int row = rowOf(m_tree->find(connection, actorId));
    return row < 0 ? QModelIndex() : index(row, 0);
}

int TopModel::sourceColumn(int column)
{
    switch (column) {
    case KindColumn: return ActorTreeModel::KindColumn;
    case PathColumn: return ActorTreeModel::PathColumn;
    case MailboxColumn: return ActorTreeModel::MailboxColumn;
    case RateColumn: return ActorTreeModel::RateColumn;
    case RestartsColumn: return ActorTreeModel::RestartsColumn;
    default: return ActorTreeModel::IdColumn;
    }
}

int TopModel::proxyColumn(int sourceColumn)
{
    for (int c = 0; c < ColumnCount; ++c)
        if (TopModel::sourceColumn(c) == sourceColumn)
            return c;
    return IdColumn;
}

QModelIndex TopModel::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!proxyIndex.isValid() || proxyIndex.row() >= int(m_rows.size()))
        return {};
    const Row &row = m_rows[size_t(proxyIndex.row())];
    const QModelIndex source = m_tree->indexOf(row.connection, row.record->id);
    return source.isValid() ? source.siblingAtColumn(sourceColumn(proxyIndex.column())) : QModelIndex();
}

QModelIndex TopModel::mapFromSource(const QModelIndex &sourceIndex) const
{
    const int row = rowOf(m_tree->record(sourceIndex));
    return row < 0 ? QModelIndex() : index(row, proxyColumn(sourceIndex.column()));
}

QModelIndex TopModel::index(int row, int column, const QModelIndex &parent) const
{
    if (parent.isValid() || row < 0 || row >= int(m_rows.size()) || column < 0 || column >= ColumnCount)
        return {};
    return createIndex(row, column);
}

QModelIndex TopModel::parent(const QModelIndex &) const
{
    return {};
}

int TopModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TopModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool TopModel::hasChildren(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_rows.empty();
}

QList<double> TopModel::sparkline(const ActorRecord &record, qint64 nowMs)
{
    QList<double> out;
    const qsizetype start = std::max<qsizetype>(0, record.history.size() - SparklineLength);
    out.reserve(record.history.size() - start + 1);
    for (qsizetype i = start; i < record.history.size(); ++i)
        out.append(record.history[i].rate);
    if (!out.isEmpty() && out.last() > 0 && record.rateAt(nowMs) == 0)
        out.append(0);
    return out;
}

void TopModel::refresh()
{
    std::vector<double> rates;
    const qint64 now = m_tree->now();
    for (const Row &row : m_rows)
        if (const double rate = row.record->rateAt(now); rate >= MinHotRate)
            rates.push_back(rate);
    if (m_hotRateCount == 0 || rates.empty()) {
        m_hotRateThreshold = -1;
    } else {
        const size_t n = std::min(rates.size(), size_t(m_hotRateCount));
        std::nth_element(rates.begin(), rates.begin() + qsizetype(n - 1), rates.end(), std::greater<>());
        m_hotRateThreshold = rates[n - 1];
    }
    m_changedFirst = m_changedLast = -1;
    if (!m_rows.empty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

bool TopModel::isHot(const ActorRecord &record) const
{
    return !hotReason(record).isEmpty();
}

QString TopModel::hotReason(const ActorRecord &record) const
{
    if (ActorRecord::fillLevel(record.fill()) == ActorRecord::Level::AtLimit)
        return tr("hot: mailbox %1 % full (from 80 %)").arg(qRound(record.fill() * 100));
    const double rate = record.rateAt(m_tree->now());
    if (m_hotRateThreshold >= 0 && rate >= MinHotRate && rate >= m_hotRateThreshold)
        return tr("hot: %1 msgs/s, among the %2 busiest").arg(ActorTreeModel::formatRate(rate)).arg(m_hotRateCount);
    return {};
}

QString TopModel::formatDuration(double us)
{
    if (us < 1000)
        return u"%1 µs"_s.arg(qRound(us));
    return u"%1 ms"_s.arg(us / 1000, 0, 'f', us < 10000 ? 2 : 1);
}

QVariant TopModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    static const QStringList names{u"Actor"_s, u"Kind"_s, u"View / path"_s, u"Instance"_s, u"Mailbox"_s,
                                   u"Msgs/s"_s, u"Processing"_s, u"Restarts"_s, u"Activity"_s};
    static const QStringList tips{
        {}, {}, {}, {}, tr("queued / capacity; sorts by fill"), tr("messages processed per second"),
        tr("mean handler time per message (moving average)"), tr("restarts since the instance started"),
        tr("msgs/s over the last %1 updates, newest right").arg(SparklineLength)};
    if (role == Qt::DisplayRole)
        return names.value(section);
    if (role == Qt::ToolTipRole)
        return tips.value(section);
    return {};
}

QVariant TopModel::data(const QModelIndex &index, int role) const
{
    const ActorRecord *r = record(index);
    if (!r)
        return {};
    const int column = index.column();
    const qint64 now = m_tree->now();
    switch (role) {
    case ActorTreeModel::IsInstanceRole: return false;
    case ActorTreeModel::IdRole: return r->id;
    case ActorTreeModel::KindRole: return r->kind;
    case ActorTreeModel::FilterTextRole: return m_tree->data(mapToSource(index), role);
    case HotRole: return isHot(*r);
    case SparklineRole: return QVariant::fromValue(sparkline(*r, now));
    case ActorTreeModel::FillRole:
    case ActorTreeModel::LevelRole:
        return column == MailboxColumn ? m_tree->data(mapToSource(index), role) : QVariant();
    case Qt::ToolTipRole: {
        const QString hot = hotReason(*r);
        const QVariant source = column == ActivityColumn ? QVariant() : m_tree->data(mapToSource(index), role);
        if (hot.isEmpty() || !source.isValid())
            return hot.isEmpty() ? source : QVariant(hot);
        return QString(hot + u'\n' + source.toString());
    }
    case Qt::TextAlignmentRole:
        if (column >= MailboxColumn && column <= RestartsColumn)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case ActorTreeModel::SortRole:
        switch (column) {
        case IdColumn: return r->id;
        case KindColumn: return r->kind;
        case PathColumn: return r->viewOrPath();
        case InstanceColumn: break;
        case MailboxColumn: return r->fill();
        case RateColumn: return r->rateAt(now);
        case ProcessingColumn: return r->processingTimeUs;
        case RestartsColumn: return r->restartCount;
        case ActivityColumn: {
            const QList<double> line = sparkline(*r, now);
            return line.isEmpty() ? 0.0 : std::accumulate(line.cbegin(), line.cend(), 0.0) / double(line.size());
        }
        default: break;
        }
        [[fallthrough]];
    case Qt::DisplayRole:
        switch (column) {
        case InstanceColumn: {
            InstanceConnection *c = connection(index);
            return c ? c->displayName() : QString();
        }
        case RateColumn: return ActorTreeModel::formatRate(r->rateAt(now));
        case ProcessingColumn: return formatDuration(r->processingTimeUs);
        case ActivityColumn: return QString();
        default: return m_tree->data(mapToSource(index), role);
        }
    default:
        return {};
    }
}

} // namespace LiveActor::Monitor
