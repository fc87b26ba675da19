#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>

namespace LiveActor::Bench {

/// How a load run drives the server: a plain value filled from the command line by main.cpp.
struct LoadConfig
{
    enum class Mode { Closed, Open, Idle, Fanout };
    enum class Topic { Page, Unique };

    QByteArray host = "127.0.0.1";   ///< loopback only: the generator refuses anything else
    quint16 port = 4000;
    QByteArray path = "/";           ///< page to GET (and the join "url")
    QString label;                   ///< name in the table and JSON ("liveviewjs", "liveactor-py", …)

    int connections = 100;
    int threads = 1;                 ///< epoll loops; connections are spread round-robin
    Mode mode = Mode::Closed;
    double rate = 0;                 ///< open loop: target events/s over all connections
    int maxInFlight = 32;            ///< open loop: per connection; beyond it a tick is "skipped"
    double warmupSeconds = 2;
    double durationSeconds = 10;
    int timeoutMs = 5000;            ///< a reply later than this counts as a timeout
    int heartbeatMs = 0;             ///< 0: none; else every connection heartbeats at this period
    double connectTimeoutSeconds = 60;
    int connectConcurrency = 64;     ///< handshakes+joins in progress per thread

    bool pagePerConnection = false;  ///< GET a fresh page (own id, csrf, session) per connection
    Topic topic = Topic::Page;       ///< join "lv:<page id>" or a unique "lv:phx-lg…" per connection
    QByteArray eventName = "inc";    ///< phx-click event sent as {"type":"click","event":…}
    /// Recover as phoenix.js does when the server kills actors (bench/soak): phx_error → rejoin on
    /// the same socket; a joined socket closed by the server → a new socket and join. An error
    /// reply is held back until the connection shows whether its view died (phx_error or close
    /// follows: a kill loss) or not (an ok reply follows, or the run ends: an error).
    bool rejoin = false;
    /// --mode fanout: GET publishPath?seq=N every publishIntervalMs while measuring; the server
    /// broadcasts a stamped message to every session (bench/loadtest/fanout).
    QByteArray publishPath = "/publish";
    int publishIntervalMs = 1000;

    qint64 serverPid = 0;            ///< if set: RSS and CPU of that process are sampled
    QString jsonPath;                ///< also write the JSON result there
};

} // namespace LiveActor::Bench
