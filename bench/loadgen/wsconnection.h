#pragma once

#include <QByteArray>
#include <QStringBuilder>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

struct sockaddr_in;

namespace LiveActor::Bench {

/// A minimal RFC 6455 client on a raw non-blocking TCP socket: HTTP upgrade, masked text
/// frames out, unmasked frames in (text, close, ping → pong; fragments reassembled).
/// Owned and driven by one LoadWorker thread (not thread-safe); the owner registers fd() with
/// epoll and calls onWritable()/onReadable(). Errors close the socket; state() says Closed.
class WsConnection
{
public:
    enum class State { Idle, Connecting, Handshaking, Open, Closed };

    WsConnection() = default;
    ~WsConnection();
    WsConnection(const WsConnection &) = delete;
    WsConnection &operator=(const WsConnection &) = delete;

    /// Starts a non-blocking connect; the upgrade request for `target` is sent once connected.
    bool start(const sockaddr_in &addr, const QByteArray &hostHeader, const QByteArray &target);

    int fd() const { return m_fd; }
    State state() const { return m_state; }
    bool wantsWrite() const { return m_state == State::Connecting || !m_out.empty(); }
    const QByteArray &error() const { return m_error; }

    /// Queues one text frame and tries to send it at once.
    void sendText(std::string_view text);
    /// Sends a close frame (1000) best-effort and closes the socket.
    void close();

    /// Handles EPOLLOUT. Returns true when the handshake request has just been sent etc.
    void onWritable();
    /// Reads what is there; calls onText for each complete text message. Returns true when the
    /// connection just became Open (101 received).
    bool onReadable(const std::function<void(std::string_view)> &onText);

private:
    void fail(const QByteArray &why);
    void flush();
    void queueFrame(std::uint8_t opcode, std::string_view payload);

    int m_fd = -1;
    State m_state = State::Idle;
    std::uint32_t m_mask = 0;
    std::string m_out;
    std::string m_in;
    std::string m_fragment;
    QByteArray m_error;
};

} // namespace LiveActor::Bench
