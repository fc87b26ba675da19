#include "monitor_app/widgets/tracepane.h"

#include "monitor_app/core/instanceconnection.h"

#include "liveactor/monitor/v1/monitor.pb.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

namespace pb = ::liveactor::monitor::v1;

namespace {

QString nanos(qint64 ns)
{
    if (ns < 0)
        return u"–"_s;
    if (ns < 10'000)
        return u"%1 ns"_s.arg(ns);
    if (ns < 10'000'000)
        return u"%1 µs"_s.arg(ns / 1000);
    return u"%1 ms"_s.arg(ns / 1'000'000);
}

QString shortId(const std::string &id)
{
    return QString::fromStdString(id).left(8);
}

} // namespace

TracePane::TracePane(QWidget *parent)
    : QWidget(parent)
{
    m_status = new QLabel(tr("No trace. Select an actor and press Trace."), this);
    m_status->setObjectName(u"traceStatus"_s);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(u"traceFilter"_s);
    m_filter->setPlaceholderText(tr("filter: type, kind, actor id"));
    m_filter->setClearButtonEnabled(true);
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setObjectName(u"traceStop"_s);
    m_stop->setEnabled(false);
    auto *clearButton = new QPushButton(tr("Clear"), this);
    clearButton->setObjectName(u"traceClear"_s);

    m_model = new QStandardItemModel(0, 8, this);
    m_model->setHorizontalHeaderLabels({tr("Time"), tr("Actor"), tr("Dir"), tr("Type"), tr("Size"),
                                        tr("Wait"), tr("Processing"), tr("Peer")});
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_view = new QTableView(this);
    m_view->setModel(m_proxy);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    m_view->horizontalHeader()->setStretchLastSection(true);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_status, 1);
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_stop);
    bar->addWidget(clearButton);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_view);

    connect(m_filter, &QLineEdit::textChanged, this, &TracePane::setFilterText);
    connect(m_stop, &QPushButton::clicked, this, &TracePane::stop);
    connect(clearButton, &QPushButton::clicked, this, &TracePane::clear);
}

void TracePane::begin(InstanceConnection *connection, const QString &actorId, const QString &label)
{
    clear();
    m_connection = connection;
    m_actorId = actorId;
    m_label = label;
    m_tracing = true;
    m_dropped = 0;
    m_stop->setEnabled(true);
    updateStatus();
}

void TracePane::addBatch(const pb::TraceBatch &batch)
{
    if (!m_tracing || QString::fromStdString(batch.actor_id()) != m_actorId)
        return;
    m_dropped = batch.dropped();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_recent.append({now, batch.records_size()});
    while (!m_recent.isEmpty() && m_recent.first().first < now - 1000)
        m_recent.removeFirst();
    QScrollBar *scroll = m_view->verticalScrollBar();
    const bool atBottom = scroll->value() >= scroll->maximum() - 2;
    for (const pb::TraceRecord &r : batch.records()) {
        const QString time = QDateTime::fromMSecsSinceEpoch(r.time_us() / 1000).toString(u"HH:mm:ss.zzz"_s);
        QList<QStandardItem *> row{
            new QStandardItem(time),
            new QStandardItem(QString::fromStdString(r.actor_kind()) + u" "_s + shortId(r.actor_id())),
            new QStandardItem(r.outgoing() ? u"out →"_s : u"in ←"_s),
            new QStandardItem(QString::fromStdString(r.type())),
            new QStandardItem(QString::number(r.size())),
            new QStandardItem(r.outgoing() ? QString() : nanos(r.wait_ns())),
            new QStandardItem(r.outgoing() ? QString() : nanos(r.processing_ns())),
            new QStandardItem(r.peer_id().empty() ? tr("(outside)") : shortId(r.peer_id())),
        };
        // Short ids in the cells, the full ones in the tooltips.
        row[1]->setToolTip(QString::fromStdString(r.actor_id()));
        row[7]->setToolTip(QString::fromStdString(r.peer_id()));
        m_model->appendRow(row);
    }
    if (m_model->rowCount() > maxRows)
        m_model->removeRows(0, m_model->rowCount() - maxRows);
    if (batch.stopped()) {
        m_tracing = false;
        m_stop->setEnabled(false);
        m_label += u" — "_s + QString::fromStdString(batch.stop_reason());
    }
    updateStatus();
    if (atBottom)
        m_view->scrollToBottom();
}

void TracePane::setFilterText(const QString &text)
{
    if (m_filter->text() != text)
        m_filter->setText(text);
    m_proxy->setFilterFixedString(text);
}

void TracePane::clear()
{
    m_model->removeRows(0, m_model->rowCount());
    m_recent.clear();
    updateStatus();
}

int TracePane::rowCount() const
{
    return m_model->rowCount();
}

int TracePane::visibleRowCount() const
{
    return m_proxy->rowCount();
}

QString TracePane::statusText() const
{
    return m_status->text();
}

void TracePane::stop()
{
    if (!m_tracing)
        return;
    if (m_connection)
        m_connection->sendTrace(m_actorId, false);
    m_tracing = false;
    m_stop->setEnabled(false);
    m_label += tr(" — stopped");
    updateStatus();
    Q_EMIT stopped();
}

void TracePane::updateStatus()
{
    if (m_actorId.isEmpty())
        return;
    int perSecond = 0;
    for (const auto &[ms, n] : std::as_const(m_recent))
        perSecond += n;
    m_status->setText(tr("%1: %2 records/s, %3 dropped, %4 shown").arg(m_label).arg(m_tracing ? perSecond : 0)
                          .arg(m_dropped).arg(m_model->rowCount()));
}

} // namespace LiveActor::Monitor
