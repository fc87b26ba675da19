#include "cluster/redisurl.h"

#include <QUrl>

using namespace Qt::StringLiterals;

namespace LiveActor {

Result<RedisUrl> RedisUrl::parse(const QString &text)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.scheme() != u"redis")
        return fail(ErrorCode::InvalidArgument, u"expected redis://host:port/db, got \"%1\""_s.arg(text));
    RedisUrl out;
    out.host = url.host();
    if (out.host.isEmpty())
        return fail(ErrorCode::InvalidArgument, u"no host in \"%1\""_s.arg(text));
    const int port = url.port(6379);
    if (port < 1 || port > 65535)
        return fail(ErrorCode::InvalidArgument, u"bad port in \"%1\""_s.arg(text));
    out.port = quint16(port);
    const QString path = url.path().mid(1); // "/3" → "3"
    if (!path.isEmpty()) {
        bool ok = false;
        out.db = path.toInt(&ok);
        if (!ok || out.db < 0 || out.db > 65535)
            return fail(ErrorCode::InvalidArgument, u"the database must be a number (redis://host:port/0), got \"%1\""_s.arg(path));
    }
    out.password = url.password();
    return out;
}

QString RedisUrl::toString() const
{
    return u"redis://%1:%2/%3"_s.arg(host).arg(port).arg(db);
}

} // namespace LiveActor
