#pragma once

#include <QStyledItemDelegate>

namespace LiveActor::Monitor {

/// Paints a gauge column (the mailbox, the restart budget) as a bar of ActorTreeModel::FillRole
/// coloured by ActorTreeModel::LevelRole: green ok, amber near the limit, red at it, with the
/// cell's text on top. GUI thread.
class FillBarDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    /// The bar colour for a level (an ActorRecord::Level as int).
    static QColor colorForLevel(int level);
};

} // namespace LiveActor::Monitor
