#include "monitor_app/widgets/mainwindow.h"

#include "monitor_app/core/actiondescriber.h"
#include "monitor_app/core/actorfilterproxy.h"
#include "monitor_app/core/actortreemodel.h"
#include "monitor_app/core/fleetmodel.h"
#include "monitor_app/core/instancediscovery.h"
#include "monitor_app/core/instancesettings.h"
#include "monitor_app/core/restartlogmodel.h"
#include "monitor_app/core/savedsnapshot.h"
#include "monitor_app/widgets/actordetailpane.h"
#include "monitor_app/widgets/connectdialog.h"
#include "monitor_app/widgets/fillbardelegate.h"
#include "monitor_app/widgets/fleetpane.h"
#include "monitor_app/widgets/topview.h"
#include "monitor_app/widgets/historypane.h"
#include "monitor_app/widgets/tracepane.h"

#include <QAction>
#include <QCoreApplication>
#include <QDateTime>
#include <QDockWidget>
#include <QFileDialog>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

namespace pb = ::liveactor::monitor::v1;

namespace {

QIcon stateLight(InstanceConnection::State state)
{
    QColor color;
    switch (state) {
    case InstanceConnection::State::Live: color = QColor(0x3d, 0xd6, 0x8c); break;
    case InstanceConnection::State::Connecting:
    case InstanceConnection::State::Authenticating: color = QColor(0xf5, 0xa5, 0x24); break;
    case InstanceConnection::State::Failed: color = QColor(0xe5, 0x48, 0x4d); break;
    case InstanceConnection::State::Disconnected: color = QColor(0x80, 0x80, 0x80); break;
    case InstanceConnection::State::Saved: color = QColor(0x4a, 0x90, 0xe2); break;
    }
    QPixmap pixmap(16, 16);
    pixmap.fill(Qt::transparent);
    QPainter p(&pixmap);
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(color);
    p.setPen(color.darker(150));
    p.drawEllipse(2, 2, 12, 12);
    return QIcon(pixmap);
}

// Help > About: the version is the project's one number (CMake), set on the application in main.
void addHelpMenu(QMainWindow *window)
{
    QMenu *help = window->menuBar()->addMenu(QMainWindow::tr("&Help"));
    QAction *about = help->addAction(QMainWindow::tr("&About liveactor monitor"));
    about->setObjectName(u"about"_s);
    QObject::connect(about, &QAction::triggered, window, [window] {
        QMessageBox::about(window, QMainWindow::tr("About liveactor monitor"),
                           QMainWindow::tr("<h3>liveactor monitor %1</h3>"
                                           "<p>Shows the sessions, views, mailboxes and restarts of running "
                                           "liveactor instances, and kills or restarts their actors.</p>"
                                           "<p>MIT licence. Qt %2.</p>")
                               .arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion())));
    });
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_model(new ActorTreeModel(this))
    , m_proxy(new ActorFilterProxy(this))
    , m_restartLog(new RestartLogModel(this))
{
    m_proxy->setSourceModel(m_model);
    buildUi();
    addFileMenu();
    addHelpMenu(this);
    m_confirm = [this](const QString &title, const QString &text) {
        return QMessageBox::question(this, title, text, QMessageBox::Ok | QMessageBox::Cancel, QMessageBox::Cancel)
            == QMessageBox::Ok;
    };
    auto *refresh = new QTimer(this);
    connect(refresh, &QTimer::timeout, this, [this] {
        m_proxy->refresh(); // re-sort / re-filter with the values of the last second
        refreshDetail();
        m_tree->viewport()->update(); // ages and "last event" move with the clock
    });
    refresh->start(1000);
    QSettings settings(u"liveactor"_s, u"liveactor-monitor"_s);
    restoreGeometry(settings.value(u"window/geometry"_s).toByteArray());
}

MainWindow::~MainWindow()
{
    QSettings settings(u"liveactor"_s, u"liveactor-monitor"_s);
    settings.setValue(u"window/geometry"_s, saveGeometry());
}

