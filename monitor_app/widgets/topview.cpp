#include "monitor_app/widgets/topview.h"

#include "monitor_app/core/actorfilterproxy.h"
#include "monitor_app/core/topmodel.h"

#include <QHeaderView>
#include <QPainter>
#include <QPainterPath>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace LiveActor::Monitor {

void TopDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    FillBarDelegate::initStyleOption(option, index);
    if (index.data(TopModel::HotRole).toBool()) {
        option->backgroundBrush = hotColor();
        option->font.setBold(true);
    }
}

void TopDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    if (index.column() != TopModel::ActivityColumn) {
        FillBarDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.widget->style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
    const QList<double> samples = qvariant_cast<QList<double>>(index.data(TopModel::SparklineRole));
    if (samples.size() < 2)
        return;
    // Scaled to the row's own peak: the shape says "bursty or steady", the Msgs/s column the size.
    const double peak = std::max(1.0, *std::max_element(samples.cbegin(), samples.cend()));
    const QRectF area = QRectF(option.rect).adjusted(3, 3, -3, -3);
    const double step = area.width() / double(TopModel::SparklineLength);
    const double x0 = area.right() - step * double(samples.size() - 1); // newest at the right edge
    QPainterPath line;
    for (qsizetype i = 0; i < samples.size(); ++i) {
        const QPointF p(x0 + step * double(i), area.bottom() - area.height() * samples[i] / peak);
        i == 0 ? line.moveTo(p) : line.lineTo(p);
    }
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, true);
    painter->setPen(QPen(colorForLevel(int(ActorRecord::Level::Ok)).darker(130), 1.5));
    painter->drawPath(line);
    painter->restore();
}

TopView::TopView(ActorTreeModel *tree, QWidget *parent)
    : QWidget(parent)
    , m_model(new TopModel(tree, this))
    , m_proxy(new ActorFilterProxy(this))
    , m_table(new QTableView(this))
{
    m_proxy->setSourceModel(m_model);
    m_table->setObjectName(QStringLiteral("top"));
    m_table->setModel(m_proxy);
    m_table->setItemDelegate(new TopDelegate(m_table));
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(TopModel::RateColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(22);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(TopModel::IdColumn, 250);
    m_table->setColumnWidth(TopModel::PathColumn, 160);
    m_table->setColumnWidth(TopModel::MailboxColumn, 110);
    m_table->setColumnWidth(TopModel::ActivityColumn, 180);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
        const QModelIndex source = m_proxy->mapToSource(current);
        if (const ActorRecord *record = m_model->record(source))
            Q_EMIT actorSelected(m_model->connection(source), record->id);
    });
    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, &TopView::refresh);
    timer->start(1000);
}

bool TopView::setFilterExpression(const QString &text)
{
    return m_proxy->setFilterExpression(text);
}

void TopView::refresh()
{
    m_model->refresh();
    m_proxy->refresh();
}

} // namespace LiveActor::Monitor
