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

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    FilterExpression m_expression;
};

} // namespace LiveActor::Monitor
