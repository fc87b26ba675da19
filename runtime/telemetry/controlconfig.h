#pragma once

#include <QHostAddress>
#include <QString>

#include <chrono>

namespace LiveActor {

/// How to build a ControlServer. A plain value type; the app fills it from flags and config.
struct ControlConfig
{
    /// Listen address and port of the control plane (its own port, loopback by default).
    /// Port 0 = any free port (tests); ControlServer::port() tells which.
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 4001;
    /// The runtime's state directory: control_token (operate scope), control_token_readonly and
    /// control.json (how local monitors find this instance) are written here, 0600. Empty = write
    /// nothing (tokens must then be configured).
    QString stateDir = QStringLiteral(".state");
    /// Tokens; empty = generate 32 random bytes (hex) at start.
    QString operateToken;
    QString readOnlyToken;
    /// Shown in Hello; empty = "<host name>:<port>".
    QString instanceName;
    /// Build string shown in Hello.
    QString build;
    /// Delta tick when the subscriber asks for none (ms).
    int defaultIntervalMs = 250;
    /// A subscriber with more than this many bytes not yet written to its socket is "behind":
    /// it gets no deltas until it drains, then one fresh snapshot.
    qint64 slowSubscriberBytes = 4 * 1024 * 1024;
    /// CPU budget of the delta ticks, as a fraction of one core, shared by all subscribers. When a
    /// tick (snapshot + diff + encode) costs more than the budget allows at the subscriber's
    /// interval, that subscriber's interval is stretched (never shortened below what it asked
    /// for), so a very large registry slows the update rate instead of loading the runtime.
    /// 0 = no budget.
    double tickCpuBudget = 0.025;
    /// Incoming frames larger than this close the connection.
    qint64 maxFrameBytes = 64 * 1024;
    /// Restart records kept for snapshots and the restart log.
    int restartHistory = 200;
    /// Message traces (TraceStart): the most records per second one trace may send (a TraceStart
    /// may ask for fewer), how often batches go out, and how many traces one connection may run.
    int traceMaxPerSecond = 2000;
    int traceBatchMs = 100;
    int maxTracesPerClient = 8;
    /// Assigns histories (HistoryStart): entries kept per view when the monitor asks for no
    /// length, the most it may ask for, the default cap of a payload or value (bytes), how often
    /// batches go out, and how many views one connection may keep a history of.
    int historyLength = 100;
    int historyMaxLength = 1000;
    int historyMaxValueBytes = 2048;
    int historyBatchMs = 100;
    int maxHistoriesPerClient = 1024;
    /// Append audit lines to <stateDir>/audit.log as well as the log.
    bool auditFile = true;
};

} // namespace LiveActor
