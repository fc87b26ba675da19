#pragma once

#include "monitor_app/core/instanceconnection.h"

#include <QHash>
#include <QMainWindow>
#include <QUrl>

#include <chrono>
#include <functional>

QT_BEGIN_NAMESPACE
class QAction;
class QDockWidget;
class QLineEdit;
class QMenu;
class QListWidget;
class QTableView;
class QTreeView;
QT_END_NAMESPACE

namespace LiveActor::Monitor {

class ActorDetailPane;
class ActorFilterProxy;
class ActorTreeModel;
class FleetModel;
class FleetPane;
class HistoryPane;
class RestartLogModel;
class TopView;
class TracePane;
struct ActorRecord;

/// The monitor's main window: instances (with a state light each), the actor tree with a filter
/// box, the detail pane, the restart log, and the Kill / Restart / Shutdown / Ping actions (tool
/// bar, context menu, shortcuts Ctrl+K, Ctrl+R, Ctrl+Shift+D, Ctrl+P) with a confirmation that
/// says what the supervisor will do. Actions are disabled for read-only tokens. The "Top" dock
/// lists every actor sortable by load; selecting one there selects it in the tree.
///
/// Owns its connections and models. GUI thread. Connection errors show in the instance list and
/// the status bar; command results and errors in the status bar and commandFinished().
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    using Action = InstanceConnection::Action;
    /// Asked before Kill/Restart/Shutdown; return true to go ahead. Default: a QMessageBox.
    using ConfirmHandler = std::function<bool(const QString &title, const QString &text)>;

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Connects to an instance (and remembers it in QSettings if remember).
    InstanceConnection *addInstance(const QUrl &url, const QString &token, bool remember = true);
    /// Connects to the instances remembered in QSettings; returns how many.
    int restoreInstances();
    /// Connects to running local instances found in dirs (InstanceDiscovery); returns how many new.
    int discoverLocal(const QStringList &dirs);
    QList<InstanceConnection *> instances() const { return m_connections; }
    /// Shows the fleet registered in the Redis at redisUrl (`liveactor serve --redis`) in the
    /// "Fleet" dock, refreshed every interval; selecting an instance there connects to it with
    /// token (empty: $LIVEACTOR_CONTROL_TOKEN; a fleet shares one). False with *error set when
    /// redisUrl is not a redis:// URL.
    bool connectToFleet(const QString &redisUrl, const QString &token, QString *error = nullptr,
                        std::chrono::milliseconds interval = std::chrono::milliseconds(2000));
    FleetModel *fleetModel() const { return m_fleet; }
    /// The "Fleet" dock's pane (View > Fleet).
    FleetPane *fleetPane() const { return m_fleetPane; }

    /// File > Save snapshot…: writes what the window knows of the instance (tree, figures,
    /// restart log, the History pane's assigns history when it is of that instance) to path
    /// (SavedSnapshotFile); false with *error set.
    bool saveSnapshot(InstanceConnection *connection, const QString &path, QString *error = nullptr);
    /// File > Open snapshot… / --open: shows a saved snapshot as a read-only instance (state
    /// Saved; actions disabled); nullptr with *error set if the file is not one this monitor reads.
    InstanceConnection *openSnapshot(const QString &path, QString *error = nullptr);

    ActorTreeModel *model() const { return m_model; }
    ActorFilterProxy *proxy() const { return m_proxy; }
    RestartLogModel *restartLog() const { return m_restartLog; }
    QTreeView *tree() const { return m_tree; }
    ActorDetailPane *detailPane() const { return m_detail; }
    QAction *action(Action action) const { return m_actions.value(int(action)); }
    QLineEdit *filterEdit() const { return m_filter; }
    /// The "Top" dock's table of all actors (View > Top, Ctrl+T).
    TopView *topView() const { return m_top; }
    /// The "Trace" dock (a message trace of the selected actor's subtree; View > Trace).
    TracePane *tracePane() const { return m_trace; }
    /// Starts a message trace on the selected actor and its subtree; false if none or not live.
    bool traceSelected();
    /// The "History" dock (the assigns history of one view; View > History).
    HistoryPane *historyPane() const { return m_history; }
    /// Starts an assigns history of the selected view; false if it is not a view or not live.
    bool historySelected();

    /// Selects (and scrolls to) an actor; false if it is not in the (filtered) tree.
    bool selectActor(InstanceConnection *connection, const QString &actorId);
    /// The selected actor and its connection (nullptr if none).
    const ActorRecord *selectedActor(InstanceConnection **connection = nullptr) const;
    void setConfirmHandler(ConfirmHandler handler) { m_confirm = std::move(handler); }
    /// Runs an action on the selected actor. Kill/Restart/Shutdown first ask the runtime for its
    /// restart preview and show it in the confirmation; the action is sent once confirmed.
    /// Returns the id of the request sent now (the preview's for those), 0 if nothing was sent.
    quint64 triggerAction(Action action);

Q_SIGNALS:
    void commandFinished(const QString &action, bool ok, const QString &message);

private:
    void buildUi();
    void addFileMenu();
    /// Follows a new connection (models, restart log, instance list) and opens it.
    void adopt(InstanceConnection *connection);
    void updateActions();
    void updateInstanceList();
    void refreshDetail();
    void onCommandFinished(InstanceConnection *connection, quint64 requestId, bool ok, const QString &message,
                           const QString &assigns);
    void showContextMenu(const QPoint &pos);
    void onPreview(InstanceConnection *connection, quint64 requestId, const ::liveactor::monitor::v1::CommandResult &result);
    void addTopDock(QDockWidget *tabWith);
    void addTraceDock(QDockWidget *tabWith);
    void addHistoryDock(QDockWidget *tabWith);
    void addFleetDock(QDockWidget *tabWith);
    /// A bottom dock holding pane, tabbed with tabWith, and an entry of the View menu that shows it
    /// (named "show" + Name, e.g. "showTop").
    QDockWidget *paneDock(QWidget *pane, const QString &title, const QString &name, const QString &menuText,
                          QDockWidget *tabWith, const QKeySequence &shortcut = {});
    /// An action of the window itself (its shortcut works wherever the focus is in it).
    QAction *windowAction(const QString &text, const QString &name, const QKeySequence &shortcut,
                          const QString &toolTip);

    ActorTreeModel *m_model;
    QMenu *m_viewMenu = nullptr;
    ActorFilterProxy *m_proxy;
    RestartLogModel *m_restartLog;
    QTreeView *m_tree = nullptr;
    QTableView *m_restartView = nullptr;
    QListWidget *m_instanceList = nullptr;
    QLineEdit *m_filter = nullptr;
    ActorDetailPane *m_detail = nullptr;
    TopView *m_top = nullptr;
    TracePane *m_trace = nullptr;
    QDockWidget *m_traceDock = nullptr;
    QAction *m_traceAction = nullptr;
    HistoryPane *m_history = nullptr;
    QDockWidget *m_historyDock = nullptr;
    QAction *m_historyAction = nullptr;
    FleetModel *m_fleet = nullptr;
    FleetPane *m_fleetPane = nullptr;
    QDockWidget *m_fleetDock = nullptr;
    QString m_fleetToken;
    QHash<int, QAction *> m_actions;
    QList<InstanceConnection *> m_connections;
    struct Pending
    {
        Action action;
        QString actorId;
    };
    QHash<quint64, Pending> m_pending;
    QHash<quint64, Pending> m_previews; ///< destructive actions waiting for their preview

    ConfirmHandler m_confirm;
};

} // namespace LiveActor::Monitor
