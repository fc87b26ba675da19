// liveactor-loadgen: drives a LiveView server over the Phoenix channel protocol (V2 JSON) and
// reports events/s, latency percentiles, errors, timeouts and its own CPU use. bench/README.md.
#include "loadconfig.h"
#include "loadworker.h"
#include "pagefetch.h"
#include "procstats.h"
#include "report.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QJsonDocument>

#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

using namespace Qt::StringLiterals;
using namespace LiveActor::Bench;
using Clock = std::chrono::steady_clock;

namespace {

void sleepFor(double seconds)
{
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

double since(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

[[noreturn]] void die(const QString &why)
{
    std::fprintf(stderr, "liveactor-loadgen: %s\n", qPrintable(why));
    std::exit(2);
}

LoadConfig parseArguments(const QCoreApplication &app)
{
    QCommandLineParser p;
    p.setApplicationDescription(u"Phoenix LiveView load generator (loopback only). Prints a table, "
                                "then one JSON line."_s);
    p.addHelpOption();
    const QCommandLineOption host(u"host"_s, u"Server address (127.x.x.x only)."_s, u"ip"_s, u"127.0.0.1"_s);
    const QCommandLineOption port(u"port"_s, u"Server port."_s, u"n"_s, u"4000"_s);
    const QCommandLineOption path(u"path"_s, u"LiveView page path."_s, u"path"_s, u"/"_s);
    const QCommandLineOption label(u"label"_s, u"Name in the report."_s, u"name"_s);
    const QCommandLineOption conns({u"c"_s, u"connections"_s}, u"WebSockets to open and join."_s, u"n"_s, u"100"_s);
    const QCommandLineOption threads({u"t"_s, u"threads"_s}, u"Generator threads (epoll loops)."_s, u"n"_s, u"1"_s);
    const QCommandLineOption mode(u"mode"_s, u"closed (next click when the reply arrives), open (--rate), "
                                             "idle (no clicks; heartbeats), fanout (no clicks; GET --publish-path "
                                             "every --publish-interval and time each stamped broadcast's diff)."_s,
                                  u"mode"_s, u"closed"_s);
    const QCommandLineOption rate(u"rate"_s, u"Open loop: target events/s in total."_s, u"n"_s, u"1000"_s);
    const QCommandLineOption inflight(u"max-inflight"_s, u"Open loop: outstanding events per connection."_s, u"n"_s, u"32"_s);
    const QCommandLineOption warmup(u"warmup"_s, u"Seconds of load before measuring."_s, u"s"_s, u"2"_s);
    const QCommandLineOption duration({u"d"_s, u"duration"_s}, u"Seconds measured (idle: held)."_s, u"s"_s, u"10"_s);
    const QCommandLineOption timeout(u"timeout"_s, u"Reply timeout, ms."_s, u"ms"_s, u"5000"_s);
    const QCommandLineOption heartbeat(u"heartbeat"_s, u"Heartbeat period per connection, ms (0 = none)."_s, u"ms"_s, u"0"_s);
    const QCommandLineOption connectTimeout(u"connect-timeout"_s, u"Seconds allowed for all joins."_s, u"s"_s, u"60"_s);
    const QCommandLineOption concurrency(u"connect-concurrency"_s, u"Joins in progress per thread."_s, u"n"_s, u"64"_s);
    const QCommandLineOption pagePer(u"page-per-connection"_s, u"GET a fresh page per connection (default: one page for all)."_s);
    const QCommandLineOption topic(u"topic"_s, u"page: join lv:<page id>; unique: lv:phx-lg<n> per connection "
                                               "(liveviewjs needs unique topics)."_s, u"kind"_s, u"page"_s);
    const QCommandLineOption event(u"event"_s, u"phx-click event name."_s, u"name"_s, u"inc"_s);
    const QCommandLineOption pid(u"server-pid"_s, u"Sample RSS and CPU of this process."_s, u"pid"_s);
    const QCommandLineOption json(u"json"_s, u"Also write the JSON result to this file."_s, u"file"_s);
    const QCommandLineOption rejoin(u"rejoin"_s, u"Rejoin after phx_error and reconnect a socket the server closed, "
                                                 "as phoenix.js does (for runs that kill actors)."_s);
    const QCommandLineOption publishPath(u"publish-path"_s, u"Fanout: the trigger route; ?seq=N is appended."_s,
                                         u"path"_s, u"/publish"_s);
    const QCommandLineOption publishInterval(u"publish-interval"_s, u"Fanout: ms between broadcasts; "
                                             "--duration / this = broadcasts."_s, u"ms"_s, u"1000"_s);
    for (const auto *o : {&host, &port, &path, &label, &conns, &threads, &mode, &rate, &inflight, &warmup, &duration,
                          &timeout, &heartbeat, &connectTimeout, &concurrency, &pagePer, &topic, &event, &pid, &json,
                          &rejoin, &publishPath, &publishInterval})
        p.addOption(*o);
    p.process(app);

    LoadConfig c;
    c.host = p.value(host).toLatin1();
    if (!c.host.startsWith("127."))
        die(u"refusing non-loopback host %1"_s.arg(p.value(host)));
    c.port = quint16(p.value(port).toUInt());
    c.path = p.value(path).toUtf8();
    c.label = p.value(label);
    c.connections = std::max(1, p.value(conns).toInt());
    c.threads = std::clamp(p.value(threads).toInt(), 1, 64);
    c.threads = std::min(c.threads, c.connections);
    const QString m = p.value(mode);
    c.mode = m == u"open"     ? LoadConfig::Mode::Open
           : m == u"idle"     ? LoadConfig::Mode::Idle
           : m == u"fanout"   ? LoadConfig::Mode::Fanout
                              : LoadConfig::Mode::Closed;
    if (m != u"open" && m != u"idle" && m != u"closed" && m != u"fanout")
        die(u"unknown --mode %1"_s.arg(m));
    c.rate = p.value(rate).toDouble();
    c.maxInFlight = std::max(1, p.value(inflight).toInt());
    c.warmupSeconds = std::clamp(p.value(warmup).toDouble(), 0.0, 600.0);
    c.durationSeconds = std::clamp(p.value(duration).toDouble(), 0.1, 3600.0);
    c.timeoutMs = std::clamp(p.value(timeout).toInt(), 10, 120000);
    c.heartbeatMs = std::max(0, p.value(heartbeat).toInt());
    c.connectTimeoutSeconds = std::clamp(p.value(connectTimeout).toDouble(), 1.0, 3600.0);
    c.connectConcurrency = std::max(1, p.value(concurrency).toInt());
    c.pagePerConnection = p.isSet(pagePer);
    c.topic = p.value(topic) == u"unique" ? LoadConfig::Topic::Unique : LoadConfig::Topic::Page;
    c.eventName = p.value(event).toUtf8();
    c.serverPid = p.value(pid).toLongLong();
    c.jsonPath = p.value(json);
    c.rejoin = p.isSet(rejoin);
    c.publishPath = p.value(publishPath).toUtf8();
    if (!c.publishPath.startsWith('/'))
        die(u"--publish-path must start with /"_s);
    c.publishIntervalMs = std::clamp(p.value(publishInterval).toInt(), 1, 3600000);
    return c;
}

/// --mode fanout: one trigger GET per interval (the server stamps and broadcasts inside it), then
/// waits until every session joined has every broadcast, or the reply timeout has passed since
/// the last trigger. delivered() counts (session, broadcast) pairs received so far.
std::vector<FanoutPublish> publishAll(const LoadConfig &config, int joined,
                                      const std::function<std::int64_t()> &delivered)
{
    const int count = std::max(1, int(std::lround(config.durationSeconds * 1000.0 / config.publishIntervalMs)));
    const QByteArray path = config.publishPath + (config.publishPath.contains('?') ? "&seq=" : "?seq=");
    std::vector<FanoutPublish> out;
    const auto start = Clock::now();
    for (int seq = 1; seq <= count; ++seq) {
        std::this_thread::sleep_until(start + std::chrono::milliseconds(std::int64_t(seq - 1) * config.publishIntervalMs));
        FanoutPublish p;
        p.seq = seq;
        p.sentUs = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch()).count();
        const auto t = Clock::now();
        auto body = httpGet(config.host, config.port, path + QByteArray::number(seq), config.timeoutMs);
        p.requestMs = since(t) * 1000.0;
        if (body)
            p.answer = body->left(40);
        else
            p.error = body.error();
        out.push_back(p);
    }
    const std::int64_t expected = std::int64_t(joined) * count;
    const auto last = Clock::now();
    while (delivered() < expected && since(last) * 1000.0 < config.timeoutMs)
        sleepFor(0.005);
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"liveactor-loadgen"_s);
    const LoadConfig config = parseArguments(app);

    // Every connection is a file descriptor (two briefly, with --page-per-connection).
    rlimit rl{};
    ::getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < rlim_t(config.connections + 64))
        die(u"open-file limit %1 is below %2 connections; raise ulimit -n"_s.arg(rl.rlim_cur).arg(config.connections));