void MainWindow::buildUi()
{
    setWindowTitle(tr("liveactor monitor"));
    resize(1400, 850);

    auto *toolbar = addToolBar(tr("Actions"));
    toolbar->setObjectName(u"actions"_s);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    QAction *connectAction = toolbar->addAction(tr("Connect…"));
    connect(connectAction, &QAction::triggered, this, [this] {
        ConnectDialog dialog(this);
        if (dialog.exec() == QDialog::Accepted && dialog.url().isValid())
            addInstance(dialog.url(), dialog.token());
    });
    QAction *fleetAction = toolbar->addAction(tr("Connect to fleet…"));
    fleetAction->setObjectName(u"connectFleet"_s);
    connect(fleetAction, &QAction::triggered, this, [this] {
        ConnectDialog dialog(this, ConnectDialog::Target::Fleet);
        QString error;
        if (dialog.exec() == QDialog::Accepted && !connectToFleet(dialog.url().toString(), dialog.token(), &error))
            statusBar()->showMessage(error, 10000);
    });
    QAction *discover = toolbar->addAction(tr("Find local"));
    connect(discover, &QAction::triggered, this, [this] {
        const int n = discoverLocal(InstanceDiscovery::defaultStateDirs());
        statusBar()->showMessage(tr("%n new local instance(s)", nullptr, n), 5000);
    });
    toolbar->addSeparator();
    struct Def
    {
        Action action;
        QString text;
        QKeySequence key;
    };
    const Def defs[] = {
        {Action::Kill, tr("Kill"), QKeySequence(u"Ctrl+K"_s)},
        {Action::Restart, tr("Restart"), QKeySequence(u"Ctrl+R"_s)},
        {Action::Shutdown, tr("Shutdown"), QKeySequence(u"Ctrl+Shift+D"_s)},
        {Action::Ping, tr("Ping"), QKeySequence(u"Ctrl+P"_s)},
    };
    for (const Def &def : defs) {
        auto *a = new QAction(def.text, this);
        a->setShortcut(def.key);
        a->setShortcutContext(Qt::WindowShortcut);
        const Action act = def.action;
        connect(a, &QAction::triggered, this, [this, act] { triggerAction(act); });
        toolbar->addAction(a);
        addAction(a);
        m_actions.insert(int(def.action), a);
    }
    toolbar->addSeparator();
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("filter: text, kind:view, fill>50%, restarts>0"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(320);
    toolbar->addWidget(m_filter);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        const bool ok = m_proxy->setFilterExpression(text);
        m_filter->setStyleSheet(ok ? QString() : u"QLineEdit { background: #ffd6d6; }"_s);
        m_filter->setToolTip(ok ? QString() : m_proxy->expression().errorString());
        if (!text.isEmpty())
            m_tree->expandAll();
    });

    m_tree = new QTreeView(this);
    m_tree->setModel(m_proxy);
    m_tree->setUniformRowHeights(true); // lazy layout: 10k rows stay cheap
    m_tree->setSortingEnabled(true);
    m_tree->sortByColumn(-1, Qt::AscendingOrder);
    m_tree->setAlternatingRowColors(true);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    auto *gauge = new FillBarDelegate(m_tree);
    m_tree->setItemDelegateForColumn(ActorTreeModel::MailboxColumn, gauge);
    m_tree->setItemDelegateForColumn(ActorTreeModel::BudgetColumn, gauge);
    m_tree->header()->setStretchLastSection(true);
    m_tree->setColumnWidth(ActorTreeModel::IdColumn, 250);
    m_tree->setColumnWidth(ActorTreeModel::KindColumn, 90);
    m_tree->setColumnWidth(ActorTreeModel::PathColumn, 160);
    m_tree->setColumnWidth(ActorTreeModel::StateColumn, 80);
    m_tree->setColumnWidth(ActorTreeModel::MailboxColumn, 110);
    for (int c = ActorTreeModel::HighWaterColumn; c <= ActorTreeModel::AgeColumn; ++c)
        m_tree->setColumnWidth(c, 75);
    m_tree->setColumnWidth(ActorTreeModel::BudgetColumn, 110);
    connect(m_tree, &QWidget::customContextMenuRequested, this, &MainWindow::showContextMenu);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] {
        refreshDetail();
        updateActions();
    });
    // Show instances and their first levels as data arrives.
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex &parent, int first, int last) {
        if (parent.isValid() && parent.parent().isValid())
            return;
        for (int r = first; r <= last; ++r)
            m_tree->expand(m_proxy->index(r, 0, parent));
        if (!parent.isValid())
            return;
        m_tree->expand(parent);
    });

    m_detail = new ActorDetailPane(this);
    connect(m_detail, &ActorDetailPane::fetchAssignsRequested, this, [this] { triggerAction(Action::FetchAssigns); });

    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_tree);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({900, 500});
    setCentralWidget(splitter);

    m_instanceList = new QListWidget(this);
    auto *instancesDock = new QDockWidget(tr("Instances"), this);
    instancesDock->setObjectName(u"instances"_s);
    instancesDock->setWidget(m_instanceList);
    addDockWidget(Qt::BottomDockWidgetArea, instancesDock);
    addFleetDock(instancesDock);

    m_restartView = new QTableView(this);
    m_restartView->setModel(m_restartLog);
    m_restartView->horizontalHeader()->setStretchLastSection(true);
    m_restartView->verticalHeader()->hide();
    m_restartView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_restartView->setColumnWidth(RestartLogModel::ActorColumn, 300);
    auto *restartDock = new QDockWidget(tr("Restart log"), this);
    restartDock->setObjectName(u"restarts"_s);
    restartDock->setWidget(m_restartView);
    addDockWidget(Qt::BottomDockWidgetArea, restartDock);
    splitDockWidget(instancesDock, restartDock, Qt::Horizontal);
    resizeDocks({instancesDock, restartDock}, {350, 1050}, Qt::Horizontal);
    resizeDocks({restartDock}, {190}, Qt::Vertical);
    connect(m_restartLog, &RestartLogModel::restartLoopDetected, this,
            [this](const QString &instance, const QString &id, int n) {
                statusBar()->showMessage(tr("⚠ restart loop: %1 on %2 restarted %3 times within a minute")
                                             .arg(id, instance).arg(n), 15000);
            });
    connect(m_restartView, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        const RestartLogModel::Entry &e = m_restartLog->entry(index.row());
        for (InstanceConnection *c : std::as_const(m_connections))
            if (c->displayName() == e.instance && selectActor(c, e.actorId))
                return;
    });
    addTopDock(restartDock);
    addTraceDock(restartDock);
    addHistoryDock(restartDock);
    statusBar()->showMessage(tr("Not connected. Connect… or run liveactor-monitor ws://127.0.0.1:4001/"));
    updateActions();
}

