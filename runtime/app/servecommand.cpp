#include "app/servecommand.h"

#include "app/signalwatcher.h"
#include "cluster/clusternode.h"
#include "cluster/fleetregistry.h"
#include "cluster/persiststore.h"
#include "core/actorsystem.h"
#include "liveview/httprequest.h"
#include "liveview/liveviewserver.h"
#include "liveview/logging.h"
#include "python/pythonapp.h"
#include "python/pythoninterpreter.h"
#include "telemetry/controlserver.h"
#include "telemetry/metrics.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QSysInfo>

#include <cstdlib>
#include <thread>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace LiveActor {

namespace {

/// The actor tree as indented lines: "session-supervisor (supervisor, executor 0, running)".
QString actorTree(const Registry &registry)
{
    const RegistrySnapshot snapshot = registry.snapshot();
    QHash<QUuid, int> depth;
    QString out;
    for (const ActorInfo &actor : snapshot.actors) {
        const int d = actor.parent.isNull() ? 0 : depth.value(actor.parent) + 1;
        depth.insert(actor.id, d);
        out += u"\n  "_s + QString(d * 2, u' ') + (actor.name.isEmpty() ? actor.id.toString(QUuid::WithoutBraces) : actor.name)
            + u" (%1, executor %2, %3)"_s.arg(actor.kind).arg(actor.executor).arg(actorStateName(actor.state));
    }
    return out;
}

/// The upload families of /metrics: gauges of what is in flight now, totals since start, and the
/// errors by the reason the client was sent.
QList<ExtraMetric> uploadMetrics(const UploadStats &u)
{
    QList<ExtraMetric> out = {
        {"liveactor_uploads_in_flight", "Upload entries holding a temporary file.", double(u.inFlight), false},
        {"liveactor_upload_bytes_in_flight", "Declared bytes of the entries in flight (bounded by the budget).",
         double(u.bytesInFlight), false},
        {"liveactor_upload_bytes_budget", "The bound on upload bytes in flight (maxUploadBytesInFlight).",
         double(u.bytesBudget), false},
        {"liveactor_upload_bytes_received_total", "Upload chunk bytes written to disk.", double(u.bytesReceived)},
        {"liveactor_uploads_completed_total", "Upload entries whose every declared byte arrived.", double(u.completed)},
    };
    for (size_t i = 0; i < u.errors.size(); ++i)
        out.append({"liveactor_upload_errors_total", "Upload entries, joins and chunks refused, by reason.",
                    double(u.errors[i]), true, "reason=\"" + QByteArray(uploadErrorName(UploadError(i))) + '"'});
    return out;
}

/// What this instance says of itself in the fleet registry (--redis). load is client events per
/// second since the previous sample (the registry samples every refresh period).
std::function<FleetInstance()> fleetSampler(const LiveViewServer &server, const ControlServer *control)
{
    struct Last
    {
        quint64 events = 0;
        QElapsedTimer since;
    };
    auto last = std::make_shared<Last>();
    last->since.start();
    const QDateTime started = QDateTime::currentDateTimeUtc();
    // Bound to every address (--host 0.0.0.0): others reach it by the machine's name.
    auto reachable = [](QUrl url) {
        if (QHostAddress(url.host()).isEqual(QHostAddress::AnyIPv4, QHostAddress::TolerantConversion)
            || QHostAddress(url.host()) == QHostAddress(QHostAddress::AnyIPv6))
            url.setHost(QSysInfo::machineHostName());
        return url.toString();
    };
    return [&server, control, last, started, reachable] {
        const ServerStats s = server.stats();
        FleetInstance i;
        i.controlUrl = control ? reachable(control->url()) : QString();
        i.httpUrl = reachable(QUrl(server.baseUrl()));
        i.pid = QCoreApplication::applicationPid();
        i.started = started;
        i.version = QCoreApplication::applicationVersion();
        i.sessions = s.activeSessions;
        i.views = s.activeViews;
        const qint64 ms = std::max<qint64>(1, last->since.restart());
        i.load = double(s.events - std::min(s.events, last->events)) * 1000.0 / double(ms);
        last->events = s.events;
        return i;
    };
}

} // namespace

