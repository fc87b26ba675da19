#include "monitor_app/widgets/fillbardelegate.h"

#include "monitor_app/core/actortreemodel.h"

#include <QApplication>
#include <QPainter>

namespace LiveActor::Monitor {

QColor FillBarDelegate::colorForLevel(int level)
{
    switch (ActorRecord::Level(level)) {
    case ActorRecord::Level::AtLimit: return QColor(0xe5, 0x48, 0x4d);
    case ActorRecord::Level::Near: return QColor(0xf5, 0xa5, 0x24);
    case ActorRecord::Level::Ok: break;
    }
    return QColor(0x3d, 0xd6, 0x8c);
}

void FillBarDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QVariant fillValue = index.data(ActorTreeModel::FillRole);
    if (!fillValue.isValid()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    QApplication::style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);

    const double fill = qBound(0.0, fillValue.toDouble(), 1.0);
    const QRect frame = option.rect.adjusted(3, 3, -3, -3);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setPen(QColor(0x80, 0x80, 0x80));
    painter->setBrush(QColor(0x2a, 0x2a, 0x2a, 40));
    painter->drawRect(frame.adjusted(0, 0, -1, -1));
    if (fill > 0) {
        QRect bar = frame.adjusted(1, 1, -1, -1);
        bar.setWidth(qMax(1, int(bar.width() * fill)));
        painter->fillRect(bar, colorForLevel(index.data(ActorTreeModel::LevelRole).toInt()));
    }
    painter->setPen(option.palette.color(QPalette::Text));
    painter->drawText(frame, Qt::AlignCenter, text);
    painter->restore();
}

} // namespace LiveActor::Monitor
