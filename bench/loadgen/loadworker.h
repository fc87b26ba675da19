#pragma once

#include "fanoutstats.h"
#include "latencystats.h"
#include "loadconfig.h"
#include "pagefetch.h"

#include <QByteArray>

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace LiveActor::Bench {

/// Phases of a run, set by the main thread and followed by every worker.
enum class Phase : int { Connect, Warmup, Measure, Drain, Done };

/// What the main thread shares with all workers (read-mostly; written only by the main thread).
struct RunControl
{
    std::atomic<Phase> phase{Phase::Connect};
    std::shared_ptr<const PageInfo> sharedPage;   ///< null when every connection GETs its own page
};

/// Counters of one worker; read by the main thread only after the worker has finished, except
/// the atomics, which it polls for progress.
struct WorkerStats
{
    std::atomic<int> joined{0};
    std::atomic<int> failed{0};        ///< connections that never joined (connect, upgrade, join)
    std::atomic<std::int64_t> inFlight{0};

    std::int64_t sent = 0;             ///< events sent in Measure
    std::int64_t ok = 0;               ///< ok replies received in Measure
    std::int64_t replyBytes = 0;       ///< text bytes of those replies (servers are compared at equal size)
    std::int64_t errors = 0;           ///< error replies, phx_error/phx_close, lost sockets in Measure
    std::int64_t timeouts = 0;         ///< replies later than timeoutMs (requests sent in Measure)
    std::int64_t skipped = 0;          ///< open loop: ticks with every connection at maxInFlight
    std::int64_t disconnects = 0;      ///< joined sockets lost before Done (any phase)
    std::int64_t heartbeatTimeouts = 0;
    std::int64_t rejoins = 0;          ///< --rejoin: phx_error answered by a rejoin (any phase)
    std::int64_t reconnects = 0;       ///< --rejoin: joined sockets closed by the server, reopened
    std::int64_t killLosses = 0;       ///< --rejoin: error replies followed by phx_error or close
    LatencyStats events;
    LatencyStats heartbeats;
    LatencyStats joins;
    std::atomic<std::int64_t> fanoutDelivered{0};   ///< --mode fanout: polled by the publisher
    std::vector<FanoutDelivery> fanout;   ///< --mode fanout: every stamped message received
    std::int64_t diffPushes = 0;          ///< --mode fanout: diff frames received
    std::int64_t diffBytes = 0;
    std::int64_t badStamps = 0;
    QByteArray firstError;             ///< the first error seen, for the report
};

/// One epoll loop on its own std::thread driving a share of the connections: page GET (if per
/// connection), WebSocket upgrade, phx_join, then clicks (closed or open loop) and heartbeats.
/// Owns its connections; communicates only through RunControl (in) and WorkerStats (out).
class LoadWorker
{
public:
    LoadWorker(const LoadConfig &config, const RunControl &control, int index, int connectionCount);
    ~LoadWorker();

    void start();
    void join();
    WorkerStats &stats() { return m_stats; }

private:
    struct Conn;
    void run();
    bool startConnection(Conn &c);
    void onText(Conn &c, std::string_view text);
    void onFanoutDiff(Conn &c, std::string_view text);
    void sendEvent(Conn &c, std::int64_t t0);
    void sendHeartbeat(Conn &c, std::int64_t now);
    void markDead(Conn &c, const QByteArray &why);
    void sendJoin(Conn &c);
    /// --rejoin: the view (rejoin) or the socket (reconnect) was lost; otherwise markDead.
    void recover(Conn &c, bool socketLost, const QByteArray &why);
    void settleHeldErrors(Conn &c, bool killed);
    void updateInterest(Conn &c);
    void tick(std::int64_t now, Phase phase);
    void openLoopSend(std::int64_t now);
    bool counting() const;

    const LoadConfig &m_config;
    const RunControl &m_control;
    int m_index;
    int m_count;
    std::thread m_thread;
    WorkerStats m_stats;
    std::vector<std::unique_ptr<Conn>> m_conns;
    int m_epoll = -1;
    int m_started = 0;
    int m_pending = 0;          ///< started, not yet joined or failed
    Phase m_phase = Phase::Connect;
    std::int64_t m_nextSendNs = 0;
    double m_intervalNs = 0;
    std::size_t m_rr = 0;
    std::int64_t m_lastTimeoutScan = 0;
    std::int64_t m_lastHbScan = 0;
};

} // namespace LiveActor::Bench