int runServeCommand(const ServeOptions &options)
{
    auto python = PythonInterpreter::start({.handlerBudget = options.handlerBudget,
                                             .handlerTimeout = options.handlerTimeout,
                                             .devMode = options.reload,
                                             .workers = options.workers,
                                             .syncHandlers = options.syncHandlers});
    if (!python) {
        qCCritical(lcLiveView).noquote() << "cannot start Python:" << python.error().toString();
        return 1;
    }
    if (!options.django.isEmpty()) {
        if (auto r = (*python)->setupDjango(options.django); !r) {
            qCCritical(lcLiveView).noquote() << r.error().message;
            return 1;
        }
        qCInfo(lcLiveView).noquote() << "Django project" << options.django << "set up";
    }
    auto app = PythonApp::load(options.app);
    if (!app) {
        qCCritical(lcLiveView).noquote() << "cannot load" << options.app << "-" << app.error().toString();
        return 1;
    }

    ActorSystem system({.executors = options.executors});
    ServerConfig serverConfig = options.server;
    serverConfig.debugErrors = options.reload || options.debug;
    if (const auto csp = options.csp ? options.csp : (*app)->contentSecurityPolicy())
        serverConfig.contentSecurityPolicy = *csp;
    serverConfig.staticDir = options.staticDir.isEmpty() ? QDir((*app)->appDir()).filePath(u"static"_s) : options.staticDir;
    // A view waiting on a worker or a coroutine crashes a little after Python's own limit
    // (which raises HandlerTimeout / cancels): this catches calls stuck in C.
    serverConfig.suspendTimeout = options.handlerTimeout.count() > 0 ? options.handlerTimeout + std::chrono::milliseconds(2000)
                                                                     : std::chrono::milliseconds(0);
    // Draining: a session closes its socket once its views' records are written, within the
    // share of the timeout the server gives sessions.
    serverConfig.persistDrainTimeout = std::min(std::chrono::milliseconds(2000), options.shutdownTimeout / 4);
    std::unique_ptr<PersistStore> persistStore; // --redis: outlives the server, which saves into it
    LiveViewServer server(serverConfig, system);
    (*python)->setPubSub(&server.pubsub());
    PythonInterpreter *interpreter = python->get();
    // After the server (its PubSub) and destroyed before it; stopped after the actors.
    std::unique_ptr<ClusterNode> cluster;
    const QString instanceName = !options.instanceName.isEmpty()
        ? options.instanceName
        : QSysInfo::machineHostName() + u'-' + QString::number(QCoreApplication::applicationPid());
    if (!options.redis.isEmpty()) {
        auto url = RedisUrl::parse(options.redis); // checked by parseServeOptions
        const QString &name = instanceName;
        cluster = std::make_unique<ClusterNode>(ClusterConfig{*url, name, options.presenceTtl}, server.pubsub(),
                                                &PythonInterpreter::messageToJson);
        cluster->start(); // Redis absent: the instance serves alone and keeps trying (degraded mode)
        // Views that resume: their records on their own connection, keyed with the server's
        // secret (shared by the fleet, or pages would not join across instances).
        persistStore = std::make_unique<PersistStore>(*url, options.persistTtl);
        persistStore->start(); // Redis absent: lookups miss (fresh mounts), records wait for it
        server.setViewStateStore(std::make_shared<RedisViewStates>(
            persistStore.get(), [&server] { return server.secret(); }, url->db));
    }
    if (!options.django.isEmpty()) {
        server.setSessionProvider([interpreter](const HttpRequest &request) {
            return interpreter->djangoSession(request.header("cookie"));
        });
    } else {
        // The session liveactor.http handlers store (a login form): what mount() receives.
        server.setSessionProvider([interpreter, &server](const HttpRequest &request) {
            return interpreter->cookieSession(request.header("cookie"), server.secret());
        });
    }
    server.setHttpHandler([interpreter, &server, debug = serverConfig.debugErrors](const HttpRequest &request) {
        return interpreter->httpDispatch(request, server.secret(), debug);
    });
    for (const PythonApp::Route &route : (*app)->routes()) {
        if (auto r = server.addRoute(route.pattern, route.factory); !r) {
            qCCritical(lcLiveView).noquote() << "route" << route.pattern << "-" << r.error().toString();
            return 1;
        }
        qCInfo(lcLiveView).noquote() << "route" << route.pattern << "->" << route.viewName;
    }
    server.setChildViewResolver([pythonApp = app->get()](const QString &view) { return pythonApp->childView(view); });
    server.addEndpoint(u"/metrics"_s, "text/plain; version=0.0.4; charset=utf-8", [&system, &server, &python, &cluster] {
        const ServerStats s = server.stats();
        const PythonStats p = (*python)->stats();
        const ClusterStats c = cluster ? cluster->stats() : ClusterStats{};
        QList<ExtraMetric> extra = {
            {"liveactor_python_workers", "Worker threads for Python callbacks that block.", double(p.workers), false},
            {"liveactor_python_workers_busy", "Workers running a callback now.", double(p.workersBusy), false},
            {"liveactor_python_workers_queued", "Callbacks waiting for a worker.", double(p.workersQueued), false},
            {"liveactor_python_workers_leaked", "Workers stuck in a call past twice the handler timeout (replaced).",
             double(p.workersLeaked), false},
            {"liveactor_python_async_tasks", "start_async / assign_async tasks running.", double(p.asyncTasks), false},
            {"liveactor_python_handler_timeouts_total", "Callbacks interrupted with HandlerTimeout.",
             double(p.interrupted + p.handlerTimeouts)},
            {"liveactor_python_crashes_total", "Python callbacks that raised (each crashed its view).", double(p.crashes)},
            {"liveactor_http_requests_total", "HTTP requests parsed.", double(s.httpRequests)},
            {"liveactor_page_renders_pending", "Page renders and Python HTTP handlers queued or running.",
             double(s.pageRendersPending), false},
            {"liveactor_page_renders_refused_total", "Requests answered 503: too many renders pending.",
             double(s.pageRendersRefused)},
            {"liveactor_websocket_upgrades_total", "WebSocket upgrades accepted.", double(s.connectionsAccepted)},
            {"liveactor_websocket_upgrades_refused_total", "Upgrades refused (vsn, origin, limit, handshake, shutdown).",
             double(s.connectionsRejected)},
            {"liveactor_websockets_open", "WebSockets open now.", double(s.openSockets), false},
            {"liveactor_joins_total", "Views joined.", double(s.joins)},
            {"liveactor_events_total", "Client events handled by views.", double(s.events)},
            {"liveactor_overloaded_total", "Pushes answered overloaded (a full session or view mailbox).",
             double(s.overloaded)},
            {"liveactor_malformed_frames_total", "WebSockets closed for a protocol error.", double(s.malformedFrames)},
            {"liveactor_slow_clients_dropped_total", "WebSockets cut off for not reading their replies.",
             double(s.slowClientsDropped)},
            {"liveactor_unjoined_bytes", "Bytes held in partial messages of WebSockets that have not joined.",
             double(s.unjoinedBytes), false},
            {"liveactor_unjoined_dropped_total", "WebSockets cut off for passing --max-unjoined-bytes.",
             double(s.unjoinedDropped)},
            {"liveactor_view_crashes_total", "Views that crashed or were killed while joined.", double(s.viewCrashes)},
            {"liveactor_sessions_reaped_total", "Sessions ended by the TTL after their socket went away.",
             double(s.sessionsReaped)},
            {"liveactor_health_kills_total", "Actors killed for missing a health ping.", double(s.healthKills)},
            {"liveactor_pubsub_dropped_total", "Broadcasts not delivered to a full mailbox.", double(s.pubsubDropped)},
            {"liveactor_cluster_published_total", "Messages sent to the other instances (--redis).", double(c.bus.published)},
            {"liveactor_cluster_received_total", "Messages from the other instances.", double(c.bus.received)},
            {"liveactor_cluster_dropped_total", "Messages for the other instances dropped while Redis was away.",
             double(c.bus.dropped)},
            {"liveactor_cluster_peers", "Other instances heard from within the presence TTL.", double(c.peers), false},
        };
        extra.append(uploadMetrics(s.uploads));
        return prometheusMetrics(system.registry(), extra, {
            {"liveactor_event_duration_seconds", "Client events from arrival at their view to the reply.",
             s.eventDurations},
        });
    });
    if (options.reload) {
        (*app)->setReloadEnabled(true);
        QObject::connect(app->get(), &PythonApp::reloaded, &server, [&system, &server] {
            server.clearDevError();
            // A killed view makes its session send phx_error; the browser rejoins and the fresh
            // mount gets the new class.
            int views = 0;
            for (const ActorInfo &actor : system.registry().snapshot().actors) {
                if (actor.kind == u"view") {
                    system.kill(actor.id);
                    ++views;
                }
            }
            qCInfo(lcLiveView) << "app reloaded; re-mounting" << views << "live views";
        });
        QObject::connect(app->get(), &PythonApp::reloadFailed, &server, [&server](const QString &error) {
            qCWarning(lcLiveView).noquote() << "reload failed, keeping the old code:\n" << error;
            server.reportDevError(u"Reloading the app failed (the old code keeps running)"_s, error);
        });
    }
    if (auto r = server.listen(); !r) {
        qCCritical(lcLiveView).noquote() << "cannot listen:" << r.error().toString();
        return 1;
    }
    std::unique_ptr<ControlServer> control;
    if (options.controlPort != 0) {
        control = std::make_unique<ControlServer>(system, ControlConfig{
            .host = options.server.host,
            .port = options.controlPort,
            .stateDir = options.server.stateDir,
            .operateToken = options.controlToken,
            .build = u"liveactor "_s + QCoreApplication::applicationVersion(),
        });
        control->setAssignsProvider([&server](const QUuid &id, int maxBytes, std::function<void(Result<QString>)> done) {
            server.inspectAssigns(id, maxBytes, std::move(done));
        });
        control->setInstanceStatsProvider([&python, &server] {
            const PythonStats p = (*python)->stats(); // takes the GIL: fine at tick rate
            InstanceStats stats{{u"python workers"_s, u"%1/%2 busy, %3 queued, %4 leaked"_s.arg(p.workersBusy)
                                     .arg(p.workers).arg(p.workersQueued).arg(p.workersLeaked)},
                                {u"async tasks"_s, QString::number(p.asyncTasks)}};
            const UploadStats u = server.stats().uploads;
            stats.uploads = UploadFigures{quint64(u.inFlight), quint64(u.bytesInFlight), quint64(u.bytesBudget),
                                          u.bytesReceived, u.completed, u.errorsTotal()};
            return stats;
        });
        if (auto r = control->start(); !r) {
            qCCritical(lcLiveView).noquote() << "cannot start the control plane:" << r.error().toString();
            return 1;
        }
    }
    // The fleet registry (--redis): once both URLs are known; same TTL as presence, so a dead
    // instance leaves the fleet when it leaves presence lists.
    std::unique_ptr<FleetRegistry> fleet;
    if (!options.redis.isEmpty()) {
        fleet = std::make_unique<FleetRegistry>(*RedisUrl::parse(options.redis), instanceName,
                                                fleetSampler(server, control.get()), options.presenceTtl / 3);
        fleet->start();
    }
    qCInfo(lcLiveView).noquote() << "liveactor" << QCoreApplication::applicationVersion() << "serving"
                                 << options.app << "on" << server.baseUrl() << "with" << system.executorCount()
                                 << "executors";
    qCInfo(lcLiveView).noquote() << "actor tree:" << actorTree(system.registry());

    SignalWatcher signals;
    QObject::connect(&signals, &SignalWatcher::terminationRequested, &server, [&](int signalNumber) {
        qCInfo(lcLiveView) << "signal" << signalNumber << "- shutting down";
        QElapsedTimer timer;
        timer.start();
        // A handler stuck on an executor thread would hold the executors' stop (and the exit)
        // for as long as it blocks: past the timeout the process ends without waiting for it.
        std::thread([timeout = options.shutdownTimeout] {
            std::this_thread::sleep_for(timeout + 1s);
            qCCritical(lcLiveView) << "shutdown took longer than" << timeout.count() << "ms (a handler is stuck): exiting";
            std::_Exit(0);
        }).detach();
        if (fleet)
            fleet->stop(1s); // out of the fleet first: ctl --redis and monitors stop picking it
        if (control)
            control->stop();
        const bool serverDone = server.shutdown(options.shutdownTimeout / 2);
        const bool actorsDone = system.shutdown(options.shutdownTimeout / 2);
        if (cluster)
            cluster->stop(1s); // the others drop this instance's presence now, not after the TTL
        if (persistStore && !persistStore->flush(1s)) // what sessions that timed out left
            qCWarning(lcLiveView) << "some views' persisted state was not written (Redis away)";
        qCInfo(lcLiveView) << "shut down in" << timer.elapsed() << "ms" << (serverDone && actorsDone ? "" : "(timed out; killed the rest)");
        QCoreApplication::quit();
    });
    return QCoreApplication::exec();
}

} // namespace LiveActor