// Top: all actors by load, a tab next to the restart log; View > Top (Ctrl+T) brings it forward.
// It shares the filter box with the tree, and selecting a row there selects the actor here.
void MainWindow::addTopDock(QDockWidget *tabWith)
{
    m_top = new TopView(m_model, this);
    paneDock(m_top, tr("Top"), u"top"_s, tr("&Top"), tabWith, QKeySequence(u"Ctrl+T"_s));
    connect(m_filter, &QLineEdit::textChanged, m_top, &TopView::setFilterExpression);
    connect(m_top, &TopView::actorSelected, this, &MainWindow::selectActor);
}

// Trace: the live message trace of one actor's subtree, a tab next to the restart log; the Trace
// action (toolbar, context menu, Ctrl+Shift+T) starts it on the selected actor.
void MainWindow::addTraceDock(QDockWidget *tabWith)
{
    m_trace = new TracePane(this);
    m_traceDock = paneDock(m_trace, tr("Trace"), u"trace"_s, tr("T&race"), tabWith);
    m_traceAction = windowAction(tr("Trace"), u"traceActor"_s, QKeySequence(u"Ctrl+Shift+T"_s),
                                 tr("Trace the messages of the selected actor and its subtree"));
    connect(m_traceAction, &QAction::triggered, this, &MainWindow::traceSelected);
}

bool MainWindow::traceSelected()
{
    InstanceConnection *connection = nullptr;
    const ActorRecord *record = selectedActor(&connection);
    if (!record || !connection || connection->state() != InstanceConnection::State::Live)
        return false;
    // One trace at a time in the pane: end the previous one in its runtime.
    if (m_trace->isTracing() && m_trace->actorId() != record->id)
        m_trace->stop();
    if (!connection->sendTrace(record->id, true))
        return false;
    m_trace->begin(connection, record->id, u"%1 %2 (subtree)"_s.arg(record->kind, record->id.left(8)));
    m_traceDock->show();
    m_traceDock->raise();
    return true;
}

