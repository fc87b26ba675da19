#include "liveview/httpresponse.h"

#include "template/escaping.h"

#include <QTcpSocket>

namespace LiveActor {

QByteArray HttpResponse::reasonPhrase(int status)
{
    switch (status) {
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 204: return "No Content";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 426: return "Upgrade Required";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    }
    return "Status";
}

QByteArray HttpResponse::serialize(bool keepAlive, bool headOnly) const
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    if (!contentType.isEmpty())
        out += "Content-Type: " + contentType + "\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "X-Content-Type-Options: nosniff\r\n";
    for (const auto &h : headers)
        out += h.first + ": " + h.second + "\r\n";
    out += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    out += "\r\n";
    if (!headOnly)
        out += body;
    return out;
}

void HttpResponse::write(QTcpSocket *socket, bool keepAlive, bool headOnly) const
{
    socket->write(serialize(keepAlive, headOnly));
    if (!keepAlive)
        socket->disconnectFromHost();
}

HttpResponse HttpResponse::errorPage(int status, const QString &message, HttpHeaders headers)
{
    const QByteArray title = QByteArray::number(status) + ' ' + reasonPhrase(status);
    QByteArray body = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title
        + "</title></head><body><h1>" + title + "</h1><p>";
    appendHtmlEscaped(body, message);
    body += "</p></body></html>";
    return {status, "text/html; charset=utf-8", body, std::move(headers)};
}

} // namespace LiveActor
