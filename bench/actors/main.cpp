// liveactor_bench_actors <pingpong|counting|ring> [--messages N] [--spread] [--executors N]
//
// Savina-style micro benchmarks on the actor kernel. Prints one JSON line:
//   {"system":"liveactor","bench":…,"placement":"default"|"spread","messages":N,"seconds":…,"msgs_per_sec":…}
// default placement = the communicating actors are parent and children (same executor, the
// kernel's default); --spread = forced onto different executors (every message crosses threads).

#include "core/actor.h"
#include "core/actorsystem.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <cstdio>
#include <cstring>
#include <semaphore>
#include <string>

using namespace LiveActor;
using namespace std::chrono_literals;

namespace {

std::binary_semaphore g_done{0};
long long g_result = 0;

// ---------------------------------------------------------------- PingPong
struct Ball { int remaining; };
struct Start { };

class Pong : public Actor
{
    Result<void> handle(Message &m) override
    {
        if (auto *b = m.as<Ball>())
            send(sender(), Ball{b->remaining - 1});
        return {};
    }
};

class Ping : public Actor
{
public:
    Ping(int roundTrips, bool spread) : m_roundTrips(roundTrips), m_spread(spread) { }

protected:
    Result<void> started() override
    {
        const int ex = m_spread ? (executor().index() + 1) % system().executorCount() : -1;
        m_pong = spawn<Pong>({.kind = QStringLiteral("pong"), .capacity = 16, .executor = ex});
        send(m_pong, Ball{m_roundTrips});
        return {};
    }
    Result<void> handle(Message &m) override
    {
        if (auto *b = m.as<Ball>()) {
            if (b->remaining <= 0) {
                g_done.release();
                return {};
            }
            send(m_pong, Ball{b->remaining});
        }
        return {};
    }

private:
    int m_roundTrips;
    bool m_spread;
    ActorRef m_pong;
};

// ---------------------------------------------------------------- Counting
struct Increment { };
struct GetCount { };
struct Continue { };

class Counter : public Actor
{
    long long m_count = 0;
    Result<void> handle(Message &m) override
    {
        if (m.is<Increment>())
            ++m_count;
        else if (m.is<GetCount>())
            reply(m_count);
        return {};
    }
};

/// Floods a counter with Increment. tell() never blocks: on Full the producer yields (a Continue
/// to itself) so the counter can drain — the mailbox stays bounded however fast it sends.
class Producer : public Actor
{
public:
    Producer(int messages, bool spread) : m_left(messages), m_spread(spread) { }

protected:
    Result<void> started() override
    {
        const int ex = m_spread ? (executor().index() + 1) % system().executorCount() : -1;
        m_counter = spawn<Counter>({.kind = QStringLiteral("counter"), .capacity = 4096, .executor = ex});
        send(self(), Continue{});
        return {};
    }
    Result<void> handle(Message &m) override
    {
        if (!m.is<Continue>())
            return {};
        // Send until Full or a slice is done, then yield to the executor.
        for (int i = 0; i < 4096 && m_left > 0; ++i) {
            const SendStatus s = m_counter.tell(Increment{});
            if (s == SendStatus::Full) {
                ++m_fullCount;
                break;
            }
            if (s == SendStatus::Closed)
                return fail(ErrorCode::Closed, QStringLiteral("counter closed"));
            --m_left;
        }
        if (m_left > 0) {
            send(self(), Continue{});
            return {};
        }
        ask(m_counter, GetCount{}, 60000ms, [](Result<Message> r) {
            g_result = r ? *r->as<long long>() : -1;
            g_done.release();
        });
        return {};
    }

private:
    int m_left;
    bool m_spread;
    long long m_fullCount = 0;
    ActorRef m_counter;
};

// ---------------------------------------------------------------- ThreadRing
struct Token { int hops; };
struct SetNext { ActorRef next; };

class RingNode : public Actor
{
    ActorRef m_next;
    Result<void> handle(Message &m) override
    {
        if (auto *t = m.as<Token>()) {
            if (t->hops <= 0) {
                g_done.release();
                return {};
            }
            send(m_next, Token{t->hops - 1});
        } else if (auto *s = m.as<SetNext>()) {
            m_next = s->next;
        }
        return {};
    }
};

class RingMaster : public Actor
{
public:
    RingMaster(int nodes, int hops, bool spread) : m_nodes(nodes), m_hops(hops), m_spread(spread) { }

protected:
    Result<void> started() override
    {
        std::vector<ActorRef> ring;
        for (int i = 0; i < m_nodes; ++i)
            ring.push_back(spawn<RingNode>({.kind = QStringLiteral("ring"), .capacity = 16,
                                            .executor = m_spread ? i % system().executorCount() : -1}));
        for (int i = 0; i < m_nodes; ++i)
            ring[size_t(i)].tell(SetNext{ring[size_t((i + 1) % m_nodes)]});
        ring[0].tell(Token{m_hops});
        return {};
    }
    Result<void> handle(Message &) override { return {}; }

private:
    int m_nodes, m_hops;
    bool m_spread;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    std::string bench = argc > 1 ? argv[1] : "pingpong";
    long long messages = 1000000;
    bool spread = false;
    int executors = 2;
    for (int i = 2; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--messages") && i + 1 < argc)
            messages = std::atoll(argv[++i]);
        else if (!std::strcmp(argv[i], "--spread"))
            spread = true;
        else if (!std::strcmp(argv[i], "--executors") && i + 1 < argc)
            executors = std::atoi(argv[++i]);
    }

    ActorSystem system({.executors = executors});
    QElapsedTimer timer;
    timer.start();
    if (bench == "pingpong")
        system.spawn<Ping>({.kind = QStringLiteral("ping"), .capacity = 16}, int(messages / 2), spread); // 2 msgs per round trip
    else if (bench == "counting")
        system.spawn<Producer>({.kind = QStringLiteral("producer"), .capacity = 16}, int(messages), spread);
    else if (bench == "ring")
        system.spawn<RingMaster>({.kind = QStringLiteral("ring-master")}, 500, int(messages), spread);
    else {
        std::fprintf(stderr, "unknown benchmark %s\n", bench.c_str());
        return 2;
    }
    g_done.acquire();
    const double seconds = double(timer.nsecsElapsed()) / 1e9;
    if (bench == "counting" && g_result != messages) {
        std::fprintf(stderr, "counting: counter says %lld, expected %lld\n", g_result, messages);
        return 1;
    }
    std::printf("{\"system\":\"liveactor\",\"bench\":\"%s\",\"placement\":\"%s\",\"messages\":%lld,"
                "\"seconds\":%.6f,\"msgs_per_sec\":%.0f}\n",
                bench.c_str(), spread ? "spread" : "default", messages, seconds, double(messages) / seconds);
    std::fflush(stdout);
    if (qEnvironmentVariableIsSet("LIVEACTOR_BENCH_VERBOSE")) {
        for (const ActorInfo &a : system.registry().snapshot().actors)
            std::fprintf(stderr, "%s: processed %llu, rejected %llu, high-water %d/%d, executor %d\n",
                         qPrintable(a.kind), a.mailbox.processed, a.mailbox.rejected, a.mailbox.highWater,
                         a.mailbox.capacity, a.executor);
        for (int i = 0; i < system.executorCount(); ++i)
            std::fprintf(stderr, "executor %d: %llu wakes\n", i, system.executor(i).wakeCount());
    }
    system.shutdown(2000ms);
    return 0;
}
