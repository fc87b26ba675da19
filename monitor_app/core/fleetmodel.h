#pragma once

#include "cluster/fleetregistry.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QPointer>
#include <QTimer>

#include <chrono>
#include <memory>

namespace LiveActor::Monitor {

/// The instances of a fleet (`liveactor serve --redis`, FleetRegistry), read from Redis every
/// interval: one row per instance with its sessions, views and load, in name order. A selection
/// stays across refreshes. An instance missing from Redis (stopped, or its record expired)
/// stays (GoneRole true; the view greys it) for linger, then its row goes. No GUI types (core);
/// GUI thread.
class FleetModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, SessionsColumn, ViewsColumn, LoadColumn, UpColumn, ControlColumn, ColumnCount };
    enum Role { ControlUrlRole = Qt::UserRole + 1, GoneRole };

    explicit FleetModel(QObject *parent = nullptr);
    ~FleetModel() override;

    /// Reads the fleet at url from now on (replacing any previous one; the rows are cleared).
    void setSource(const RedisUrl &url, std::chrono::milliseconds interval = std::chrono::milliseconds(2000));
    void setLinger(std::chrono::milliseconds linger) { m_linger = linger; }
    QString sourceText() const { return m_sourceText; }
    /// "3 instances", "connecting to redis://…", "Redis: <error>".
    QString status() const { return m_status; }
    /// Asks Redis now (unless a read is under way).
    void refresh();

    const FleetInstance &instance(int row) const { return m_rows.at(row).instance; }
    bool isGone(int row) const { return m_rows.at(row).goneSince.isValid(); }
    /// The row of the instance named name, -1 if none.
    int rowOf(const QString &name) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void statusChanged(const QString &status);
    /// After each answer from Redis has been applied.
    void refreshed();

private:
    struct Row
    {
        FleetInstance instance;
        QDateTime goneSince; ///< invalid while Redis lists it
    };
    void apply(const QList<FleetInstance> &fleet);
    void setStatus(const QString &status);

    std::unique_ptr<FleetReader> m_reader;
    QString m_sourceText;
    QTimer m_timer;
    bool m_busy = false;
    quint64 m_generation = 0; // answers for a replaced source are ignored
    std::chrono::milliseconds m_linger{4000};
    QList<Row> m_rows;
    QString m_status;
};

} // namespace LiveActor::Monitor
