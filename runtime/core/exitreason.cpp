#include "core/exitreason.h"

namespace LiveActor {

QString ExitReason::kindName() const
{
    switch (kind) {
    case Kind::Normal: return QStringLiteral("normal");
    case Kind::Shutdown: return QStringLiteral("shutdown");
    case Kind::Killed: return QStringLiteral("killed");
    case Kind::Error: return QStringLiteral("error");
    case Kind::Exception: return QStringLiteral("exception");
    case Kind::Linked: return QStringLiteral("linked");
    case Kind::NoProc: return QStringLiteral("noproc");
    }
    return QStringLiteral("unknown");
}

QString ExitReason::toString() const
{
    if (message.isEmpty() || message == kindName())
        return kindName();
    return kindName() + u": " + message;
}

} // namespace LiveActor
