#pragma once

#include <QList>
#include <QPointer>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QStandardItemModel;
class QTableView;
QT_END_NAMESPACE

namespace liveactor::monitor::v1 {
class TraceBatch;
} // namespace liveactor::monitor::v1

namespace LiveActor::Monitor {

class InstanceConnection;

/// The "Trace" pane: the live message trace of one actor (and its subtree) as a scrolling log,
/// one row per message: time, actor, direction, type, size, mailbox wait, handler time, peer.
/// The text box filters rows (any column, case-insensitive: a kind, an actor id, a type); the
/// header shows records/s and the runtime's drop count (rate limit). Stop ends the trace in the
/// runtime, Clear empties the log. At most maxRows rows are kept (oldest go first). GUI thread.
class TracePane : public QWidget
{
    Q_OBJECT
public:
    explicit TracePane(QWidget *parent = nullptr);

    /// Shows the trace of actorId on connection (the caller has sent TraceStart); clears the log.
    void begin(InstanceConnection *connection, const QString &actorId, const QString &label);
    /// A batch from the runtime; ignored unless it belongs to the current trace.
    void addBatch(const ::liveactor::monitor::v1::TraceBatch &batch);
    void setFilterText(const QString &text);
    void clear();
    /// Ends the trace in the runtime (TraceStop) and keeps the log; emits stopped().
    void stop();

    bool isTracing() const { return m_tracing; }
    QString actorId() const { return m_actorId; }
    int rowCount() const;
    int visibleRowCount() const;
    quint64 dropped() const { return m_dropped; }
    QString statusText() const;
    static constexpr int maxRows = 5000;

Q_SIGNALS:
    /// Stop was pressed while tracing (the pane has already sent TraceStop if it has a connection).
    void stopped();

private:
    void updateStatus();

    QPointer<InstanceConnection> m_connection;
    QString m_actorId;
    QString m_label;
    bool m_tracing = false;
    quint64 m_dropped = 0;
    QList<std::pair<qint64, int>> m_recent; // (ms, records) of the batches in the last second
    QLabel *m_status = nullptr;
    QLineEdit *m_filter = nullptr;
    QPushButton *m_stop = nullptr;
    QStandardItemModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_view = nullptr;
};

} // namespace LiveActor::Monitor
