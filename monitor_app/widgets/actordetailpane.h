#pragma once

#include "monitor_app/core/actorrecord.h"
#include "monitor_app/core/instancestats.h"
#include "monitor_app/core/restartlogmodel.h"

#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QQuickWidget;
QT_END_NAMESPACE

namespace LiveActor::Monitor {

class InstanceConnection;

/// The detail pane for the selected actor: identity and metadata, the QML mailbox-fill history
/// chart and gauge (LiveActor.Monitor ActorDetailCharts), wait and processing times, the restart
/// budget of supervisors and sessions (a gauge and what happens at the limit), restarts with
/// time, reason and traceback, and the assigns snapshot fetched on demand. For a selected
/// instance row: the instance (URL, state, pid, host, build, uptime, actors) and its figures.
/// GUI thread; shows copies, so a record that disappears later is harmless.
class ActorDetailPane : public QWidget
{
    Q_OBJECT
public:
    explicit ActorDetailPane(QWidget *parent = nullptr);

    /// Shows record (nullptr clears the pane). restarts: this actor's restarts, newest first.
    /// nowMs: the time ages and the restart budget are shown at (0: now; a saved snapshot's time).
    void showActor(const ActorRecord *record, const QList<RestartLogModel::Entry> &restarts, qint64 nowMs = 0);
    /// Shows an instance: what its Hello said, its actor count and its figures, one per line.
    void showInstance(const InstanceConnection &connection, int actorCount, const InstanceStatList &stats);
    void setAssigns(const QString &text);
    QString assignsText() const;
    void setFetchEnabled(bool enabled);
    /// The QML chart widget (tests look at its root object).
    QQuickWidget *chart() const { return m_chart; }
    /// Currently shown actor id ("" if none).
    QString actorId() const { return m_actorId; }
    /// The title, identity and figures lines as shown (tests).
    QString summaryText() const;
    /// The restart-budget gauge and sentence as shown ("" when the actor has no budget).
    QString budgetText() const;
    QProgressBar *budgetGauge() const { return m_budgetGauge; }

Q_SIGNALS:
    void fetchAssignsRequested(const QString &actorId);

private:
    /// Empties everything below the identity: figures, restarts, the chart (and the assigns when
    /// the shown actor changes).
    void clearActorParts();
    void showBudget(const ActorRecord &record, qint64 now);

    QString m_actorId;
    QLabel *m_title;
    QLabel *m_identity;
    QLabel *m_timing;
    QQuickWidget *m_chart;
    QLabel *m_budget;
    QProgressBar *m_budgetGauge;
    QPlainTextEdit *m_restarts;
    QPlainTextEdit *m_assigns;
    QPushButton *m_fetch;
};

} // namespace LiveActor::Monitor
