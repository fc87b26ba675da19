#include "wsconnection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace LiveActor::Bench {

WsConnection::~WsConnection()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool WsConnection::start(const sockaddr_in &addr, const QByteArray &hostHeader, const QByteArray &target)
{
    // A connection may be started again after it closed (loadgen --rejoin reconnects).
    m_in.clear();
    m_fragment.clear();
    m_error.clear();
    thread_local std::mt19937 rng{std::random_device{}()};
    m_mask = rng() | 1u;   // non-zero so the masking is real work, as in a browser
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_fd < 0) {
        fail(QByteArray("socket: ") + QByteArray(strerror(errno)));
        return false;
    }
    const int one = 1;
    ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(m_fd, reinterpret_cast<const sockaddr *>(&addr), sizeof addr) != 0 && errno != EINPROGRESS) {
        fail(QByteArray("connect: ") + QByteArray(strerror(errno)));
        return false;
    }
    // A fixed key is fine: the generator does not check Sec-WebSocket-Accept either.
    const QByteArray req = QByteArray("GET ") + target + QByteArray(" HTTP/1.1\r\nHost: ") + hostHeader
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          "Sec-WebSocket-Version: 13\r\nOrigin: http://" + hostHeader + "\r\nUser-Agent: liveactor-loadgen\r\n\r\n";
    m_out.assign(req.constData(), req.size());
    m_state = State::Connecting;
    return true;
}

void WsConnection::fail(const QByteArray &why)
{
    if (m_error.isEmpty())
        m_error = why;
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_state = State::Closed;
}

void WsConnection::close()
{
    if (m_state == State::Open) {
        const char code[2] = {char(0x03), char(0xE8)};
        queueFrame(0x8, std::string_view(code, 2));
    }
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_state = State::Closed;
}

void WsConnection::flush()
{
    while (!m_out.empty() && m_fd >= 0) {
        const ssize_t n = ::send(m_fd, m_out.data(), m_out.size(), MSG_NOSIGNAL);
        if (n > 0) {
            m_out.erase(0, size_t(n));
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            fail(QByteArray("send: ") + QByteArray(strerror(errno)));
            return;
        }
    }
}

void WsConnection::queueFrame(std::uint8_t opcode, std::string_view payload)
{
    char head[14];
    size_t h = 0;
    head[h++] = char(0x80 | opcode);
    const size_t len = payload.size();
    if (len < 126) {
        head[h++] = char(0x80 | len);
    } else if (len < 65536) {
        head[h++] = char(0x80 | 126);
        head[h++] = char(len >> 8);
        head[h++] = char(len);
    } else {
        head[h++] = char(0x80 | 127);
        for (int i = 7; i >= 0; --i)
            head[h++] = char(std::uint64_t(len) >> (8 * i));
    }
    std::memcpy(head + h, &m_mask, 4);
    h += 4;
    const size_t start = m_out.size();
    m_out.append(head, h);
    m_out.append(payload);
    const auto *mask = reinterpret_cast<const unsigned char *>(&m_mask);
    char *p = m_out.data() + start + h;
    for (size_t i = 0; i < len; ++i)
        p[i] = char(p[i] ^ mask[i & 3]);
}

void WsConnection::sendText(std::string_view text)
{
    if (m_state != State::Open)
        return;
    queueFrame(0x1, text);
    flush();
}

void WsConnection::onWritable()
{
    if (m_state == State::Connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
            fail(QByteArray("connect: ") + QByteArray(strerror(err)));
            return;
        }
        m_state = State::Handshaking;
    }
    flush();
}

bool WsConnection::onReadable(const std::function<void(std::string_view)> &onText)
{
    bool opened = false;
    bool eof = false;
    char buf[65536];
    for (;;) {
        if (m_fd < 0)
            return opened;
        const ssize_t n = ::recv(m_fd, buf, sizeof buf, 0);
        if (n == 0) {
            eof = true;   // parse what came before the FIN first
            break;
        }
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                fail(QByteArray("recv: ") + QByteArray(strerror(errno)));
            break;
        }
        m_in.append(buf, size_t(n));
        if (size_t(n) < sizeof buf)
            break;
    }
    size_t pos = 0;
    if (m_state == State::Handshaking || m_state == State::Connecting) {
        const size_t end = m_in.find("\r\n\r\n");
        if (end == std::string::npos) {
            if (eof)
                fail("closed during upgrade");
            return opened;
        }
        if (m_in.compare(0, 12, "HTTP/1.1 101") != 0) {
            fail(QByteArray("upgrade refused: ") + QByteArray(m_in.data(), qsizetype(m_in.find("\r\n"))));
            return opened;
        }
        pos = end + 4;
        m_state = State::Open;
        opened = true;
    }
    while (m_state == State::Open) {
        const size_t avail = m_in.size() - pos;
        if (avail < 2)
            break;
        const auto *p = reinterpret_cast<const unsigned char *>(m_in.data() + pos);
        const bool fin = p[0] & 0x80;
        const int opcode = p[0] & 0x0f;
        const bool masked = p[1] & 0x80;
        std::uint64_t len = p[1] & 0x7f;
        size_t h = 2;
        if (len == 126) {
            if (avail < 4)
                break;
            len = (std::uint64_t(p[2]) << 8) | p[3];
            h = 4;
        } else if (len == 127) {
            if (avail < 10)
                break;
            len = 0;
            for (int i = 0; i < 8; ++i)
                len = (len << 8) | p[2 + i];
            h = 10;
        }
        if (masked)
            h += 4;
        if (avail < h + len)
            break;
        std::string_view payload(m_in.data() + pos + h, size_t(len));
        pos += h + size_t(len);
        if (opcode == 0x1 || opcode == 0x2 || opcode == 0x0) {
            if (!fin || !m_fragment.empty()) {
                m_fragment.append(payload);
                if (fin) {
                    onText(m_fragment);
                    m_fragment.clear();
                }
            } else if (opcode != 0x2) {
                onText(payload);
            }
        } else if (opcode == 0x8) {
            fail("close frame from server");
        } else if (opcode == 0x9) {
            queueFrame(0xA, payload);
            flush();
        }
    }
    if (pos > 0)
        m_in.erase(0, pos);
    if (eof)
        fail("closed by server");
    return opened;
}

} // namespace LiveActor::Bench