    RunControl control;
    if (!config.pagePerConnection) {
        auto page = fetchPage(config.host, config.port, config.path, config.timeoutMs);
        if (!page)
            die(u"GET http://%1:%2%3: %4"_s.arg(QString::fromLatin1(config.host)).arg(config.port)
                    .arg(QString::fromUtf8(config.path), page.error()));
        control.sharedPage = std::make_shared<const PageInfo>(*page);
    }

    RunResult r;
    r.config = config;
    if (config.serverPid > 0)
        r.serverRssBeforeKiB = ProcStats::rssKiB(config.serverPid);

    std::vector<std::unique_ptr<LoadWorker>> workers;
    for (int i = 0; i < config.threads; ++i) {
        const int share = config.connections / config.threads + (i < config.connections % config.threads ? 1 : 0);
        workers.push_back(std::make_unique<LoadWorker>(config, control, i, share));
    }
    const auto connectStart = Clock::now();
    for (auto &w : workers)
        w->start();
    auto counts = [&](int *joined, int *failed) {
        *joined = *failed = 0;
        for (auto &w : workers) {
            *joined += w->stats().joined.load();
            *failed += w->stats().failed.load();
        }
    };
    int joined = 0, failed = 0;
    for (;;) {
        counts(&joined, &failed);
        if (joined + failed >= config.connections || since(connectStart) > config.connectTimeoutSeconds)
            break;
        sleepFor(0.02);
    }
    r.connectSeconds = since(connectStart);
    std::fprintf(stderr, "liveactor-loadgen: %d of %d joined in %.2f s (%d failed)\n", joined, config.connections,
                 r.connectSeconds, failed);
    if (joined == 0) {
        control.phase.store(Phase::Done);
        for (auto &w : workers)
            w->join();
        for (auto &w : workers)
            if (!w->stats().firstError.isEmpty())
                die(u"no connection joined: "_s + QString::fromUtf8(w->stats().firstError));
        die(u"no connection joined"_s);
    }
    if (config.serverPid > 0) {
        sleepFor(0.5);   // let the server finish allocating for the last joins
        r.serverRssJoinedKiB = ProcStats::rssKiB(config.serverPid);
    }

