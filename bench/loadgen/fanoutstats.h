#pragma once

#include "latencystats.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <string_view>
#include <vector>

namespace LiveActor::Bench {

/// One broadcast's diff as one connection received it (wall clock, µs since the epoch).
struct FanoutDelivery
{
    int seq = 0;
    std::int64_t publishedUs = 0;   ///< the server's stamp, taken right before its broadcast call
    std::int64_t receivedUs = 0;
};

/// What --mode fanout's publisher did for one broadcast (main thread).
struct FanoutPublish
{
    int seq = 0;
    std::int64_t sentUs = 0;   ///< wall clock when the trigger GET was sent
    double requestMs = 0;      ///< round trip of the trigger GET (the server stamps inside it)
    QByteArray answer;         ///< the trigger's body: subscribers the message was queued for
    QString error;             ///< empty when the trigger answered 200
};

/// Finds the "fanout:<seq>:<µs since the epoch>" stamps in a diff push (bench/loadtest/fanout_app.py
/// renders each message's stamp as one expression, so it arrives whole). Calls found(seq, µs) for
/// each; returns how many stamps were malformed.
template<typename F>
int scanFanoutStamps(std::string_view text, F &&found)
{
    constexpr std::string_view marker = "fanout:";
    int bad = 0;
    for (std::size_t p = text.find(marker); p != std::string_view::npos; p = text.find(marker, p)) {
        p += marker.size();
        std::int64_t numbers[2] = {0, 0};
        bool ok = true;
        for (int i = 0; i < 2 && ok; ++i) {
            const std::size_t start = p;
            while (p < text.size() && text[p] >= '0' && text[p] <= '9' && p - start < 18)
                numbers[i] = numbers[i] * 10 + (text[p++] - '0');
            ok = p > start && (i == 1 || (p < text.size() && text[p++] == ':'));
        }
        if (ok)
            found(int(numbers[0]), numbers[1]);
        else
            ++bad;
    }
    return bad;
}

/// Per-broadcast and overall publish → receive statistics of a fanout run. Time-to-last of a
/// broadcast is its slowest delivery: when the last joined session had the message.
struct FanoutResult
{
    struct Broadcast
    {
        FanoutPublish publish;
        LatencyStats::Summary latency;   ///< stamp → receive, over the connections that received it
        double lastFromTriggerMs = 0;    ///< trigger sent → the last delivery
    };
    int broadcasts = 0;
    int joined = 0;
    std::int64_t delivered = 0;          ///< (connection, broadcast) pairs received
    std::int64_t diffPushes = 0;         ///< diff frames received in the measured window
    std::int64_t diffBytes = 0;          ///< their text bytes
    std::int64_t badStamps = 0;
    std::vector<Broadcast> rows;
    LatencyStats::Summary timeToLast;    ///< over broadcasts (each one's max), from the server's stamp
    /// The same from the trigger's send time: includes the trigger's HTTP handling and any backlog
    /// the server had before it got to the broadcast (a server that falls behind shows here).
    LatencyStats::Summary timeToLastFromTrigger;
    LatencyStats::Summary all;           ///< over every delivery

    /// deliveries of all workers; publishes in seq order (seq 1..broadcasts).
    static FanoutResult build(const std::vector<FanoutDelivery> &deliveries,
                              const std::vector<FanoutPublish> &publishes, int joined);
    std::int64_t expected() const { return std::int64_t(joined) * broadcasts; }
    QJsonObject toJson(double serverCpuSeconds) const;
    QString table(double serverCpuSeconds) const;
};

} // namespace LiveActor::Bench