// History: the assigns history of one view, a tab next to the restart log; the Assigns history
// action (context menu, Ctrl+Shift+H) starts it on the selected view.
void MainWindow::addHistoryDock(QDockWidget *tabWith)
{
    m_history = new HistoryPane(this);
    m_historyDock = paneDock(m_history, tr("History"), u"history"_s, tr("&History"), tabWith);
    m_historyAction = windowAction(tr("Assigns history"), u"historyActor"_s, QKeySequence(u"Ctrl+Shift+H"_s),
                                   tr("Keep the assigns history of the selected view: every message it handles "
                                      "and the assigns it changed"));
    connect(m_historyAction, &QAction::triggered, this, &MainWindow::historySelected);
}

// Fleet: the instances registered in Redis, a tab next to the instance list; selecting one
// connects to it as Connect… does.
void MainWindow::addFleetDock(QDockWidget *tabWith)
{
    m_fleet = new FleetModel(this);
    m_fleetPane = new FleetPane(m_fleet, this);
    m_fleetDock = paneDock(m_fleetPane, tr("Fleet"), u"fleet"_s, tr("&Fleet"), tabWith);
    connect(m_fleetPane, &FleetPane::attachRequested, this, [this](const QUrl &url) {
        const QString token = m_fleetToken.isEmpty() ? qEnvironmentVariable("LIVEACTOR_CONTROL_TOKEN") : m_fleetToken;
        InstanceConnection *connection = addInstance(url, token, false);
        statusBar()->showMessage(tr("%1: %2").arg(connection->displayName(),
                                                  InstanceConnection::stateName(connection->state())), 5000);
    });
}

bool MainWindow::connectToFleet(const QString &redisUrl, const QString &token, QString *error,
                                std::chrono::milliseconds interval)
{
    const auto url = RedisUrl::parse(redisUrl);
    if (!url) {
        if (error)
            *error = tr("Connect to fleet: %1").arg(url.error().message);
        return false;
    }
    m_fleetToken = token;
    m_fleet->setSource(*url, interval);
    m_fleetDock->show();
    m_fleetDock->raise();
    return true;
}

QDockWidget *MainWindow::paneDock(QWidget *pane, const QString &title, const QString &name, const QString &menuText,
                                  QDockWidget *tabWith, const QKeySequence &shortcut)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(name);
    dock->setWidget(pane);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    tabifyDockWidget(tabWith, dock);
    tabWith->raise();
    if (!m_viewMenu) // one View menu for every pane
        m_viewMenu = menuBar()->addMenu(tr("&View"));
    QAction *show = m_viewMenu->addAction(menuText);
    show->setObjectName(u"show"_s + name.left(1).toUpper() + name.mid(1)); // "top" → "showTop"
    show->setShortcut(shortcut);
    connect(show, &QAction::triggered, dock, [dock] {
        dock->show();
        dock->raise();
    });
    return dock;
}

QAction *MainWindow::windowAction(const QString &text, const QString &name, const QKeySequence &shortcut,
                                  const QString &toolTip)
{
    auto *action = new QAction(text, this);
    action->setObjectName(name);
    action->setShortcut(shortcut);
    action->setToolTip(toolTip);
    addAction(action);
    return action;
}

bool MainWindow::historySelected()
{
    InstanceConnection *connection = nullptr;
    const ActorRecord *record = selectedActor(&connection);
    if (!record || record->kind != u"view"_s || !connection || connection->state() != InstanceConnection::State::Live)
        return false;
    // One history at a time in the pane: end the previous one in its runtime.
    if (m_history->isRecording() && (m_history->history().actorId() != record->id || m_history->connection() != connection))
        m_history->stop();
    if (!connection->sendHistory(record->id, true))
        return false;
    m_history->begin(connection, record->id, u"view %1 %2"_s.arg(record->id.left(8), record->viewOrPath()));
    m_historyDock->show();
    m_historyDock->raise();
    return true;
}

InstanceConnection *MainWindow::addInstance(const QUrl &url, const QString &token, bool remember)
{
    for (InstanceConnection *c : std::as_const(m_connections))
        if (c->url() == url)
            return c;
    auto *connection = new InstanceConnection(url, token, this);
    adopt(connection);
    if (remember)
        InstanceSettings::remember({url, token});
    return connection;
}

