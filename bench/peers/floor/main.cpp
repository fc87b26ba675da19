// liveactor-floor-peer: the cost floor for liveactor-loadgen's counter load (bench/README.md).
//
//   liveactor-floor-peer [--port N]      (127.0.0.1 only; 0 or none: any free port)
// Prints "LISTENING <port>" once it accepts connections; SIGTERM or SIGINT stops it.
#include "floorpeer.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <sys/resource.h>

namespace {

volatile std::sig_atomic_t g_stop = 0;

[[noreturn]] void usage(const char *why)
{
    std::fprintf(stderr, "liveactor-floor-peer: %s\nusage: liveactor-floor-peer [--port N]\n", why);
    std::exit(2);
}

} // namespace

int main(int argc, char **argv)
{
    long port = 0;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
            char *end = nullptr;
            port = std::strtol(argv[++i], &end, 10);
            if (*end != '\0' || port < 0 || port > 65535)
                usage("--port wants a number from 0 to 65535");
        } else {
            usage(std::strcmp(argv[i], "--help") == 0 ? "the floor peer (bench/README.md)" : "unknown argument");
        }
    }
    std::signal(SIGTERM, [](int) { g_stop = 1; });
    std::signal(SIGINT, [](int) { g_stop = 1; });
    std::signal(SIGPIPE, SIG_IGN);
    rlimit rl{};   // every connection is a descriptor: as many as the hard limit allows
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rl.rlim_cur = rl.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &rl);
    }

    LiveActor::Bench::FloorPeer peer;
    if (!peer.listen(std::uint16_t(port))) {
        std::fprintf(stderr, "liveactor-floor-peer: %s\n", peer.errorText().c_str());
        return 1;
    }
    std::printf("LISTENING %u\n", unsigned(peer.port()));
    std::fflush(stdout);
    peer.run(g_stop);
    return 0;
}
