#pragma once

#include <csignal>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace LiveActor::Bench {

struct PhoenixFrame;

/// The floor: one thread, one level-triggered epoll loop, raw non-blocking sockets. It serves a
/// page with the tokens liveactor-loadgen looks for, upgrades any other GET with an Upgrade
/// header to a WebSocket and answers Phoenix frames (phx_join, event, heartbeat, phx_leave) with
/// replies shaped like liveactor's, doing no other work: no templates, no diffs, no actors.
/// Its server CPU per event is the cost of the socket I/O and framing alone.
class FloorPeer
{
public:
    FloorPeer() = default;
    ~FloorPeer();
    FloorPeer(const FloorPeer &) = delete;
    FloorPeer &operator=(const FloorPeer &) = delete;

    /// Binds 127.0.0.1:port (0: any free port) and listens; false with errorText() on failure.
    bool listen(std::uint16_t port);
    std::uint16_t port() const { return m_port; }
    const std::string &errorText() const { return m_error; }

    /// Runs the loop until a signal sets the stop flag (installed by main).
    void run(const volatile std::sig_atomic_t &stop);

private:
    struct Conn;
    void accept();
    void onReadable(Conn &c);
    void onWritable(Conn &c);
    void handleHttp(Conn &c);
    void handleFrames(Conn &c);
    void handleText(Conn &c, std::string_view text);
    void reply(Conn &c, const PhoenixFrame &f, std::string_view payload);
    void flush(Conn &c);
    void closeConn(Conn &c);

    int m_listen = -1;
    int m_epoll = -1;
    std::uint16_t m_port = 0;
    std::string m_error;
    std::string m_scratch;   ///< one reply at a time is built here, then framed into Conn::out
};

} // namespace LiveActor::Bench