    const bool clicks = config.mode == LoadConfig::Mode::Closed || config.mode == LoadConfig::Mode::Open;
    if (clicks && config.warmupSeconds > 0) {
        control.phase.store(Phase::Warmup, std::memory_order_release);
        sleepFor(config.warmupSeconds);
    }
    r.startedAt = QDateTime::currentDateTime().toString(Qt::ISODate);
    const double cpu0 = ProcStats::selfCpuSeconds();
    const double scpu0 = config.serverPid > 0 ? ProcStats::cpuSeconds(config.serverPid) : -1;
    const auto t0 = Clock::now();
    control.phase.store(Phase::Measure, std::memory_order_release);
    std::vector<FanoutPublish> publishes;
    if (config.mode == LoadConfig::Mode::Fanout) {
        publishes = publishAll(config, joined, [&] {
            std::int64_t n = 0;
            for (auto &w : workers)
                n += w->stats().fanoutDelivered.load(std::memory_order_relaxed);
            return n;
        });
    } else {
        sleepFor(config.durationSeconds);
    }
    control.phase.store(Phase::Drain, std::memory_order_release);
    r.measuredSeconds = since(t0);
    const double cpu1 = ProcStats::selfCpuSeconds();
    const double scpu1 = config.serverPid > 0 ? ProcStats::cpuSeconds(config.serverPid) : -1;
    r.loadgenCpuPercent = 100.0 * (cpu1 - cpu0) / r.measuredSeconds;
    if (scpu0 >= 0 && scpu1 >= 0) {
        r.serverCpuSeconds = scpu1 - scpu0;
        r.serverCpuPercent = 100.0 * r.serverCpuSeconds / r.measuredSeconds;
    }
    if (config.serverPid > 0)
        r.serverRssEndKiB = ProcStats::rssKiB(config.serverPid);
    counts(&r.joined, &r.failed);
    r.joined = std::max(r.joined, joined);

