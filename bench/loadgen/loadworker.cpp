#include "loadworker.h"

#include "phoenixframe.h"
#include "wsconnection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>

namespace LiveActor::Bench {

namespace {

/// CLOCK_REALTIME in µs: the clock the fanout servers stamp their broadcasts with.
std::int64_t wallMicros()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch()).count();
}

std::int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch()).count();
}

void appendJsonString(std::string &out, const QByteArray &s)
{
    out += '"';
    for (char ch : s) {
        if (ch == '"' || ch == '\\')
            out += '\\';
        out += ch;
    }
    out += '"';
}

} // namespace

struct LoadWorker::Conn
{
    enum class State { Pending, Joining, Joined, Dead };
    WsConnection ws;
    State state = State::Pending;
    bool writeArmed = true;
    PageInfo page;
    std::string topic;
    std::string joinRef;
    std::uint64_t joinRefNum = 0;
    std::uint64_t nextRef = 1;
    std::int64_t joinSentNs = 0;
    std::int64_t startNs = 0;
    struct InFlight { std::uint64_t ref; std::int64_t t0; bool counted; };
    std::vector<InFlight> inFlight;
    int heldErrors = 0;          ///< --rejoin: error replies not yet known to be kill losses
    bool rejoining = false;      ///< --rejoin: a rejoin on this socket is in progress
    std::uint64_t hbRef = 0;
    std::int64_t hbSentNs = 0;
    std::int64_t nextHbNs = 0;
    int lastSeq = 0;             ///< --mode fanout: the newest broadcast this connection has seen
};

LoadWorker::LoadWorker(const LoadConfig &config, const RunControl &control, int index, int connectionCount)
    : m_config(config), m_control(control), m_index(index), m_count(connectionCount)
{
}

LoadWorker::~LoadWorker()
{
    join();
    if (m_epoll >= 0)
        ::close(m_epoll);
}

void LoadWorker::start()
{
    m_thread = std::thread([this] { run(); });
}

void LoadWorker::join()
{
    if (m_thread.joinable())
        m_thread.join();
}

bool LoadWorker::counting() const
{
    return m_phase == Phase::Measure;
}

bool LoadWorker::startConnection(Conn &c)
{
    if (m_control.sharedPage) {
        c.page = *m_control.sharedPage;
    } else {
        auto page = fetchPage(m_config.host, m_config.port, m_config.path, m_config.timeoutMs);
        if (!page) {
            markDead(c, QByteArray("page: ") + page.error().toUtf8());
            return false;
        }
        c.page = *page;
    }
    if (m_config.topic == LoadConfig::Topic::Page) {
        c.topic = "lv:" + c.page.id.toStdString();
    } else {
        thread_local std::mt19937_64 rng{std::random_device{}()};
        c.topic = "lv:phx-lg" + std::to_string(m_index) + '-' + std::to_string(m_started) + '-'
            + std::to_string(rng() & 0xffffffff);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(m_config.port);
    ::inet_pton(AF_INET, m_config.host.constData(), &addr.sin_addr);
    const QByteArray hostHeader = m_config.host + ':' + QByteArray::number(m_config.port);
    const QByteArray target = "/live/websocket?_csrf_token=" + c.page.csrf.toPercentEncoding() + "&vsn=2.0.0";
    if (!c.ws.start(addr, hostHeader, target)) {
        markDead(c, c.ws.error());
        return false;
    }
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.ptr = &c;
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.ws.fd(), &ev);
    c.writeArmed = true;
    c.startNs = nowNs();
    return true;
}

