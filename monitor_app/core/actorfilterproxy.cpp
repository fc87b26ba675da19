#include "monitor_app/core/actorfilterproxy.h"

#include "monitor_app/core/actortreemodel.h"
#include "monitor_app/core/topmodel.h"

namespace LiveActor::Monitor {

ActorFilterProxy::ActorFilterProxy(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true);
    setSortRole(ActorTreeModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    // Not dynamic: with 10k sessions under one supervisor, re-sorting that sibling list on every
    // delta costs tens of ms. refresh() (the window calls it once a second) re-sorts and
    // re-filters instead; inserted rows are still filtered as they arrive.
    setDynamicSortFilter(false);
}

bool ActorFilterProxy::setFilterExpression(const QString &text)
{
    m_expression = FilterExpression(text);
    invalidateFilter();
    return m_expression.isValid();
}

void ActorFilterProxy::refresh()
{
    if (m_expression.isEmpty() && sortColumn() < 0)
        return;
    cacheSortKeys(sortColumn());
    invalidate();
    rowCount(); // sorts the top level now (invalidate() defers it), while the keys are cached
    m_sortKeys.clear();
}

void ActorFilterProxy::sort(int column, Qt::SortOrder order)
{
    cacheSortKeys(column);
    QSortFilterProxyModel::sort(column, order);
    m_sortKeys.clear();
}

void ActorFilterProxy::cacheSortKeys(int column)
{
    m_sortKeys.clear();
    m_sortKeyColumn = column;
    if (!sourceModel() || column < 0)
        return;
    const int rows = sourceModel()->rowCount();
    m_sortKeys.reserve(rows);
    for (int r = 0; r < rows; ++r)
        m_sortKeys.append(sourceModel()->index(r, column).data(ActorTreeModel::SortRole));
}

bool ActorFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_expression.isEmpty())
        return true;
    const QModelIndex idx = sourceModel()->index(sourceRow, 0, sourceParent);
    if (idx.data(ActorTreeModel::IsInstanceRole).toBool())
        return true;
    const ActorRecord *record = nullptr;
    if (auto *tree = qobject_cast<const ActorTreeModel *>(sourceModel()))
        record = tree->record(idx);
    else if (auto *top = qobject_cast<const TopModel *>(sourceModel()))
        record = top->record(idx);
    return record && m_expression.matches(*record);
}

bool ActorFilterProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const bool cached = !left.parent().isValid() && left.column() == m_sortKeyColumn && left.row() < m_sortKeys.size()
        && right.row() < m_sortKeys.size();
    const QVariant l = cached ? m_sortKeys.at(left.row()) : left.data(ActorTreeModel::SortRole);
    const QVariant r = cached ? m_sortKeys.at(right.row()) : right.data(ActorTreeModel::SortRole);
    if (l.typeId() == QMetaType::QString || r.typeId() == QMetaType::QString)
        return l.toString().compare(r.toString(), Qt::CaseInsensitive) < 0;
    return l.toDouble() < r.toDouble();
}

} // namespace LiveActor::Monitor
