#include "monitor_app/widgets/fleetpane.h"

#include "monitor_app/core/fleetmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace LiveActor::Monitor {

namespace {

/// Greys (and slants) the rows of instances that left the fleet or cannot be attached to.
class FleetRowDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const bool gone = index.data(FleetModel::GoneRole).toBool();
        if (gone || index.data(FleetModel::ControlUrlRole).toString().isEmpty()) {
            option->palette.setColor(QPalette::Text, option->palette.color(QPalette::Disabled, QPalette::Text));
            option->palette.setColor(QPalette::HighlightedText,
                                     option->palette.color(QPalette::Disabled, QPalette::HighlightedText));
        }
        option->font.setItalic(gone);
    }
};

} // namespace

FleetPane::FleetPane(FleetModel *model, QWidget *parent)
    : QWidget(parent), m_model(model), m_status(new QLabel(this)), m_table(new QTableView(this))
{
    m_status->setText(tr("Not connected to a fleet. Connect to fleet… or run liveactor-monitor --redis URL"));
    m_status->setWordWrap(true);
    m_table->setModel(model);
    m_table->setItemDelegate(new FleetRowDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(FleetModel::NameColumn, 160);
    for (int c = FleetModel::SessionsColumn; c <= FleetModel::UpColumn; ++c)
        m_table->setColumnWidth(c, 80);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_status);
    layout->addWidget(m_table);
    connect(model, &FleetModel::statusChanged, m_status, &QLabel::setText);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { request(current.row()); });
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex &index) { request(index.row()); });
}

QString FleetPane::statusText() const
{
    return m_status->text();
}

void FleetPane::request(int row)
{
    if (row < 0 || row >= m_model->rowCount() || m_model->isGone(row))
        return;
    const QUrl url(m_model->instance(row).controlUrl);
    if (url.isValid() && !url.isEmpty())
        Q_EMIT attachRequested(url);
}

} // namespace LiveActor::Monitor
