#pragma once

#include "core/latencyhistogram.h"

#include <QStringView>
#include <QtGlobal>

#include <array>
#include <atomic>

namespace LiveActor {

/// Why an upload failed, for the counters (`liveactor_upload_errors_total{reason}`). The labels are
/// the reasons the client is sent (uploadReasonName()), plus "protocol" for binary frames the
/// session could not use (malformed, unknown topic or event: the socket or the push is refused).
enum class UploadError {
    TooLarge,              ///< preflight: an entry over max_file_size
    NotAccepted,           ///< preflight: type/extension not in accept
    TooManyFiles,          ///< preflight: more entries than max_entries
    FileSizeLimitExceeded, ///< a chunk past the declared size
    TooManyBytesInFlight,  ///< a join past maxUploadBytesInFlight (UploadBudget)
    InvalidToken,          ///< a join with a missing, forged, expired or foreign token
    NotAllowed,            ///< a join for an entry its view cancelled, consumed or never preflighted
    WriteFailed,           ///< the disk write failed
    Protocol,
    Count
};

/// The label of `error` ("too_large", …, "protocol").
const char *uploadErrorName(UploadError error);
/// The preflight reason `reason` names (too_large, not_accepted, too_many_files), or Count.
UploadError uploadErrorFromReason(QStringView reason);

/// A copy of the upload counters (ServerStats::uploads).
struct UploadStats
{
    int inFlight = 0;            ///< entries holding a temporary file (and a share of the budget)
    qint64 bytesInFlight = 0;    ///< declared bytes those entries reserve in the budget
    qint64 bytesBudget = 0;      ///< maxUploadBytesInFlight
    quint64 bytesReceived = 0;   ///< chunk bytes written to disk since start
    quint64 completed = 0;       ///< entries whose every declared byte arrived
    std::array<quint64, size_t(UploadError::Count)> errors{};
    quint64 errorsTotal() const;
};

/// A copy of the server's counters (LiveViewServer::stats()). Plain value type.
struct ServerStats
{
    quint64 httpRequests = 0;
    quint64 connectionsAccepted = 0;  ///< WebSocket upgrades accepted
    quint64 connectionsRejected = 0;  ///< upgrades refused: bad vsn, origin, limit, shutdown
    int activeSessions = 0;
    int activeViews = 0;
    quint64 joins = 0;
    quint64 events = 0;               ///< client events handled by views
    quint64 overloaded = 0;           ///< pushes answered "overloaded" (a full session or view mailbox)
    quint64 malformedFrames = 0;      ///< sockets closed for a protocol error
    quint64 slowClientsDropped = 0;   ///< sockets cut off: more than maxOutboundBytes unsent
    quint64 unjoinedDropped = 0;      ///< sockets cut off: their partial message passed maxUnjoinedBytes
    qint64 unjoinedBytes = 0;         ///< bytes held now in partial messages of sockets not joined
    quint64 viewCrashes = 0;          ///< abnormal view exits reported to the client as phx_error
    quint64 sessionsReaped = 0;       ///< sessions ended by the TTL after their socket went away
    quint64 healthKills = 0;          ///< actors killed for missing a health ping
    quint64 pubsubDropped = 0;        ///< broadcasts not delivered to a full mailbox
    int pageRendersPending = 0;       ///< page renders and Python HTTP handlers queued or running
    quint64 pageRendersRefused = 0;   ///< requests answered 503: maxPendingRenders were pending
    int openSockets = 0;              ///< WebSockets currently open (what maxConnections limits);
                                      ///< a closed socket is not counted, even while its session
                                      ///< lives on for sessionTtl
    /// Client events from arrival at their view to the reply, including time suspended on a
    /// worker or an await (what a user waits for, minus the network).
    LatencyHistogram::Snapshot eventDurations;
    UploadStats uploads;
};

/// The live counters behind ServerStats. Internal to the server and its actors; any thread.
struct ServerCounters
{
    std::atomic<quint64> httpRequests{0};
    std::atomic<quint64> connectionsAccepted{0};
    std::atomic<quint64> connectionsRejected{0};
    std::atomic<int> activeSessions{0};
    std::atomic<int> activeViews{0};
    std::atomic<quint64> joins{0};
    std::atomic<quint64> events{0};
    std::atomic<quint64> overloaded{0};
    std::atomic<quint64> malformedFrames{0};
    std::atomic<quint64> slowClientsDropped{0};
    std::atomic<quint64> unjoinedDropped{0};
    std::atomic<qint64> unjoinedBytes{0};
    std::atomic<quint64> viewCrashes{0};
    std::atomic<quint64> sessionsReaped{0};
    std::atomic<quint64> healthKills{0};
    std::atomic<int> openSockets{0};
    std::atomic<int> pageRendersPending{0};
    std::atomic<quint64> pageRendersRefused{0};
    LatencyHistogram eventDurations;      ///< upgraded descriptors not yet closed (connection limit)
    std::atomic<quint64> uploadBytesReceived{0};
    std::atomic<quint64> uploadsCompleted{0};
    std::array<std::atomic<quint64>, size_t(UploadError::Count)> uploadErrors{};

    void countUploadError(UploadError error) { uploadErrors[size_t(error)].fetch_add(1, std::memory_order_relaxed); }
};

} // namespace LiveActor
