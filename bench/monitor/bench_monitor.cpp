// Control plane + monitor benchmark (bench/monitor/run). Not a CTest test.
//
// The runtime side (this process): an ActorSystem with S sessions × V views (default 10k × 2,
// plus a root), a load thread that sends one message each to ~1,000 random views every 250 ms
// (so every tick has a delta of about that size), and a ControlServer. The monitor side is a
// child process (this executable with --monitor) that applies everything it receives to
// ActorTreeModel + ActorFilterProxy, exactly as liveactor-monitor does, and reports timings.
//
// Measured: the control plane's CPU (the main thread, which runs only the ControlServer) per
// second of wall time with one monitor attached; snapshot size and build+encode time; the
// monitor's time to apply the full snapshot and ~1,000-change deltas (live ones, and synthetic
// deltas of exactly 1,000 mailbox updates), then the same synthetic deltas with the Top pane
// (TopModel + its sorted proxy) attached, and Top's once-a-second refresh.
//
// With --trace: the message trace instead (runTrace). With --history-client: a control-plane client
// that keeps an assigns history of every view of a running instance (bench/monitor/history).
#include "core/actor.h"
#include "core/actorsystem.h"
#include "monitor_app/core/actorfilterproxy.h"
#include "monitor_app/core/actortreemodel.h"
#include "monitor_app/core/instanceconnection.h"
#include "monitor_app/core/topmodel.h"
#include "telemetry/controlserver.h"
#include "telemetry/protoconvert.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTextStream>
#include <QThread>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <vector>

using namespace LiveActor;
using namespace Qt::StringLiterals;
namespace pb = ::liveactor::monitor::v1;

