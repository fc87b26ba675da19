#pragma once

#include "monitor_app/core/assignshistory.h"

#include <QPointer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QStandardItemModel;
class QTableView;
QT_END_NAMESPACE

namespace LiveActor::Monitor {

class InstanceConnection;

/// The "History" pane: the assigns history of one view (HistoryStart) as a timeline, one row per
/// handled message — seq, time, kind, name, duration, the assigns it changed, diff bytes,
/// outcome. Selecting a row shows its changes (before → after, payload, outcome) and the view's
/// assigns right after it (rebuilt from the history's base). Stop ends the history in the runtime
/// (the rows stay); Export JSON writes AssignsHistory::toJson(). A saved snapshot's history is
/// shown read-only (showSaved()). One history at a time. GUI thread.
class HistoryPane : public QWidget
{
    Q_OBJECT
public:
    explicit HistoryPane(QWidget *parent = nullptr);

    /// Shows the history of actorId on connection (the caller has sent HistoryStart).
    void begin(InstanceConnection *connection, const QString &actorId, const QString &label);
    /// A history from a saved snapshot: no connection, nothing to stop.
    void showSaved(const ::liveactor::monitor::v1::HistoryBatch &all, const QString &label);
    /// A batch from the runtime; ignored unless it belongs to the current history.
    void addBatch(const ::liveactor::monitor::v1::HistoryBatch &batch);
    /// Ends the history in the runtime (HistoryStop); the last batch still arrives and is shown.
    void stop();
    /// Selects timeline row (entry) i and shows it; false if there is none.
    bool selectEntry(int i);
    /// Writes the history as JSON (AssignsHistory::toJson()) to path; false with *error set.
    bool exportJson(const QString &path, QString *error = nullptr) const;

    const AssignsHistory &history() const { return m_history; }
    InstanceConnection *connection() const { return m_connection; }
    bool isRecording() const { return m_recording; }
    int rowCount() const;
    QString changesText() const;
    QString assignsText() const;
    QString statusText() const;

private:
    void reset(InstanceConnection *connection, const QString &label, AssignsHistory history);
    void syncRows();
    void showEntry(int i);
    void updateStatus();

    QPointer<InstanceConnection> m_connection;
    AssignsHistory m_history;
    QString m_label;
    bool m_recording = false;
    bool m_waitingForLast = false; ///< stopped here; the runtime's last batch is still to come
    QLabel *m_status = nullptr;
    QPushButton *m_stop = nullptr;
    QPushButton *m_export = nullptr;
    QStandardItemModel *m_model = nullptr;
    QTableView *m_view = nullptr;
    QPlainTextEdit *m_changes = nullptr;
    QPlainTextEdit *m_assigns = nullptr;
};

} // namespace LiveActor::Monitor
