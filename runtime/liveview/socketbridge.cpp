#include "liveview/socketbridge_p.h"

#include "liveview/logging.h"

using namespace Qt::StringLiterals;

namespace LiveActor {

SocketBridge::SocketBridge(QWebSocket *socket, std::shared_ptr<ServerState> state)
    : QObject(socket), m_socket(socket), m_state(std::move(state))
{
    m_state->counters.openSockets.fetch_add(1);
    socket->setMaxAllowedIncomingMessageSize(quint64(m_state->config.maxFrameBytes));
    socket->setMaxAllowedIncomingFrameSize(quint64(m_state->config.maxFrameBytes));
    connect(socket, &QWebSocket::textMessageReceived, this, &SocketBridge::onText);
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &) {
        protocolError(u"binary frames are not supported (uploads are not implemented)"_s);
    });
    connect(socket, &QWebSocket::disconnected, this, [this] {
        m_disconnected = true;
        if (m_attached && !m_detached)
            m_session.tell(SocketGone{}); // best effort; the session's tick also sees the flag
    });
}

SocketBridge::~SocketBridge()
{
    m_state->counters.openSockets.fetch_sub(1);
}

void SocketBridge::attach(const ActorRef &session)
{
    m_session = session;
    m_attached = true;
    const QStringList pending = std::exchange(m_pending, {});
    for (const QString &text : pending)
        deliver(text);
    if (m_disconnected)
        m_session.tell(SocketGone{});
}

void SocketBridge::detach()
{
    m_detached = true;
    m_pending.clear();
}

void SocketBridge::protocolError(const QString &why)
{
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    m_state->counters.malformedFrames.fetch_add(1);
    qCWarning(lcLiveView).noquote() << "closing WebSocket from" << m_socket->peerAddress().toString()
                                    << "with a protocol error:" << why;
    m_socket->close(QWebSocketProtocol::CloseCodeProtocolError, why.left(120));
}

void SocketBridge::onText(const QString &text)
{
    if (m_detached)
        return;
    if (!m_attached) {
        if (m_pending.size() < m_state->config.sessionMailbox) {
            m_pending.append(text);
            return;
        }
        m_state->counters.overloaded.fetch_add(1);
        auto m = ChannelMessage::parse(text.toUtf8());
        if (!m)
            return protocolError(m.error().message);
        m_socket->sendTextMessage(QString::fromUtf8(
            ChannelMessage::replyRaw(*m, u"error"_s, R"({"reason":"overloaded"})")));
        return;
    }
    deliver(text);
}

void SocketBridge::deliver(const QString &text)
{
    switch (m_session.tell(InboundFrame{text})) {
    case SendStatus::Ok:
        return;
    case SendStatus::Closed:
        return;
    case SendStatus::Full: {
        m_state->counters.overloaded.fetch_add(1);
        auto m = ChannelMessage::parse(text.toUtf8());
        if (!m)
            return protocolError(m.error().message);
        m_socket->sendTextMessage(QString::fromUtf8(
            ChannelMessage::replyRaw(*m, u"error"_s, R"({"reason":"overloaded"})")));
        return;
    }
    }
}

} // namespace LiveActor