namespace {

struct Tick
{
};

class Idle : public Actor
{
protected:
    Result<void> handle(Message &) override { return {}; }
};

double threadCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

double processCpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

// ---------------------------------------------------------------- monitor side (child process)

int runMonitor(const QUrl &url, const QString &token, int seconds)
{
    using namespace LiveActor::Monitor;
    InstanceConnection connection(url, token);
    connection.setIntervalMs(250);
    ActorTreeModel model;
    ActorFilterProxy proxy;
    proxy.setSourceModel(&model);
    proxy.sort(ActorTreeModel::MailboxColumn, Qt::DescendingOrder); // as a user sorting by fill would
    model.addInstance(&connection); // connects the model to the connection's signals…
    QObject::disconnect(&connection, nullptr, &model, nullptr); // …but we time the calls ourselves
    double snapshotMs = -1;
    double snapshotCpuMs = -1;
    qint64 snapshotActors = 0;
    std::vector<double> deltaMs;
    std::vector<double> deltaChanges;
    QObject::connect(&connection, &InstanceConnection::snapshotReceived, &model, [&](const pb::Snapshot &s) {
        QElapsedTimer t;
        t.start();
        const double cpu0 = threadCpuSeconds();
        model.applySnapshot(&connection, s);
        if (snapshotMs < 0) {
            snapshotMs = double(t.nsecsElapsed()) / 1e6;
            snapshotCpuMs = (threadCpuSeconds() - cpu0) * 1000.0;
            snapshotActors = s.actors_size();
        }
    });
    QObject::connect(&connection, &InstanceConnection::deltaReceived, &model, [&](const pb::Delta &d) {
        QElapsedTimer t;
        t.start();
        model.applyDelta(&connection, d);
        deltaMs.push_back(double(t.nsecsElapsed()) / 1e6);
        deltaChanges.push_back(double(d.added_size() + d.removed_size() + d.changed_size() + d.mailbox_size()));
    });
    connection.open();
    QTimer::singleShot(seconds * 1000, qApp, &QCoreApplication::quit);
    QCoreApplication::exec();

    // Synthetic deltas of exactly 1,000 mailbox updates on random actors, with the sorted proxy
    // attached (the worst case: every update may move a row).
    std::vector<QString> ids;
    {
        std::function<void(const QModelIndex &)> walk = [&](const QModelIndex &parent) {
            for (int r = 0; r < model.rowCount(parent); ++r) {
                const QModelIndex idx = model.index(r, 0, parent);
                const QString id = idx.data(ActorTreeModel::IdRole).toString();
                if (!id.isEmpty())
                    ids.push_back(id);
                walk(idx);
            }
        };
        walk({});
    }
    auto *rng = QRandomGenerator::global();
    auto syntheticRounds = [&](int firstRound, std::vector<double> &wallMs, std::vector<double> &cpuMs) {
        for (int round = firstRound; round < firstRound + 20 && !ids.empty(); ++round) {
            pb::Delta d;
            d.set_time_ms(QDateTime::currentMSecsSinceEpoch() + round * 250);
            for (int i = 0; i < 1000; ++i) {
                pb::MailboxUpdate *u = d.add_mailbox();
                u->set_id(ids[size_t(rng->bounded(int(ids.size())))].toStdString());
                u->mutable_mailbox()->set_length(quint32(rng->bounded(50)));
                u->mutable_mailbox()->set_capacity(50);
                u->mutable_mailbox()->set_processed(quint64(round * 10 + i));
            }
            QElapsedTimer t;
            t.start();
            const double cpu0 = threadCpuSeconds();
            model.applyDelta(&connection, d);
            QCoreApplication::sendPostedEvents(); // what is deferred to the event loop counts too
            wallMs.push_back(double(t.nsecsElapsed()) / 1e6);
            cpuMs.push_back((threadCpuSeconds() - cpu0) * 1000.0);
        }
    };
    std::vector<double> syntheticMs;
    std::vector<double> syntheticCpuMs;
    syntheticRounds(0, syntheticMs, syntheticCpuMs);

    // The same with the Top pane attached (TopModel flattening every actor, its proxy sorted by
    // msgs/s), then Top's once-a-second work: re-rank hot actors, re-sort.
    QElapsedTimer topTimer;
    topTimer.start();
    TopModel top(&model);
    ActorFilterProxy topProxy;
    topProxy.setSourceModel(&top);
    topProxy.sort(TopModel::RateColumn, Qt::DescendingOrder);
    const double topAttachMs = double(topTimer.nsecsElapsed()) / 1e6;
    std::vector<double> topSyntheticMs;
    std::vector<double> topSyntheticCpuMs;
    syntheticRounds(20, topSyntheticMs, topSyntheticCpuMs);
    std::vector<double> topRefreshMs;
    std::vector<double> topRefreshCpuMs;
    for (int i = 0; i < 5; ++i) {
        topTimer.restart();
        const double cpu0 = threadCpuSeconds();
        top.refresh();
        topProxy.refresh();
        topRefreshMs.push_back(double(topTimer.nsecsElapsed()) / 1e6);
        topRefreshCpuMs.push_back((threadCpuSeconds() - cpu0) * 1000.0);
    }
    QJsonObject out{
        {u"snapshot_apply_ms"_s, snapshotMs},
        {u"snapshot_apply_cpu_ms"_s, snapshotCpuMs},
        {u"synthetic_1000_cpu_median_ms"_s, median(syntheticCpuMs)},
        {u"snapshot_actors"_s, snapshotActors},
        {u"model_actors"_s, model.actorCount(&connection)},
        {u"deltas"_s, qint64(deltaMs.size())},
        {u"delta_apply_median_ms"_s, median(deltaMs)},
        {u"delta_apply_p95_ms"_s, percentile(deltaMs, 0.95)},
        {u"delta_changes_median"_s, median(deltaChanges)},
        {u"synthetic_1000_median_ms"_s, median(syntheticMs)},
        {u"synthetic_1000_max_ms"_s, syntheticMs.empty() ? 0.0 : *std::max_element(syntheticMs.begin(), syntheticMs.end())},
        {u"top_attach_ms"_s, topAttachMs},
        {u"top_synthetic_1000_median_ms"_s, median(topSyntheticMs)},
        {u"top_synthetic_1000_cpu_median_ms"_s, median(topSyntheticCpuMs)},
        {u"top_refresh_median_ms"_s, median(topRefreshMs)},
        {u"top_refresh_cpu_median_ms"_s, median(topRefreshCpuMs)},
        {u"process_cpu_s"_s, processCpuSeconds()},
    };
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << '\n';
    return 0;
}

// ---------------------------------------------------------------- history client (--history-client)

/// Attaches to a running instance's control plane (bench/monitor/history starts `liveactor serve`
/// under load) and keeps an assigns history of every view that exists or appears, up to
/// maxViews, for `seconds`; prints one JSON line: histories started and refused, entries and
/// batches received, this client's CPU.
int runHistoryClient(const QUrl &url, const QString &token, int seconds, int maxViews)
{
    using namespace LiveActor::Monitor;
    InstanceConnection connection(url, token);
    connection.setAutoReconnect(false);
    QSet<QString> asked;
    quint64 entries = 0, batches = 0, lost = 0, ended = 0;
    auto track = [&](const pb::Actor &a) {
        const QString id = QString::fromStdString(a.id());
        if (a.kind() != "view" || asked.contains(id) || asked.size() >= maxViews)
            return;
        if (connection.sendHistory(id, true) != 0)
            asked.insert(id);
    };
    QObject::connect(&connection, &InstanceConnection::snapshotReceived, [&](const pb::Snapshot &s) {
        for (const pb::Actor &a : s.actors())
            track(a);
    });
    QObject::connect(&connection, &InstanceConnection::deltaReceived, [&](const pb::Delta &d) {
        for (const pb::Actor &a : d.added())
            track(a);
    });
    QObject::connect(&connection, &InstanceConnection::historyBatchReceived, [&](const pb::HistoryBatch &b) {
        ++batches;
        entries += quint64(b.entries_size());
        lost += b.lost();
        if (b.stopped())
            ++ended; // the view exited (its connection closed) or the history could not start
    });
    quint64 refused = 0;
    QObject::connect(&connection, &InstanceConnection::commandFinished, [&](quint64, const pb::CommandResult &r) {
        if (!r.ok())
            ++refused;
    });
    connection.open();
    // Ends after `seconds`, or earlier on SIGTERM (the driver's way to end it and get the JSON line).
    static volatile std::sig_atomic_t terminated = 0;
    std::signal(SIGTERM, [](int) { terminated = 1; });
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, [] {
        if (terminated)
            QCoreApplication::quit();
    });
    poll.start(50);
    QTimer::singleShot(seconds * 1000, qApp, &QCoreApplication::quit);
    QCoreApplication::exec();
    const QJsonObject out{
        {u"histories_started"_s, qint64(asked.size())},
        {u"refused"_s, qint64(refused)},
        {u"ended"_s, qint64(ended)},
        {u"entries"_s, qint64(entries)},
        {u"batches"_s, qint64(batches)},
        {u"lost"_s, qint64(lost)},
        {u"client_cpu_s"_s, processCpuSeconds()},
    };
    QTextStream(stdout) << QJsonDocument(out).toJson(QJsonDocument::Compact) << '\n';
    return 0;
}

