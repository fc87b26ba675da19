#pragma once

#include <QUrl>
#include <QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QTableView;
QT_END_NAMESPACE

namespace LiveActor::Monitor {

class FleetModel;

/// The "Fleet" dock: the instances a FleetModel reads from Redis, live, with a status line.
/// Selecting an instance (or activating it) asks to attach the monitor to its control plane
/// (attachRequested); greyed rows (gone, or without a control plane) ask nothing. GUI thread.
class FleetPane : public QWidget
{
    Q_OBJECT
public:
    explicit FleetPane(FleetModel *model, QWidget *parent = nullptr);
    QTableView *table() const { return m_table; }
    QString statusText() const;

Q_SIGNALS:
    void attachRequested(const QUrl &controlUrl);

private:
    void request(int row);

    FleetModel *m_model;
    QLabel *m_status;
    QTableView *m_table;
};

} // namespace LiveActor::Monitor