void LoadWorker::markDead(Conn &c, const QByteArray &why)
{
    if (c.state == Conn::State::Dead)
        return;
    if (m_stats.firstError.isEmpty())
        m_stats.firstError = why;
    if (c.state == Conn::State::Joined) {
        if (m_phase != Phase::Done)
            ++m_stats.disconnects;
        if (counting())
            ++m_stats.errors;
        m_stats.joined.fetch_sub(1, std::memory_order_relaxed);
    } else {
        m_stats.failed.fetch_add(1, std::memory_order_relaxed);
        --m_pending;
    }
    m_stats.inFlight.fetch_sub(std::int64_t(c.inFlight.size()), std::memory_order_relaxed);
    c.inFlight.clear();
    c.state = Conn::State::Dead;
    if (c.ws.fd() >= 0)
        ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.ws.fd(), nullptr);
    c.ws.close();
}

void LoadWorker::settleHeldErrors(Conn &c, bool killed)
{
    (killed ? m_stats.killLosses : m_stats.errors) += c.heldErrors;
    c.heldErrors = 0;
}

void LoadWorker::recover(Conn &c, bool socketLost, const QByteArray &why)
{
    const bool draining = m_phase == Phase::Drain || m_phase == Phase::Done;
    if (c.rejoining) {   // lost again before the rejoin was answered: still counted as joined
        c.rejoining = false;
        c.state = Conn::State::Joined;
    }
    if (!m_config.rejoin || c.state != Conn::State::Joined || draining) {
        settleHeldErrors(c, false);
        markDead(c, why);
        return;
    }
    settleHeldErrors(c, true);
    m_stats.inFlight.fetch_sub(std::int64_t(c.inFlight.size()), std::memory_order_relaxed);
    c.inFlight.clear();   // lost with the view: neither ok, error nor timeout
    c.hbRef = 0;
    if (!socketLost) {
        ++m_stats.rejoins;
        c.rejoining = true;
        c.state = Conn::State::Joining;
        sendJoin(c);
        updateInterest(c);
        return;
    }
    // A fresh connection in every respect (counted as joined again once its join is answered).
    ++m_stats.reconnects;
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.ws.fd(), nullptr);
    c.ws.close();
    c.state = Conn::State::Pending;
    c.rejoining = false;
    m_stats.joined.fetch_sub(1, std::memory_order_relaxed);
    ++m_pending;
    startConnection(c);
}

void LoadWorker::sendJoin(Conn &c)
{
    c.joinRefNum = c.nextRef++;
    c.joinRef = std::to_string(c.joinRefNum);
    std::string join;
    join.reserve(512 + std::size_t(c.page.session.size()));
    join += "[\"" + c.joinRef + "\",\"" + c.joinRef + "\",\"" + c.topic + "\",\"phx_join\",{\"url\":";
    appendJsonString(join, QByteArray("http://") + m_config.host + ':' + QByteArray::number(m_config.port) + m_config.path);
    join += ",\"params\":{\"_csrf_token\":";
    appendJsonString(join, c.page.csrf);
    join += ",\"_mounts\":0,\"_mount_attempts\":0},\"session\":";
    appendJsonString(join, c.page.session);
    join += ",\"static\":";
    if (c.page.staticToken.isEmpty())
        join += "null";
    else
        appendJsonString(join, c.page.staticToken);
    join += ",\"sticky\":false}]";
    c.state = Conn::State::Joining;
    c.joinSentNs = nowNs();
    c.ws.sendText(join);
}

void LoadWorker::updateInterest(Conn &c)
{
    const bool want = c.ws.wantsWrite();
    if (want == c.writeArmed || c.ws.fd() < 0)
        return;
    epoll_event ev{};
    ev.events = want ? (EPOLLIN | EPOLLOUT) : EPOLLIN;
    ev.data.ptr = &c;
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.ws.fd(), &ev);
    c.writeArmed = want;
}

void LoadWorker::sendEvent(Conn &c, std::int64_t t0)
{
    const std::uint64_t ref = c.nextRef++;
    std::string msg;
    msg.reserve(160 + c.topic.size());
    msg += "[\"";
    msg += c.joinRef;
    msg += "\",\"";
    msg += std::to_string(ref);
    msg += "\",\"";
    msg += c.topic;
    msg += "\",\"event\",{\"type\":\"click\",\"event\":";
    appendJsonString(msg, m_config.eventName);
    msg += ",\"value\":{\"value\":\"\"}}]";
    c.inFlight.push_back({ref, t0, counting()});
    m_stats.inFlight.fetch_add(1, std::memory_order_relaxed);
    if (counting())
        ++m_stats.sent;
    c.ws.sendText(msg);
    updateInterest(c);
}

