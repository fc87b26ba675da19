// The RFC 6455 frame decoder of WebSocketConnection (our own: the LiveView socket does not use
// QtWebSockets). The input is what a client sends after the handshake; it is written into one end
// of a socketpair and a real connection reads the other end, so framing, unmasking,
// fragmentation, UTF-8 checks, ping/pong and the close handshake run as in production. No
// session is attached (a null ActorRef): complete text messages stop at delivery.

#include "fuzzsupport.h"

#include "liveview/websocketconnection_p.h"

#include <sys/socket.h>
#include <unistd.h>

using namespace LiveActor;
using namespace Qt::StringLiterals;

namespace {

std::shared_ptr<ServerState> serverState()
{
    static auto state = [] {
        auto s = std::make_shared<ServerState>();
        s->config.maxFrameBytes = 16 * 1024; // small, so "message too big" (1009) is reachable
        return s;
    }();
    return state;
}

void drain(int fd)
{
    char sink[4096];
    while (::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0) { }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    Fuzz::silenceQtLogging();
    Fuzz::ensureApplication();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0)
        return 0;
    // A socket buffer holds a few hundred KiB; tools/fuzz caps inputs well below that.
    const ssize_t written = size ? ::send(fds[1], data, size, MSG_NOSIGNAL) : 0;
    Fuzz::require(written == ssize_t(size), "the whole input fits the socket buffer (-max_len)");
    const std::shared_ptr<ServerState> state = serverState();
    {
        WebSocketConnection connection(fds[0], u"127.0.0.1:40000"_s, state);
        connection.attach(ActorRef{}); // reads everything that is there
        drain(fds[1]);
        if (connection.isOpen())
            connection.close(CloseCode::GoingAway, u"fuzz input ended"_s);
        drain(fds[1]);
    } // closes fds[0] if the connection did not
    ::close(fds[1]);
    Fuzz::require(state->counters.openSockets.load() == 0, "the connection slot is given back");
    return 0;
}
