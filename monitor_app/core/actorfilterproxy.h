#pragma once

#include "monitor_app/core/filterexpression.h"

#include <QSortFilterProxyModel>

namespace LiveActor::Monitor {

/// Sorting and filtering over ActorTreeModel (or the flat TopModel): sorts by ActorTreeModel::SortRole (numbers for
/// numeric columns), filters actors with a FilterExpression and keeps the ancestors of matches
/// (recursive filtering) and the instance rows. Sorting and filtering follow value changes when
/// refresh() is called (not on every delta: see the .cpp). GUI thread.
class ActorFilterProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit ActorFilterProxy(QObject *parent = nullptr);

    /// Parses and applies the filter. Returns false if the expression is invalid (then no actor
    /// matches; expression().errorString() says why).
    bool setFilterExpression(const QString &text);
    const FilterExpression &expression() const { return m_expression; }
    /// Re-sorts and re-filters with the current values (rows whose fill or restarts changed move
    /// into place). Cheap no-op without a filter or sort column.
    void refresh();
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    /// Sorting a flat list of 30k actors compares ~900k pairs: the top-level rows' sort keys are
    /// read once per sort instead of twice per comparison (nested rows read them as they go).
    void cacheSortKeys(int column);

    FilterExpression m_expression;
    QList<QVariant> m_sortKeys; ///< SortRole of source top-level row i during a sort, else empty
    int m_sortKeyColumn = -1;
};

} // namespace LiveActor::Monitor
