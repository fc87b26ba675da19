// CAF 0.17 peer of liveactor_bench_actors: same three benchmarks, same JSON line.
// Built by bench/actors/compare with g++ -lcaf_core into the build directory.
//   caf_bench <pingpong|counting|ring> [--messages N] [--threads N]

#include <caf/all.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <future>
#include <string>

using namespace caf;

using ping_atom = atom_constant<atom("ping")>;
using inc_atom = atom_constant<atom("inc")>;
using get_atom = atom_constant<atom("get")>;
using token_atom = atom_constant<atom("token")>;
using next_atom = atom_constant<atom("next")>;

namespace {

behavior pong(event_based_actor *)
{
    return {[](ping_atom, int n) { return make_message(ping_atom::value, n - 1); }};
}

behavior ping(event_based_actor *self, actor buddy, int roundTrips, std::promise<void> *done)
{
    self->send(buddy, ping_atom::value, roundTrips);
    return {[=](ping_atom, int n) {
        if (n <= 0) {
            done->set_value();
            self->quit();
            return;
        }
        self->send(buddy, ping_atom::value, n);
    }};
}

struct counter_state { long long count = 0; };
behavior counter(stateful_actor<counter_state> *self)
{
    return {[=](inc_atom) { ++self->state.count; },
            [=](get_atom) { return self->state.count; }};
}

struct node_state { actor next; };
behavior ring_node(stateful_actor<node_state> *self, std::promise<void> *done)
{
    return {[=](next_atom, actor next) { self->state.next = next; },
            [=](token_atom, int hops) {
                if (hops <= 0) {
                    done->set_value();
                    return;
                }
                self->send(self->state.next, token_atom::value, hops - 1);
            }};
}

} // namespace

int main(int argc, char **argv)
{
    std::string bench = argc > 1 ? argv[1] : "pingpong";
    long long messages = 1000000;
    int threads = 2;
    for (int i = 2; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--messages") && i + 1 < argc)
            messages = std::atoll(argv[++i]);
        else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = std::atoi(argv[++i]);
    }
    actor_system_config cfg;
    cfg.set("scheduler.max-threads", threads);
    actor_system sys{cfg};
    const auto start = std::chrono::steady_clock::now();
    if (bench == "pingpong") {
        std::promise<void> done;
        auto p = sys.spawn(pong);
        sys.spawn(ping, p, int(messages / 2), &done);
        done.get_future().wait();
    } else if (bench == "counting") {
        auto c = sys.spawn(counter);
        scoped_actor self{sys};
        for (long long i = 0; i < messages; ++i)
            self->send(c, inc_atom::value);
        long long got = -1;
        self->request(c, infinite, get_atom::value).receive([&](long long n) { got = n; }, [&](error &) {});
        if (got != messages) {
            std::fprintf(stderr, "counting: got %lld\n", got);
            return 1;
        }
    } else if (bench == "ring") {
        std::promise<void> done;
        std::vector<actor> ring;
        for (int i = 0; i < 500; ++i)
            ring.push_back(sys.spawn(ring_node, &done));
        scoped_actor self{sys};
        for (int i = 0; i < 500; ++i)
            self->send(ring[size_t(i)], next_atom::value, ring[size_t((i + 1) % 500)]);
        self->send(ring[0], token_atom::value, int(messages));
        done.get_future().wait();
    } else {
        return 2;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("{\"system\":\"caf\",\"bench\":\"%s\",\"placement\":\"default\",\"messages\":%lld,"
                "\"seconds\":%.6f,\"msgs_per_sec\":%.0f}\n",
                bench.c_str(), messages, seconds, double(messages) / seconds);
    std::fflush(stdout);
    std::_Exit(0); // skip CAF's teardown of the still-running ring/pong actors
}