void MainWindow::adopt(InstanceConnection *connection)
{
    m_connections.append(connection);
    m_model->addInstance(connection);
    connect(connection, &InstanceConnection::stateChanged, this, [this, connection](InstanceConnection::State state) {
        updateInstanceList();
        updateActions();
        statusBar()->showMessage(tr("%1: %2").arg(connection->displayName(), InstanceConnection::stateName(state)), 5000);
    });
    connect(connection, &InstanceConnection::traceBatchReceived, m_trace, &TracePane::addBatch);
    connect(connection, &InstanceConnection::historyBatchReceived, m_history, [this, connection](const pb::HistoryBatch &b) {
        if (m_history->connection() == connection)
            m_history->addBatch(b);
    });
    connect(connection, &InstanceConnection::snapshotReceived, this, [this, connection](const pb::Snapshot &s) {
        m_restartLog->addRecords(connection->displayName(), s.restarts());
        updateInstanceList();
        // Small trees open fully; large ones (10k sessions) only to their first levels.
        if (s.actors_size() < 300)
            m_tree->expandAll();
    });
    connect(connection, &InstanceConnection::deltaReceived, this, [this, connection](const pb::Delta &d) {
        if (d.restarts_size())
            m_restartLog->addRecords(connection->displayName(), d.restarts());
    });
    connect(connection, &InstanceConnection::commandFinished, this,
            [this, connection](quint64 id, const pb::CommandResult &r) {
                if (m_previews.contains(id))
                    return onPreview(connection, id, r);
                onCommandFinished(connection, id, r.ok(),
                                  r.ok() ? QString::fromStdString(r.message())
                                         : QString::fromStdString(r.error_code() + ": " + r.message()),
                                  QString::fromStdString(r.assigns()));
            });
    connect(connection, &InstanceConnection::errorReceived, this, [this, connection](const QString &code, const QString &msg) {
        statusBar()->showMessage(tr("%1: %2: %3").arg(connection->displayName(), code, msg), 10000);
    });
    connection->open();
    updateInstanceList();
}

int MainWindow::restoreInstances()
{
    const QList<SavedInstance> saved = InstanceSettings::load();
    for (const SavedInstance &s : saved)
        addInstance(s.url, s.token, false);
    return int(saved.size());
}

int MainWindow::discoverLocal(const QStringList &dirs)
{
    int added = 0;
    const QList<DiscoveredInstance> found = InstanceDiscovery::scan(dirs);
    for (const DiscoveredInstance &instance : found) {
        const bool known = std::any_of(m_connections.cbegin(), m_connections.cend(),
                                       [&](InstanceConnection *c) { return c->url() == instance.url; });
        if (!known && !instance.token.isEmpty()) {
            addInstance(instance.url, instance.token, false);
            ++added;
        }
    }
    return added;
}

void MainWindow::updateInstanceList()
{
    m_instanceList->clear();
    for (InstanceConnection *c : std::as_const(m_connections)) {
        QString text = u"%1 — %2"_s.arg(c->displayName(), InstanceConnection::stateName(c->state()));
        if (c->state() == InstanceConnection::State::Live)
            text += c->canOperate() ? tr(" (operate, %1 actors)").arg(m_model->actorCount(c))
                                    : tr(" (read-only, %1 actors)").arg(m_model->actorCount(c));
        else if (c->state() == InstanceConnection::State::Connecting && !c->lastError().isEmpty())
            text += tr(" — retrying: %1").arg(c->lastError());
        else if (!c->lastError().isEmpty())
            text += u" — "_s + c->lastError();
        auto *item = new QListWidgetItem(stateLight(c->state()), text, m_instanceList);
        item->setToolTip(c->url().toString());
    }
}

const ActorRecord *MainWindow::selectedActor(InstanceConnection **connection) const
{
    const QModelIndex current = m_proxy->mapToSource(m_tree->currentIndex());
    if (connection)
        *connection = m_model->connection(current);
    return m_model->record(current);
}

bool MainWindow::selectActor(InstanceConnection *connection, const QString &actorId)
{
    const QModelIndex source = m_model->indexOf(connection, actorId);
    const QModelIndex proxyIndex = m_proxy->mapFromSource(source);
    if (!proxyIndex.isValid())
        return false;
    for (QModelIndex p = proxyIndex.parent(); p.isValid(); p = p.parent())
        m_tree->expand(p);
    m_tree->setCurrentIndex(proxyIndex);
    m_tree->scrollTo(proxyIndex);
    return true;
}

