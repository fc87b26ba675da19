#include "core/result.h"

namespace LiveActor {

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Unknown: return QStringLiteral("unknown");
    case ErrorCode::InvalidArgument: return QStringLiteral("invalid_argument");
    case ErrorCode::NotFound: return QStringLiteral("not_found");
    case ErrorCode::Full: return QStringLiteral("full");
    case ErrorCode::Closed: return QStringLiteral("closed");
    case ErrorCode::Timeout: return QStringLiteral("timeout");
    case ErrorCode::NoReply: return QStringLiteral("no_reply");
    case ErrorCode::Crashed: return QStringLiteral("crashed");
    case ErrorCode::Killed: return QStringLiteral("killed");
    case ErrorCode::NotSupported: return QStringLiteral("not_supported");
    case ErrorCode::Parse: return QStringLiteral("parse");
    case ErrorCode::Io: return QStringLiteral("io");
    case ErrorCode::Protocol: return QStringLiteral("protocol");
    case ErrorCode::Internal: return QStringLiteral("internal");
    }
    return QStringLiteral("unknown");
}

QString Error::toString() const
{
    if (message.isEmpty())
        return errorCodeName(code);
    return errorCodeName(code) + u": " + message;
}

} // namespace LiveActor
