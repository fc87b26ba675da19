#pragma once

#include "core/result.h"

#include <QString>

namespace LiveActor {

/// Where a Redis server is: `redis://[:password@]host[:port][/db]` (port 6379 and db 0 by default).
/// A plain value type.
struct RedisUrl
{
    QString host;
    quint16 port = 6379;
    int db = 0;
    QString password;

    /// Errors: InvalidArgument naming what is wrong (scheme, host, port, db).
    static Result<RedisUrl> parse(const QString &text);
    /// The URL without the password (for logs).
    QString toString() const;
};

} // namespace LiveActor