void MainWindow::updateActions()
{
    InstanceConnection *connection = nullptr;
    const ActorRecord *record = selectedActor(&connection);
    const bool live = record && connection && connection->state() == InstanceConnection::State::Live;
    const bool operate = live && connection->canOperate();
    const bool saved = record && connection && connection->isSaved();
    const QString readOnly = saved ? tr("disabled: a saved snapshot is read-only")
                                   : tr("disabled: this instance's token is read-only");
    for (Action a : {Action::Kill, Action::Restart, Action::Shutdown}) {
        m_actions.value(int(a))->setEnabled(operate);
        m_actions.value(int(a))->setToolTip((live || saved) && !operate ? readOnly : ActionDescriber::actionName(a));
    }
    m_actions.value(int(Action::Ping))->setEnabled(live);
    if (m_traceAction)
        m_traceAction->setEnabled(live);
    if (m_historyAction)
        m_historyAction->setEnabled(live && record->kind == u"view"_s);
    m_detail->setFetchEnabled(live);
}

void MainWindow::refreshDetail()
{
    InstanceConnection *connection = nullptr;
    const ActorRecord *record = selectedActor(&connection);
    if (!record && connection) { // an instance row
        m_detail->showInstance(*connection, m_model->actorCount(connection), m_model->instanceStats(connection));
        return;
    }
    m_detail->showActor(record, record && connection ? m_restartLog->entriesFor(connection->displayName(), record->id)
                                                     : QList<RestartLogModel::Entry>(),
                        connection ? connection->savedAtMs() : 0);
}

quint64 MainWindow::triggerAction(Action action)
{
    InstanceConnection *connection = nullptr;
    const ActorRecord *record = selectedActor(&connection);
    if (!record || !connection)
        return 0;
    const bool destructive = action == Action::Kill || action == Action::Restart || action == Action::Shutdown;
    if (destructive && !connection->canOperate()) {
        statusBar()->showMessage(tr("%1 refused here: the token is read-only").arg(ActionDescriber::actionName(action)), 8000);
        return 0;
    }
    const QString actorId = record->id;
    if (destructive) {
        const quint64 id = connection->sendPreview(actorId, ActionDescriber::previewAction(action));
        if (id) {
            m_previews.insert(id, {action, actorId});
            statusBar()->showMessage(tr("%1 %2: asking the runtime what it will do …").arg(ActionDescriber::actionName(action), actorId));
        }
        return id;
    }
    const quint64 id = connection->sendCommand(actorId, action, tr("operator action in liveactor-monitor"));
    if (id) {
        m_pending.insert(id, {action, actorId});
        statusBar()->showMessage(tr("%1 %2 …").arg(ActionDescriber::actionName(action), actorId));
    }
    return id;
}

void MainWindow::onPreview(InstanceConnection *connection, quint64 requestId, const pb::CommandResult &result)
{
    const Pending pending = m_previews.take(requestId);
    const ActorRecord *record = m_model->find(connection, pending.actorId);
    if (!record) { // gone while the preview was on its way
        statusBar()->showMessage(tr("%1: the actor is gone").arg(ActionDescriber::actionName(pending.action)), 8000);
        return;
    }
    auto name = [this, connection](const QString &id) {
        const ActorRecord *r = m_model->find(connection, id);
        if (!r)
            return id.left(8);
        return r->viewOrPath().isEmpty() ? u"%1 %2"_s.arg(r->kind, id.left(8))
                                         : u"%1 %2 %3"_s.arg(r->kind, r->viewOrPath(), id.left(8));
    };
    const QString preview = result.ok()
        ? ActionDescriber::previewText(result.preview(), name)
        : tr("The runtime gave no preview: %1").arg(QString::fromStdString(result.error_code() + ": " + result.message()));
    const QString text = ActionDescriber::confirmation(pending.action, *record, m_model->find(connection, record->parentId))
        + u"\n\n"_s + preview;
    if (!m_confirm(ActionDescriber::title(pending.action, *record), text)) {
        statusBar()->clearMessage();
        return;
    }
    const quint64 id = connection->sendCommand(pending.actorId, pending.action, tr("operator action in liveactor-monitor"));
    if (id) {
        m_pending.insert(id, pending);
        statusBar()->showMessage(tr("%1 %2 …").arg(ActionDescriber::actionName(pending.action), pending.actorId));
    }
}

