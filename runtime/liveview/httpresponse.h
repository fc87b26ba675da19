#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <utility>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace LiveActor {

using HttpHeaders = QList<std::pair<QByteArray, QByteArray>>;

/// One HTTP/1.1 response: status, Content-Type, body and extra headers. Always sends
/// Content-Length and `X-Content-Type-Options: nosniff`.
struct HttpResponse
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    HttpHeaders headers;

    /// The response as bytes; headOnly leaves the body out (HEAD, 304).
    QByteArray serialize(bool keepAlive, bool headOnly = false) const;
    /// Writes it to socket; without keepAlive the socket is closed after the write.
    void write(QTcpSocket *socket, bool keepAlive, bool headOnly = false) const;

    /// An HTML error page ("404 Not Found" + the escaped message).
    static HttpResponse errorPage(int status, const QString &message, HttpHeaders headers = {});
    static QByteArray reasonPhrase(int status);
};

} // namespace LiveActor