void LoadWorker::sendHeartbeat(Conn &c, std::int64_t now)
{
    c.hbRef = c.nextRef++;
    c.hbSentNs = now;
    c.ws.sendText("[null,\"" + std::to_string(c.hbRef) + "\",\"phoenix\",\"heartbeat\",{}]");
    updateInterest(c);
}

void LoadWorker::onText(Conn &c, std::string_view text)
{
    PhoenixFrame f;
    if (!PhoenixFrame::parse(text, &f)) {
        if (m_stats.firstError.isEmpty())
            m_stats.firstError = QByteArray("unparsable frame: ") + QByteArray(text.data(), qsizetype(std::min<size_t>(text.size(), 200)));
        if (counting())
            ++m_stats.errors;
        return;
    }
    const std::int64_t now = nowNs();
    if (f.event == "phx_reply" && f.hasRef) {
        if (f.topic == "phoenix") {
            if (c.hbRef != 0 && f.ref == c.hbRef) {
                if (counting())
                    m_stats.heartbeats.add(now - c.hbSentNs);
                c.hbRef = 0;
            }
            return;
        }
        if (c.state == Conn::State::Joining && f.ref == c.joinRefNum) {
            if (f.status == "ok" && c.rejoining) {   // the same socket, already counted as joined
                c.rejoining = false;
                c.state = Conn::State::Joined;
                if (m_config.mode == LoadConfig::Mode::Closed
                    && (m_phase == Phase::Warmup || m_phase == Phase::Measure))
                    sendEvent(c, now);
            } else if (f.status == "ok") {
                c.state = Conn::State::Joined;
                --m_pending;
                m_stats.joins.add(now - c.joinSentNs);
                m_stats.joined.fetch_add(1, std::memory_order_relaxed);
                if (m_config.heartbeatMs > 0) {
                    thread_local std::mt19937_64 rng{std::random_device{}()};
                    c.nextHbNs = now + std::int64_t(rng() % (std::uint64_t(m_config.heartbeatMs) * 1000000));
                }
                if (m_config.mode == LoadConfig::Mode::Closed
                    && (m_phase == Phase::Warmup || m_phase == Phase::Measure))
                    sendEvent(c, now);
            } else {
                if (c.rejoining) {   // counted as joined: leave the way a joined socket leaves
                    c.rejoining = false;
                    c.state = Conn::State::Joined;
                    settleHeldErrors(c, false);
                }
                markDead(c, QByteArray("join refused: ") + QByteArray(f.payload.data(), qsizetype(std::min<size_t>(f.payload.size(), 200))));
            }
            return;
        }
        for (std::size_t i = 0; i < c.inFlight.size(); ++i) {
            if (c.inFlight[i].ref != f.ref)
                continue;
            const auto req = c.inFlight[i];
            c.inFlight[i] = c.inFlight.back();
            c.inFlight.pop_back();
            m_stats.inFlight.fetch_sub(1, std::memory_order_relaxed);
            if (f.status == "ok")
                settleHeldErrors(c, false);   // the view answered: those errors were not a kill
            if (req.counted) {
                if (f.status == "ok") {
                    ++m_stats.ok;
                    m_stats.replyBytes += std::int64_t(text.size());
                    m_stats.events.add(now - req.t0);
                } else if (m_config.rejoin) {
                    ++c.heldErrors;
                } else {
                    ++m_stats.errors;
                    if (m_stats.firstError.isEmpty())
                        m_stats.firstError = QByteArray("error reply: ") + QByteArray(f.payload.data(), qsizetype(std::min<size_t>(f.payload.size(), 200)));
                }
            }
            if (m_config.mode == LoadConfig::Mode::Closed
                && (m_phase == Phase::Warmup || m_phase == Phase::Measure))
                sendEvent(c, now);
            return;
        }
        return;   // a late reply to a request already counted as a timeout
    }
    if (f.event == "phx_error")
        recover(c, false, "server sent phx_error");
    else if (f.event == "phx_close")
        markDead(c, "server sent phx_close");
    else if (f.event == "diff" && m_config.mode == LoadConfig::Mode::Fanout)
        onFanoutDiff(c, text);
    // other "diff" pushes and anything else: ignored
}