void MainWindow::onCommandFinished(InstanceConnection *connection, quint64 requestId, bool ok, const QString &message,
                                   const QString &assigns)
{
    Q_UNUSED(connection);
    const auto it = m_pending.find(requestId);
    if (it == m_pending.end())
        return;
    const Pending pending = *it;
    m_pending.erase(it);
    const QString name = ActionDescriber::actionName(pending.action);
    if (pending.action == Action::FetchAssigns && pending.actorId == m_detail->actorId())
        m_detail->setAssigns(ok ? assigns : tr("(cannot fetch the assigns: %1)").arg(message));
    statusBar()->showMessage(ok ? tr("%1: %2").arg(name, message) : tr("%1 failed: %2").arg(name, message), 10000);
    Q_EMIT commandFinished(name, ok, message);
}

void MainWindow::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_tree->indexAt(pos);
    if (!index.isValid())
        return;
    m_tree->setCurrentIndex(index);
    if (!selectedActor())
        return;
    QMenu menu(this);
    for (Action a : {Action::Kill, Action::Restart, Action::Shutdown, Action::Ping})
        menu.addAction(m_actions.value(int(a)));
    menu.addAction(m_traceAction);
    menu.addAction(m_historyAction);
    menu.exec(m_tree->viewport()->mapToGlobal(pos));
}

// ---------------------------------------------------------------- saved snapshots

void MainWindow::addFileMenu()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open snapshot…"));
    open->setObjectName(u"openSnapshot"_s);
    open->setShortcut(QKeySequence::Open);
    connect(open, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open snapshot"), QString(),
                                                          tr("liveactor snapshots (*.liveactor.json);;All files (*)"));
        QString error;
        if (!path.isEmpty() && !openSnapshot(path, &error))
            QMessageBox::warning(this, tr("Open snapshot"), error);
    });
    QAction *save = file->addAction(tr("&Save snapshot…"));
    save->setObjectName(u"saveSnapshot"_s);
    save->setShortcut(QKeySequence::Save);
    connect(save, &QAction::triggered, this, [this] {
        InstanceConnection *connection = nullptr;
        selectedActor(&connection); // the selected row's instance, else the first one
        if (!connection && !m_connections.isEmpty())
            connection = m_connections.constFirst();
        if (!connection) {
            statusBar()->showMessage(tr("Save snapshot: no instance"), 8000);
            return;
        }
        const QString name = QString::fromStdString(connection->hello().instance_name());
        const QString suggested = u"%1-%2.liveactor.json"_s.arg(name.isEmpty() ? u"instance"_s : name,
                                                                QDateTime::currentDateTime().toString(u"yyyyMMdd-HHmmss"_s));
        const QString path = QFileDialog::getSaveFileName(this, tr("Save snapshot of %1").arg(connection->displayName()),
                                                          suggested, tr("liveactor snapshots (*.liveactor.json)"));
        QString error;
        if (path.isEmpty())
            return;
        if (saveSnapshot(connection, path, &error))
            statusBar()->showMessage(tr("Saved %1 to %2").arg(connection->displayName(), path), 8000);
        else
            QMessageBox::warning(this, tr("Save snapshot"), error);
    });
}

bool MainWindow::saveSnapshot(InstanceConnection *connection, const QString &path, QString *error)
{
    SavedSnapshot saved = SavedSnapshotFile::capture(*m_model, *m_restartLog, connection,
                                                     connection->isSaved() ? connection->savedAtMs()
                                                                           : QDateTime::currentMSecsSinceEpoch());
    saved.histories = connection->savedHistories();
    if (m_history->connection() == connection && !m_history->history().actorId().isEmpty())
        saved.histories.append(m_history->history().all());
    return SavedSnapshotFile::save(path, saved, error);
}

InstanceConnection *MainWindow::openSnapshot(const QString &path, QString *error)
{
    std::optional<SavedSnapshot> saved = SavedSnapshotFile::load(path, error);
    if (!saved)
        return nullptr;
    const QList<pb::HistoryBatch> histories = saved->histories;
    auto *connection = new InstanceConnection(path, std::move(*saved), this);
    adopt(connection);
    if (!histories.isEmpty()) // the pane shows one: the first
        m_history->showSaved(histories.constFirst(), u"%1: view %2"_s.arg(connection->displayName(),
                                                                           QString::fromStdString(histories.constFirst().actor_id()).left(8)));
    setWindowTitle(tr("liveactor monitor — %1").arg(connection->displayName()));
    statusBar()->showMessage(tr("%1: a saved snapshot, read-only").arg(connection->displayName()));
    return connection;
}

} // namespace LiveActor::Monitor
