#include "nativesessionactor.h"

#include "core/exitsignal.h"

using namespace Qt::StringLiterals;

namespace LiveActor {

Result<void> NativeSessionActor::handle(Message &message)
{
    if (message.is<ExitSignal>() || message.is<Down>())
        return {};
    return fail(ErrorCode::InvalidArgument, u"session: unexpected message "_s + QString::fromLatin1(message.typeName()));
}

} // namespace LiveActor
