#include "monitor_app/core/actorrecord.h"

namespace LiveActor::Monitor {

QString ActorRecord::viewOrPath() const
{
    const QString path = metadata.value(QStringLiteral("path"));
    if (!path.isEmpty())
        return path;
    const QString route = metadata.value(QStringLiteral("route"));
    if (!route.isEmpty())
        return route;
    const QString peer = metadata.value(QStringLiteral("peer"));
    if (!peer.isEmpty())
        return peer;
    return name;
}

} // namespace LiveActor::Monitor