// ---------------------------------------------------------------- runtime side

/// Any free port, fixed tokens, no state files.
ControlConfig benchControlConfig()
{
    ControlConfig config;
    config.port = 0;
    config.stateDir.clear();
    config.operateToken = u"bench-operate"_s;
    config.readOnlyToken = u"bench-read"_s;
    return config;
}

int runRuntime(int sessions, int views, int seconds)
{
    QTextStream out(stdout);
    ActorSystem system(SystemConfig{.executors = 2});
    QElapsedTimer spawnTimer;
    spawnTimer.start();
    ActorRef root = system.spawn<Idle>({.kind = u"supervisor"_s, .name = u"sessions"_s});
    std::vector<ActorRef> viewRefs;
    viewRefs.reserve(size_t(sessions * views));
    for (int s = 0; s < sessions; ++s) {
        ActorRef session = system.spawn<Idle>({.kind = u"session"_s, .capacity = 100, .parent = root, .linkToParent = false,
                                               .detail = {{u"peer"_s, u"127.0.0.1:%1"_s.arg(20000 + s % 40000)}}});
        for (int v = 0; v < views; ++v)
            viewRefs.push_back(system.spawn<Idle>({.kind = u"view"_s, .capacity = 50, .parent = session,
                                                   .detail = {{u"path"_s, u"/page/%1"_s.arg(v)}}}));
    }
    while (system.registry().count() < 1 + sessions * (1 + views))
        QThread::msleep(10);
    const int actors = system.registry().count();
    const double spawnS = double(spawnTimer.elapsed()) / 1000.0;

    // Snapshot build + encode, as the server does for a new subscriber.
    std::vector<double> snapMs;
    size_t snapBytes = 0;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer t;
        t.start();
        const RegistrySnapshot snap = system.registry().snapshot();
        pb::ServerMessage msg;
        for (const ActorInfo &info : snap.actors)
            ProtoConvert::actor(info, msg.mutable_snapshot()->add_actors());
        snapBytes = msg.SerializeAsString().size();
        snapMs.push_back(double(t.nsecsElapsed()) / 1e6);
    }

    ControlServer server(system, benchControlConfig());
    if (auto r = server.start(); !r) {
        out << "cannot start control server: " << r.error().toString() << '\n';
        return 1;
    }

    // Load: ~1,000 random views get one message every 250 ms.
    std::atomic<bool> stop{false};
    std::thread load([&] {
        auto *rng = QRandomGenerator::global();
        while (!stop.load()) {
            for (int i = 0; i < 1000; ++i)
                viewRefs[size_t(rng->bounded(int(viewRefs.size())))].tell(Tick{});
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
        }
    });

    // Baseline: the main thread with the control server listening, no monitor.
    auto measure = [&](int ms) {
        const double cpu0 = threadCpuSeconds();
        QElapsedTimer wall;
        wall.start();
        QEventLoop loop;
        QTimer::singleShot(ms, &loop, &QEventLoop::quit);
        loop.exec();
        return (threadCpuSeconds() - cpu0) / (double(wall.nsecsElapsed()) / 1e9);
    };
    const double idleShare = measure(2000);

    QProcess monitor;
    monitor.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    monitor.start(QCoreApplication::applicationFilePath(),
                  {u"--monitor"_s, server.url().toString(), u"bench-operate"_s, QString::number(seconds + 3)});
    if (!monitor.waitForStarted(5000)) {
        out << "cannot start the monitor process\n";
        return 1;
    }
    // Let it connect and take the first snapshot, then measure a steady window.
    QElapsedTimer firstSnapshot;
    firstSnapshot.start();
    while (server.stats().snapshotsSent == 0 && firstSnapshot.elapsed() < 20000)
        measure(50);
    measure(1000);
    const ControlServer::Stats before = server.stats();
    const double attachedShare = measure(seconds * 1000);
    const ControlServer::Stats after = server.stats();
    monitor.waitForFinished(60000);
    stop = true;
    load.join();
    const QJsonObject m = QJsonDocument::fromJson(monitor.readAllStandardOutput().trimmed().split('\n').last()).object();

    const double deltasPerS = double(after.deltasSent - before.deltasSent) / seconds;
    const double kbPerS = double(after.bytesSent - before.bytesSent) / 1024.0 / seconds;
    auto row = [&](const QString &what, const QString &value, const QString &goal) {
        out << u"| %1 | %2 | %3 |\n"_s.arg(what, -70).arg(value, 20).arg(goal, 6);
    };
    double loadAvg[3] = {0, 0, 0};
    if (getloadavg(loadAvg, 3) < 0)
        loadAvg[0] = -1;
    out << u"\nliveactor control plane + monitor — %1 sessions × %2 views (%3 actors, spawned in %4 s), "
           "~1,000 view messages per 250 ms, %5 s window, 2 executors, load average %6 on %7 cores\n\n"_s
               .arg(sessions).arg(views).arg(actors).arg(spawnS, 0, 'f', 1).arg(seconds).arg(loadAvg[0], 0, 'f', 1)
               .arg(QThread::idealThreadCount());
    row(u"metric"_s, u"value"_s, u"goal"_s);
    row(u"---"_s, u"---:"_s, u"---:"_s);
    row(u"control-plane CPU, no monitor (% of one core)"_s, QString::number(idleShare * 100, 'f', 2), QString());
    row(u"control-plane CPU, one monitor at 250 ms (% of one core)"_s, QString::number(attachedShare * 100, 'f', 2), u"< 3"_s);
    row(u"deltas sent per second (effective tick, ms)"_s,
        u"%1 (%2)"_s.arg(deltasPerS, 0, 'f', 1).arg(after.lastIntervalMs), QString());
    row(u"control-plane traffic (KiB/s)"_s, QString::number(kbPerS, 'f', 1), QString());
    row(u"snapshot size (MiB)"_s, QString::number(double(snapBytes) / 1048576.0, 'f', 2), QString());
    row(u"snapshot build + encode (ms, median of 5)"_s, QString::number(median(snapMs), 'f', 1), QString());
    row(u"monitor: apply full snapshot (ms wall / ms CPU)"_s,
        u"%1 / %2"_s.arg(m.value(u"snapshot_apply_ms"_s).toDouble(), 0, 'f', 1).arg(m.value(u"snapshot_apply_cpu_ms"_s).toDouble(), 0, 'f', 1),
        u"< 100"_s);
    row(u"monitor: live deltas applied"_s, QString::number(m.value(u"deltas"_s).toInteger()), QString());
    row(u"monitor: live delta size (changes, median)"_s, QString::number(m.value(u"delta_changes_median"_s).toDouble(), 'f', 0), QString());
    row(u"monitor: apply live delta (ms, median / p95)"_s,
        u"%1 / %2"_s.arg(m.value(u"delta_apply_median_ms"_s).toDouble(), 0, 'f', 2).arg(m.value(u"delta_apply_p95_ms"_s).toDouble(), 0, 'f', 2),
        QString());
    row(u"monitor: apply 1,000-change delta (ms wall median / max / CPU median)"_s,
        u"%1 / %2 / %3"_s.arg(m.value(u"synthetic_1000_median_ms"_s).toDouble(), 0, 'f', 2)
            .arg(m.value(u"synthetic_1000_max_ms"_s).toDouble(), 0, 'f', 2)
            .arg(m.value(u"synthetic_1000_cpu_median_ms"_s).toDouble(), 0, 'f', 2),
        u"< 10"_s);
    row(u"monitor + Top: attach Top to the full model (ms)"_s, QString::number(m.value(u"top_attach_ms"_s).toDouble(), 'f', 1), QString());
    row(u"monitor + Top: apply 1,000-change delta (ms wall median / CPU median)"_s,
        u"%1 / %2"_s.arg(m.value(u"top_synthetic_1000_median_ms"_s).toDouble(), 0, 'f', 2)
            .arg(m.value(u"top_synthetic_1000_cpu_median_ms"_s).toDouble(), 0, 'f', 2),
        u"< 10"_s);
    row(u"monitor + Top: once-a-second refresh, rank + sort (ms wall / CPU, median of 5)"_s,
        u"%1 / %2"_s.arg(m.value(u"top_refresh_median_ms"_s).toDouble(), 0, 'f', 1)
            .arg(m.value(u"top_refresh_cpu_median_ms"_s).toDouble(), 0, 'f', 1),
        u"< 100"_s);
    row(u"monitor: actors in its model at the end"_s, QString::number(m.value(u"model_actors"_s).toInteger()), QString::number(actors));
    out << '\n';
    out.flush();
    server.stop();
    system.shutdown(std::chrono::milliseconds(10000));
    return 0;
}