void LoadWorker::onFanoutDiff(Conn &c, std::string_view text)
{
    // No phase check: this loop may still be in epoll_wait with the old phase when the first
    // broadcast's diffs arrive, and only this run's trigger sends stamps (seq 1..n).
    const std::int64_t receivedUs = wallMicros();
    ++m_stats.diffPushes;
    m_stats.diffBytes += std::int64_t(text.size());
    // A diff may carry older messages again (a re-sent list): only stamps newer than the last one
    // this connection saw are deliveries.
    int newest = c.lastSeq;
    m_stats.badStamps += scanFanoutStamps(text, [&](int seq, std::int64_t publishedUs) {
        if (seq <= c.lastSeq)
            return;
        newest = std::max(newest, seq);
        m_stats.fanout.push_back({seq, publishedUs, receivedUs});
        m_stats.fanoutDelivered.fetch_add(1, std::memory_order_relaxed);
    });
    c.lastSeq = newest;
}

void LoadWorker::tick(std::int64_t now, Phase phase)
{
    const std::int64_t timeoutNs = std::int64_t(m_config.timeoutMs) * 1000000;
    const bool scanTimeouts = now - m_lastTimeoutScan >= 50'000'000;
    if (scanTimeouts)
        m_lastTimeoutScan = now;
    bool heartbeats = m_config.heartbeatMs > 0 && phase != Phase::Done && now - m_lastHbScan >= 10'000'000;
    if (heartbeats)
        m_lastHbScan = now;
    if (!scanTimeouts && !heartbeats)
        return;
    for (auto &cp : m_conns) {
        Conn &c = *cp;
        if (c.state == Conn::State::Dead)
            continue;
        if (c.state == Conn::State::Pending) {
            if (scanTimeouts && c.startNs != 0 && now - c.startNs > 2 * timeoutNs)
                markDead(c, "connect/upgrade timeout");
            continue;
        }
        if (c.state == Conn::State::Joining) {
            if (scanTimeouts && now - c.joinSentNs > timeoutNs && c.joinSentNs != 0)
                markDead(c, "join timeout");
            continue;
        }
        if (heartbeats && c.hbRef == 0 && now >= c.nextHbNs) {
            c.nextHbNs = now + std::int64_t(m_config.heartbeatMs) * 1000000;
            sendHeartbeat(c, now);
        }
        if (!scanTimeouts)
            continue;
        if (c.hbRef != 0 && now - c.hbSentNs > timeoutNs) {
            if (counting())
                ++m_stats.heartbeatTimeouts;
            c.hbRef = 0;
        }
        bool resend = false;
        for (std::size_t i = 0; i < c.inFlight.size();) {
            if (now - c.inFlight[i].t0 > timeoutNs) {
                if (c.inFlight[i].counted)
                    ++m_stats.timeouts;
                c.inFlight[i] = c.inFlight.back();
                c.inFlight.pop_back();
                m_stats.inFlight.fetch_sub(1, std::memory_order_relaxed);
                resend = true;
            } else {
                ++i;
            }
        }
        if (resend && m_config.mode == LoadConfig::Mode::Closed && c.inFlight.empty()
            && (phase == Phase::Warmup || phase == Phase::Measure))
            sendEvent(c, now);
    }
}

