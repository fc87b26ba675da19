#include "floorpeer.h"

#include "phoenixframe.h"
#include "wsframes.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace LiveActor::Bench {

namespace {

constexpr std::size_t kMaxHead = 16 * 1024;        // an HTTP request head larger than this is refused
constexpr std::size_t kMaxMessage = 1024 * 1024;   // a WebSocket message larger than this closes

// What liveactor-loadgen's page parser needs: the csrf meta tag and a LiveView container with an
// id and a session token. The tokens are fixed: the floor checks nothing. The id is as long as
// liveactor's ("phx-" and 16 characters): the topic is echoed in every reply, and the floor's
// reply to a click must be as many bytes as liveactor's.
constexpr std::string_view kPage =
    "<!DOCTYPE html><html><head><meta name=\"csrf-token\" content=\"floor-csrf\"></head><body>"
    "<div id=\"phx-floorpeer0000000\" data-phx-session=\"floor-session\" data-phx-static=\"floor-static\">"
    "<h1>0</h1></div></body></html>";

/// The case-insensitive value of header `name` in an HTTP head, or empty.
std::string_view header(std::string_view head, std::string_view name)
{
    std::size_t pos = head.find("\r\n");
    while (pos != std::string_view::npos && pos + 2 < head.size()) {
        const std::size_t start = pos + 2;
        const std::size_t end = std::min(head.find("\r\n", start), head.size());
        const std::string_view line = head.substr(start, end - start);
        if (line.size() > name.size() && line[name.size()] == ':'
            && strncasecmp(line.data(), name.data(), name.size()) == 0) {
            std::string_view v = line.substr(name.size() + 1);
            while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
                v.remove_prefix(1);
            while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
                v.remove_suffix(1);
            return v;
        }
        pos = end == head.size() ? std::string_view::npos : end;
    }
    return {};
}

std::string httpResponse(std::string_view status, std::string_view body)
{
    std::string r = "HTTP/1.1 ";
    r += status;
    r += "\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: ";
    r += std::to_string(body.size());
    r += "\r\nConnection: close\r\n\r\n";
    r += body;
    return r;
}

} // namespace

struct FloorPeer::Conn
{
    int fd = -1;
    bool websocket = false;
    bool closeWhenFlushed = false;   ///< HTTP answers and WebSocket closes
    bool writeArmed = false;
    std::uint64_t count = 0;         ///< the counter this connection's "inc" events advance
    std::string in;
    std::string out;
};

FloorPeer::~FloorPeer()
{
    if (m_listen >= 0)
        ::close(m_listen);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool FloorPeer::listen(std::uint16_t port)
{
    m_listen = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_listen < 0) {
        m_error = std::string("socket: ") + std::strerror(errno);
        return false;
    }
    const int one = 1;
    ::setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(m_listen, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0
        || ::listen(m_listen, SOMAXCONN) != 0) {
        m_error = std::string("bind/listen 127.0.0.1:") + std::to_string(port) + ": " + std::strerror(errno);
        return false;
    }
    socklen_t len = sizeof addr;
    ::getsockname(m_listen, reinterpret_cast<sockaddr *>(&addr), &len);
    m_port = ntohs(addr.sin_port);
    m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;   // null marks the listening socket
    ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_listen, &ev);
    return true;
}

void FloorPeer::run(const volatile std::sig_atomic_t &stop)
{
    std::vector<epoll_event> events(1024);
    while (!stop) {
        const int n = ::epoll_wait(m_epoll, events.data(), int(events.size()), 200);
        for (int i = 0; i < n; ++i) {
            auto *c = static_cast<Conn *>(events[std::size_t(i)].data.ptr);
            if (!c) {
                accept();
                continue;
            }
            const std::uint32_t ev = events[std::size_t(i)].events;
            if (ev & EPOLLOUT)
                onWritable(*c);   // may close: then the fd is gone and c deleted
            else if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR))
                onReadable(*c);
        }
    }
}

void FloorPeer::accept()
{
    for (;;) {
        const int fd = ::accept4(m_listen, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;   // EAGAIN, or out of descriptors: the backlog keeps the rest
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        auto *c = new Conn;
        c->fd = fd;
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.ptr = c;
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &ev);
    }
}

void FloorPeer::closeConn(Conn &c)
{
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    delete &c;
}

void FloorPeer::onReadable(Conn &c)
{
    // One recv per readiness: level-triggered epoll reports the rest on the next wait, so a
    // closed-loop event costs epoll_wait (shared), one recv and one send.
    char buf[65536];
    const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        closeConn(c);
        return;
    }
    if (n < 0)
        return;
    c.in.append(buf, std::size_t(n));
    if (c.websocket)
        handleFrames(c);
    else
        handleHttp(c);
    flush(c);
}

