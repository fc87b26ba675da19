#include "monitor_app/widgets/historypane.h"

#include "monitor_app/core/instanceconnection.h"

#include <QDateTime>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollBar>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

namespace pb = ::liveactor::monitor::v1;

namespace {

constexpr int SeqRole = Qt::UserRole + 1;

QString duration(qint64 ns)
{
    if (ns < 10'000)
        return u"%1 ns"_s.arg(ns);
    if (ns < 10'000'000)
        return u"%1 µs"_s.arg(ns / 1000);
    return u"%1 ms"_s.arg(ns / 1'000'000);
}

QList<QStandardItem *> rowOf(const pb::HistoryEntry &e)
{
    auto text = [](const std::string &s) { return QString::fromStdString(s); };
    QList<QStandardItem *> row{
        new QStandardItem(QString::number(e.seq())),
        new QStandardItem(QDateTime::fromMSecsSinceEpoch(e.time_us() / 1000).toString(u"HH:mm:ss.zzz"_s)),
        new QStandardItem(text(e.kind())),
        new QStandardItem(text(e.name())),
        new QStandardItem(duration(e.duration_ns())),
        new QStandardItem(AssignsHistory::changedKeys(e)),
        new QStandardItem(e.diff_bytes() >= 0 ? QString::number(e.diff_bytes()) : u"–"_s),
        new QStandardItem(text(e.outcome())),
    };
    row[0]->setData(QVariant::fromValue(quint64(e.seq())), SeqRole);
    row[3]->setToolTip(text(e.payload()));
    if (e.outcome() != "ok")
        for (QStandardItem *item : row)
            item->setForeground(QColor(0xb0, 0x30, 0x20));
    return row;
}

QPlainTextEdit *textPane(QWidget *parent, const QString &name, const QString &placeholder)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setObjectName(name);
    edit->setReadOnly(true);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit->setPlaceholderText(placeholder);
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    return edit;
}

} // namespace

HistoryPane::HistoryPane(QWidget *parent)
    : QWidget(parent)
{
    m_status = new QLabel(tr("No history. Select a view and press Assigns history (Ctrl+Shift+H)."), this);
    m_status->setObjectName(u"historyStatus"_s);
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setObjectName(u"historyStop"_s);
    m_stop->setEnabled(false);
    m_export = new QPushButton(tr("Export JSON…"), this);
    m_export->setObjectName(u"historyExport"_s);
    m_export->setEnabled(false);

    m_model = new QStandardItemModel(0, 8, this);
    m_model->setHorizontalHeaderLabels({tr("#"), tr("Time"), tr("Kind"), tr("Name"), tr("Duration"), tr("Changed"),
                                        tr("Diff bytes"), tr("Outcome")});
    m_view = new QTableView(this);
    m_view->setObjectName(u"historyTimeline"_s);
    m_view->setModel(m_model);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 4);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_changes = textPane(this, u"historyChanges"_s, tr("Select a message: the assigns it changed"));
    m_assigns = textPane(this, u"historyAssigns"_s, tr("… and the view's assigns right after it"));

    auto *detail = new QSplitter(Qt::Vertical, this);
    detail->addWidget(m_changes);
    detail->addWidget(m_assigns);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_view);
    split->addWidget(detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_status, 1);
    bar->addWidget(m_stop);
    bar->addWidget(m_export);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(split, 1);

    connect(m_stop, &QPushButton::clicked, this, &HistoryPane::stop);
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString suggested = u"history-%1.json"_s.arg(m_history.actorId().left(8));
        const QString path = QFileDialog::getSaveFileName(this, tr("Export assigns history"), suggested,
                                                          tr("JSON (*.json)"));
        QString error;
        if (!path.isEmpty() && !exportJson(path, &error))
            QMessageBox::warning(this, tr("Export assigns history"), error);
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) { showEntry(current.isValid() ? current.row() : -1); });
}

void HistoryPane::reset(InstanceConnection *connection, const QString &label, AssignsHistory history)
{
    m_model->removeRows(0, m_model->rowCount());
    m_connection = connection;
    m_history = std::move(history);
    m_label = label;
    m_recording = connection != nullptr;
    m_waitingForLast = false;
    m_stop->setEnabled(m_recording);
    m_export->setEnabled(true);
    syncRows();
    showEntry(-1);
    updateStatus();
}

