#pragma once

#include "monitor_app/widgets/fillbardelegate.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QTableView;
QT_END_NAMESPACE

namespace LiveActor::Monitor {

class ActorFilterProxy;
class ActorTreeModel;
class InstanceConnection;
class TopModel;

/// Paints the Top view: hot rows bold on a red tint, the mailbox as a fill bar (FillBarDelegate)
/// and the activity column as a sparkline of TopModel::SparklineRole. GUI thread.
class TopDelegate : public FillBarDelegate
{
    Q_OBJECT
public:
    using FillBarDelegate::FillBarDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    static QColor hotColor() { return QColor(0xe5, 0x48, 0x4d, 45); }

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

/// The "Top" pane: every actor of every instance in one table (TopModel under an
/// ActorFilterProxy), sorted by msgs/s (busiest first) until the operator clicks another header;
/// re-sorted, re-ranked and repainted once a second. Selecting a row emits actorSelected.
class TopView : public QWidget
{
    Q_OBJECT
public:
    explicit TopView(ActorTreeModel *tree, QWidget *parent = nullptr);

    TopModel *model() const { return m_model; }
    ActorFilterProxy *proxy() const { return m_proxy; }
    QTableView *table() const { return m_table; }
    /// The filter language of the tree's filter box (ActorFilterProxy::setFilterExpression).
    bool setFilterExpression(const QString &text);
    /// What the once-a-second timer does: re-rank, re-sort, re-filter.
    void refresh();

Q_SIGNALS:
    void actorSelected(InstanceConnection *connection, const QString &actorId);

private:
    TopModel *m_model;
    ActorFilterProxy *m_proxy;
    QTableView *m_table;
};

} // namespace LiveActor::Monitor
