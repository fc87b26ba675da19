#pragma once
// Test helper (header-only): a control-plane client that records every ServerMessage and lets a
// test wait for the first one matching a predicate. Used by tst_controlserver.

#include "liveactor/monitor/v1/monitor.pb.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTest>
#include <QUrl>
#include <QWebSocket>

#include <functional>
#include <optional>

namespace LiveActor::Test {

namespace pb = ::liveactor::monitor::v1;

class ControlTestClient : public QObject
{
public:
    explicit ControlTestClient(QObject *parent = nullptr)
        : QObject(parent)
    {
        m_socket.setMaxAllowedIncomingMessageSize(512ull * 1024 * 1024);
        m_socket.setMaxAllowedIncomingFrameSize(512ull * 1024 * 1024);
        QObject::connect(&m_socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &frame) {
            pb::ServerMessage msg;
            if (msg.ParseFromArray(frame.constData(), int(frame.size())))
                m_received.append(msg);
            else
                ++m_unparsable;
        });
        QObject::connect(&m_socket, &QWebSocket::disconnected, this, [this] {
            m_closed = true;
            m_closeCode = m_socket.closeCode();
        });
    }

    QWebSocket &socket() { return m_socket; }
    bool isClosed() const { return m_closed; }
    QWebSocketProtocol::CloseCode closeCode() const { return m_closeCode; }
    int unparsable() const { return m_unparsable; }
    const QList<pb::ServerMessage> &received() const { return m_received; }

    /// Opens and waits for Hello.
    std::optional<pb::Hello> open(const QUrl &url)
    {
        m_socket.open(url);
        auto hello = waitFor([](const pb::ServerMessage &m) { return m.has_hello(); });
        if (!hello)
            return std::nullopt;
        return hello->hello();
    }

    void send(const pb::ClientMessage &message)
    {
        const std::string bytes = message.SerializeAsString();
        m_socket.sendBinaryMessage(QByteArray(bytes.data(), qsizetype(bytes.size())));
    }

    /// Sends Auth and waits for the AuthResult.
    std::optional<pb::AuthResult> auth(const QString &token)
    {
        pb::ClientMessage m;
        m.set_request_id(1);
        m.mutable_auth()->set_token(token.toStdString());
        m.mutable_auth()->set_client_name("test-client");
        send(m);
        auto r = waitFor([](const pb::ServerMessage &s) { return s.has_auth_result(); });
        return r ? std::optional(r->auth_result()) : std::nullopt;
    }

    /// Subscribes and waits for the Snapshot.
    std::optional<pb::Snapshot> subscribe(quint32 intervalMs = 50)
    {
        pb::ClientMessage m;
        m.mutable_subscribe()->set_interval_ms(intervalMs);
        send(m);
        auto r = waitFor([](const pb::ServerMessage &s) { return s.has_snapshot(); });
        return r ? std::optional(r->snapshot()) : std::nullopt;
    }

    /// Sends a command and waits for its CommandResult.
    std::optional<pb::CommandResult> command(const pb::Command &command, int timeoutMs = 10000)
    {
        pb::ClientMessage m;
        const quint64 id = ++m_nextRequest;
        m.set_request_id(id);
        *m.mutable_command() = command;
        send(m);
        auto r = waitFor([id](const pb::ServerMessage &s) { return s.has_command_result() && s.request_id() == id; },
                         timeoutMs);
        return r ? std::optional(r->command_result()) : std::nullopt;
    }

    /// Waits (processing events) for the first not yet consumed message matching pred, consumes
    /// and returns it.
    std::optional<pb::ServerMessage> waitFor(const std::function<bool(const pb::ServerMessage &)> &pred,
                                             int timeoutMs = 10000)
    {
        QElapsedTimer timer;
        timer.start();
        while (true) {
            for (qsizetype i = 0; i < m_received.size(); ++i) {
                if (pred(m_received.at(i))) {
                    pb::ServerMessage m = m_received.takeAt(i);
                    return m;
                }
            }
            if (timer.elapsed() > timeoutMs)
                return std::nullopt;
            QTest::qWait(5);
        }
    }

    /// Waits until the socket is closed.
    bool waitClosed(int timeoutMs = 5000)
    {
        QElapsedTimer timer;
        timer.start();
        while (!m_closed && timer.elapsed() < timeoutMs)
            QTest::qWait(5);
        return m_closed;
    }

private:
    QWebSocket m_socket;
    QList<pb::ServerMessage> m_received;
    bool m_closed = false;
    QWebSocketProtocol::CloseCode m_closeCode = QWebSocketProtocol::CloseCodeNormal;
    int m_unparsable = 0;
    quint64 m_nextRequest = 100;
};

} // namespace LiveActor::Test