void HistoryPane::begin(InstanceConnection *connection, const QString &actorId, const QString &label)
{
    reset(connection, label, AssignsHistory(actorId));
}

void HistoryPane::showSaved(const pb::HistoryBatch &all, const QString &label)
{
    reset(nullptr, label + tr(" (saved)"), AssignsHistory::fromBatch(all));
}

void HistoryPane::addBatch(const pb::HistoryBatch &batch)
{
    if (!(m_recording || m_waitingForLast) || !m_history.add(batch))
        return;
    if (batch.stopped()) {
        m_recording = m_waitingForLast = false;
        m_stop->setEnabled(false);
    }
    syncRows();
    // Re-shown: the base may have arrived or moved under the selected entry.
    showEntry(m_view->currentIndex().isValid() ? m_view->currentIndex().row() : -1);
    updateStatus();
}

void HistoryPane::syncRows()
{
    // The history keeps the last `length` entries: drop the rows that left it, add the new ones.
    const quint64 first = m_history.size() ? m_history.entry(0).seq() : 0;
    int drop = 0;
    while (drop < m_model->rowCount() && m_model->item(drop, 0)->data(SeqRole).toULongLong() < first)
        ++drop;
    if (drop)
        m_model->removeRows(0, drop);
    const quint64 last = m_model->rowCount() ? m_model->item(m_model->rowCount() - 1, 0)->data(SeqRole).toULongLong() : 0;
    QScrollBar *scroll = m_view->verticalScrollBar();
    const bool atBottom = scroll->value() >= scroll->maximum() - 2;
    const int before = m_model->rowCount();
    for (int i = 0; i < m_history.size(); ++i)
        if (m_history.entry(i).seq() > last)
            m_model->appendRow(rowOf(m_history.entry(i)));
    if (before == 0 && m_model->rowCount() > 0) // fit the columns once, to the first rows
        m_view->resizeColumnsToContents();
    if (atBottom)
        m_view->scrollToBottom();
}

bool HistoryPane::selectEntry(int i)
{
    if (i < 0 || i >= m_model->rowCount())
        return false;
    m_view->setCurrentIndex(m_model->index(i, 0));
    showEntry(i);
    return true;
}

void HistoryPane::showEntry(int i)
{
    if (i < 0 || i >= m_history.size()) {
        m_changes->clear();
        m_assigns->setPlainText(m_history.all().has_base() ? QString::fromUtf8(m_history.assignsAt(-1)) : QString());
        return;
    }
    m_changes->setPlainText(m_history.changesText(i));
    m_assigns->setPlainText(QString::fromUtf8(m_history.assignsAt(i)));
}

bool HistoryPane::exportJson(const QString &path, QString *error) const
{
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly) && file.write(m_history.toJson()) >= 0 && file.commit())
        return true;
    if (error)
        *error = tr("cannot write %1: %2").arg(path, file.errorString());
    return false;
}

void HistoryPane::stop()
{
    if (!m_recording)
        return;
    if (m_connection && m_connection->sendHistory(m_history.actorId(), false))
        m_waitingForLast = true;
    m_recording = false;
    m_stop->setEnabled(false);
    updateStatus();
}

int HistoryPane::rowCount() const
{
    return m_model->rowCount();
}

QString HistoryPane::changesText() const
{
    return m_changes->toPlainText();
}

QString HistoryPane::assignsText() const
{
    return m_assigns->toPlainText();
}

QString HistoryPane::statusText() const
{
    return m_status->text();
}

void HistoryPane::updateStatus()
{
    QString state = m_recording ? tr("recording") : tr("stopped");
    if (m_history.isStopped())
        state = tr("ended: %1").arg(m_history.stopReason());
    QString text = tr("%1 — %2, %3 messages").arg(m_label, state).arg(m_history.size());
    if (m_history.all().length())
        text += tr(" (the last %1 are kept)").arg(m_history.all().length());
    if (m_history.lost())
        text += tr(", %1 lost").arg(m_history.lost());
    m_status->setText(text);
}

} // namespace LiveActor::Monitor
