#pragma once

#include <QStyledItemDelegate>

namespace LiveActor::Monitor {

/// Paints the mailbox column as a bar of length / capacity (ActorTreeModel::FillRole) coloured by
/// level: green below 50 %, orange below 80 %, red above, with "length/capacity" on top.
/// GUI thread.
class FillBarDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    /// The bar colour for a fill level 0…1.
    static QColor colorFor(double fill);
};

} // namespace LiveActor::Monitor