// --trace: one view handling ~10,000 messages/s; the control plane's CPU (main thread) without
// a trace, then with one trace on that view and an in-process client on the same thread that
// decodes every TraceBatch (so the figure is an upper bound for the server alone).
int runTrace(int seconds)
{
    QTextStream out(stdout);
    ActorSystem system(SystemConfig{.executors = 2});
    ActorRef view = system.spawn<Idle>({.kind = u"view"_s, .capacity = 1000});
    ControlServer server(system, benchControlConfig());
    if (auto r = server.start(); !r) {
        out << "cannot start control server: " << r.error().toString() << '\n';
        return 1;
    }
    std::atomic<bool> stop{false};
    std::thread load([&] {
        // 10 messages per millisecond: ~10,000/s (less if the sleep overshoots; measured below).
        while (!stop.load()) {
            for (int i = 0; i < 10; ++i)
                view.tell(Tick{});
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    });
    auto processed = [&] { return system.registry().find(view.id())->mailbox.processed; };
    struct Window { double cpuShare; double eventsPerS; };
    auto measure = [&](int ms) {
        const quint64 n0 = processed();
        const double cpu0 = threadCpuSeconds();
        QElapsedTimer wall;
        wall.start();
        QEventLoop loop;
        QTimer::singleShot(ms, &loop, &QEventLoop::quit);
        loop.exec();
        const double s = double(wall.nsecsElapsed()) / 1e9;
        return Window{(threadCpuSeconds() - cpu0) / s, double(processed() - n0) / s};
    };
    measure(500);
    const Window off = measure(seconds * 1000);

    QWebSocket client;
    quint64 records = 0, dropped = 0, batches = 0;
    QObject::connect(&client, &QWebSocket::binaryMessageReceived, [&](const QByteArray &frame) {
        pb::ServerMessage msg;
        if (msg.ParseFromArray(frame.constData(), int(frame.size())) && msg.has_trace_batch()) {
            ++batches;
            records += quint64(msg.trace_batch().records_size());
            dropped = msg.trace_batch().dropped();
        }
    });
    QObject::connect(&client, &QWebSocket::connected, [&] {
        pb::ClientMessage auth;
        auth.mutable_auth()->set_token("bench-read");
        pb::ClientMessage start;
        start.mutable_command()->set_actor_id(ProtoConvert::id(view.id()));
        start.mutable_command()->mutable_trace_start()->set_reason("bench");
        for (const pb::ClientMessage &m : {auth, start}) {
            const std::string bytes = m.SerializeAsString();
            client.sendBinaryMessage(QByteArray(bytes.data(), qsizetype(bytes.size())));
        }
    });
    client.open(server.url());
    while (server.traceCount() == 0)
        measure(20);
    measure(500);
    records = dropped = batches = 0;
    const Window on = measure(seconds * 1000);
    const quint64 sentRecords = records, droppedAtEnd = dropped, sentBatches = batches;
    client.close();
    stop = true;
    load.join();

    auto row = [&](const QString &what, const QString &value) {
        out << u"| %1 | %2 |\n"_s.arg(what, -62).arg(value, 14);
    };
    out << u"\nliveactor message trace — one view at ~10,000 messages/s, %1 s windows, 2 executors\n\n"_s.arg(seconds);
    row(u"metric"_s, u"value"_s);
    row(u"---"_s, u"---:"_s);
    row(u"view messages/s, no trace"_s, QString::number(off.eventsPerS, 'f', 0));
    row(u"view messages/s, traced"_s, QString::number(on.eventsPerS, 'f', 0));
    row(u"control-plane CPU, no trace (% of one core)"_s, QString::number(off.cpuShare * 100, 'f', 2));
    row(u"control-plane CPU + client decode, one trace (% of one core)"_s, QString::number(on.cpuShare * 100, 'f', 2));
    row(u"trace records received per second (limit 2,000)"_s, QString::number(double(sentRecords) / seconds, 'f', 0));
    row(u"trace batches per second"_s, QString::number(double(sentBatches) / seconds, 'f', 1));
    row(u"records dropped by the rate limit (since start)"_s, QString::number(droppedAtEnd));
    out << '\n';
    out.flush();
    server.stop();
    system.shutdown(std::chrono::milliseconds(5000));
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() >= 5 && args.at(1) == u"--monitor"_s)
        return runMonitor(QUrl(args.at(2)), args.at(3), args.at(4).toInt());
    if (args.size() >= 6 && args.at(1) == u"--history-client"_s)
        return runHistoryClient(QUrl(args.at(2)), args.at(3), args.at(4).toInt(), args.at(5).toInt());
    int sessions = 10000, views = 2, seconds = 10;
    if (args.contains(u"--trace"_s)) {
        const qsizetype i = args.indexOf(u"--seconds"_s);
        return runTrace(i > 0 && i + 1 < args.size() ? args.at(i + 1).toInt() : 5);
    }
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args.at(i) == u"--sessions"_s)
            sessions = args.at(i + 1).toInt();
        else if (args.at(i) == u"--views"_s)
            views = args.at(i + 1).toInt();
        else if (args.at(i) == u"--seconds"_s)
            seconds = args.at(i + 1).toInt();
    }
    return runRuntime(sessions, views, seconds);
}