void LoadWorker::openLoopSend(std::int64_t now)
{
    // Latency is measured from the intended send time, so a server (or generator) that falls
    // behind shows up in the percentiles instead of silently lowering the offered rate.
    int budget = 20000;
    while (m_nextSendNs <= now && budget-- > 0) {
        const std::int64_t t0 = m_nextSendNs;
        m_nextSendNs = t0 + std::int64_t(m_intervalNs);
        bool sent = false;
        for (std::size_t tries = 0; tries < m_conns.size(); ++tries) {
            Conn &c = *m_conns[m_rr++ % m_conns.size()];
            if (c.state == Conn::State::Joined && int(c.inFlight.size()) < m_config.maxInFlight) {
                sendEvent(c, t0);
                sent = true;
                break;
            }
        }
        if (!sent && counting())
            ++m_stats.skipped;
    }
}

void LoadWorker::run()
{
    m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    m_conns.reserve(std::size_t(m_count));
    for (int i = 0; i < m_count; ++i)
        m_conns.push_back(std::make_unique<Conn>());
    m_stats.joins.reserve(std::size_t(m_count));
    const bool open = m_config.mode == LoadConfig::Mode::Open;
    if (open)
        m_intervalNs = 1e9 * m_config.threads / std::max(1.0, m_config.rate);

    std::vector<epoll_event> events(1024);
    for (;;) {
        const Phase phase = m_control.phase.load(std::memory_order_acquire);
        if (phase != m_phase) {
            const Phase old = m_phase;
            m_phase = phase;
            if (phase == Phase::Done)
                break;
            const std::int64_t now = nowNs();
            if (old == Phase::Connect && (phase == Phase::Warmup || phase == Phase::Measure)) {
                if (open)
                    m_nextSendNs = now;
                else if (m_config.mode == LoadConfig::Mode::Closed)
                    for (auto &c : m_conns)
                        if (c->state == Conn::State::Joined && c->inFlight.empty())
                            sendEvent(*c, now);
            }
        }
        // Start connections, a bounded number at a time (the server's accept backlog is finite).
        while (m_started < m_count && m_pending < m_config.connectConcurrency && m_phase != Phase::Done) {
            Conn &c = *m_conns[std::size_t(m_started)];
            ++m_pending;
            ++m_started;
            startConnection(c);
        }

        int waitMs = 10;
        if (open && (m_phase == Phase::Warmup || m_phase == Phase::Measure)) {
            const std::int64_t dt = m_nextSendNs - nowNs();
            waitMs = dt <= 0 ? 0 : int(std::min<std::int64_t>(10, (dt + 999999) / 1000000));
        }
        const int n = ::epoll_wait(m_epoll, events.data(), int(events.size()), waitMs);
        for (int i = 0; i < n; ++i) {
            Conn &c = *static_cast<Conn *>(events[std::size_t(i)].data.ptr);
            if (c.state == Conn::State::Dead)
                continue;
            const std::uint32_t ev = events[std::size_t(i)].events;
            if (ev & EPOLLOUT) {
                c.ws.onWritable();
                if (c.ws.state() == WsConnection::State::Closed) {
                    recover(c, true, c.ws.error());
                    continue;
                }
            }
            if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
                const bool opened = c.ws.onReadable([&](std::string_view text) { onText(c, text); });
                if (opened && c.state == Conn::State::Pending)
                    sendJoin(c);
                if (c.ws.state() == WsConnection::State::Closed) {
                    recover(c, true, c.ws.error());
                    continue;
                }
            }
            updateInterest(c);
        }
        const std::int64_t now = nowNs();
        if (open && (m_phase == Phase::Warmup || m_phase == Phase::Measure))
            openLoopSend(now);
        tick(now, m_phase);
    }
    for (auto &c : m_conns) {
        settleHeldErrors(*c, false);
        if (c->state == Conn::State::Joined)
            m_stats.joined.fetch_sub(1, std::memory_order_relaxed);
        c->ws.close();
    }
}

} // namespace LiveActor::Bench