    // Drain: replies to events sent in the window may still come; bounded by the timeout.
    const auto drainStart = Clock::now();
    for (;;) {
        std::int64_t inflight = 0;
        for (auto &w : workers)
            inflight += w->stats().inFlight.load();
        if (inflight <= 0 || since(drainStart) * 1000 > config.timeoutMs + 100)
            break;
        sleepFor(0.01);
    }
    control.phase.store(Phase::Done, std::memory_order_release);
    LatencyStats events, heartbeats, joins;
    std::vector<FanoutDelivery> deliveries;
    std::int64_t diffPushes = 0, diffBytes = 0, badStamps = 0;
    for (auto &w : workers) {
        w->join();
        WorkerStats &s = w->stats();
        r.sent += s.sent;
        r.ok += s.ok;
        r.replyBytes += s.replyBytes;
        r.errors += s.errors;
        r.timeouts += s.timeouts;
        r.skipped += s.skipped;
        r.disconnects += s.disconnects;
        r.heartbeatTimeouts += s.heartbeatTimeouts;
        r.rejoins += s.rejoins;
        r.reconnects += s.reconnects;
        r.killLosses += s.killLosses;
        events.merge(s.events);
        heartbeats.merge(s.heartbeats);
        joins.merge(s.joins);
        deliveries.insert(deliveries.end(), s.fanout.begin(), s.fanout.end());
        diffPushes += s.diffPushes;
        diffBytes += s.diffBytes;
        badStamps += s.badStamps;
        if (r.firstError.isEmpty())
            r.firstError = s.firstError;
    }
    r.events = events.summarize();
    r.heartbeats = heartbeats.summarize();
    r.joins = joins.summarize();
    if (config.mode == LoadConfig::Mode::Fanout) {
        r.fanout = FanoutResult::build(deliveries, publishes, joined);
        r.fanout.diffPushes = diffPushes;
        r.fanout.diffBytes = diffBytes;
        r.fanout.badStamps = badStamps;
    }

    const QByteArray json = QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact);
    std::fputs(qPrintable(r.table()), stdout);
    std::fputs(json.constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
    if (!config.jsonPath.isEmpty()) {
        QFile f(config.jsonPath);
        if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            f.write(json + '\n');
    }
    return 0;
}