void FloorPeer::onWritable(Conn &c)
{
    flush(c);
}

void FloorPeer::flush(Conn &c)
{
    while (!c.out.empty()) {
        const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (n > 0) {
            c.out.erase(0, std::size_t(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        } else {
            closeConn(c);
            return;
        }
    }
    if (c.out.empty() && c.closeWhenFlushed) {
        closeConn(c);
        return;
    }
    const bool want = !c.out.empty();
    if (want != c.writeArmed) {
        epoll_event ev{};
        ev.events = want ? EPOLLOUT : EPOLLIN;   // a slow reader is not read until it drains
        ev.data.ptr = &c;
        ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
        c.writeArmed = want;
    }
}

void FloorPeer::handleHttp(Conn &c)
{
    const std::size_t end = c.in.find("\r\n\r\n");
    if (end == std::string::npos) {
        if (c.in.size() > kMaxHead) {
            c.out = httpResponse("431 Request Header Fields Too Large", "request head too large\n");
            c.closeWhenFlushed = true;
        }
        return;
    }
    const std::string_view head(c.in.data(), end + 2);
    c.closeWhenFlushed = true;
    if (!head.starts_with("GET ")) {
        c.out = httpResponse("405 Method Not Allowed", "the floor peer answers GET only\n");
        return;
    }
    const std::string_view key = header(head, "Sec-WebSocket-Key");
    if (header(head, "Upgrade").empty() || key.empty()) {
        c.out = httpResponse("200 OK", kPage);
        return;
    }
    c.out = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: " + Ws::acceptKey(key) + "\r\n\r\n";
    c.closeWhenFlushed = false;
    c.websocket = true;
    c.in.erase(0, end + 4);
    handleFrames(c);
}

void FloorPeer::handleFrames(Conn &c)
{
    std::size_t pos = 0;
    while (!c.closeWhenFlushed) {
        Ws::Frame f;
        const auto r = Ws::parseClientFrame(c.in.data() + pos, c.in.size() - pos, kMaxMessage, &f);
        if (r == Ws::ParseResult::NeedMore)
            break;
        if (r != Ws::ParseResult::Frame) {
            // 1002 protocol error (unmasked), 1009 too big: say why, then close.
            const char code[2] = {char(0x03), char(r == Ws::ParseResult::Unmasked ? 0xEA : 0xF1)};
            Ws::appendServerFrame(c.out, 0x8, std::string_view(code, 2));
            c.closeWhenFlushed = true;
            break;
        }
        pos += f.size;
        switch (f.opcode) {
        case 0x1:
            if (f.fin) {
                handleText(c, f.payload);
                break;
            }
            [[fallthrough]];   // liveactor-loadgen never fragments; the floor does not reassemble
        case 0x0: {
            const char code[2] = {char(0x03), char(0xEB)};   // 1003: unsupported
            Ws::appendServerFrame(c.out, 0x8, std::string_view(code, 2));
            c.closeWhenFlushed = true;
            break;
        }
        case 0x8:
            Ws::appendServerFrame(c.out, 0x8, f.payload.substr(0, 2));
            c.closeWhenFlushed = true;
            break;
        case 0x9:
            Ws::appendServerFrame(c.out, 0xA, f.payload);
            break;
        default:
            break;   // binary and pong: ignored
        }
    }
    c.in.erase(0, pos);
}

void FloorPeer::reply(Conn &c, const PhoenixFrame &f, std::string_view payload)
{
    std::string &s = m_scratch;
    s.clear();
    s += '[';
    s += f.joinRefJson;
    s += ',';
    s += f.refJson;
    s += ",\"";
    s += f.topic;
    s += "\",\"phx_reply\",";
    s += payload;
    s += ']';
    Ws::appendServerFrame(c.out, 0x1, s);
}

void FloorPeer::handleText(Conn &c, std::string_view text)
{
    PhoenixFrame f;
    if (!PhoenixFrame::parse(text, &f))
        return;   // not a Phoenix frame: a real server would log it; the floor ignores it
    if (f.event == "event") {
        // The same shape and size as liveactor's reply to a counter click: the count's new text.
        std::string payload = "{\"status\":\"ok\",\"response\":{\"diff\":{\"0\":\"";
        payload += std::to_string(++c.count);
        payload += "\"}}}";
        reply(c, f, payload);
    } else if (f.event == "heartbeat" || f.event == "phx_leave") {
        reply(c, f, R"({"status":"ok","response":{}})");
    } else if (f.event == "phx_join") {
        c.count = 0;
        reply(c, f, R"({"status":"ok","response":{"rendered":{"0":"0","s":["<h1>","</h1>"]}}})");
    } else {
        reply(c, f, R"({"status":"error","response":{"reason":"unmatched event"}})");
    }
}

} // namespace LiveActor::Bench
