#pragma once

#include "core/result.h"
#include "liveview/channelmessage.h"

#include <QByteArray>
#include <QByteArrayView>

namespace LiveActor {

/// One binary push frame of the Phoenix V2 serializer: how the client sends an upload chunk on an
/// `lvu:<ref>` entry channel.
///
/// Layout: kind (1 byte, 0 = push), then one length byte each for join_ref, ref, topic and event,
/// then those four strings (ASCII, unterminated), then the payload (the chunk bytes) to the end of
/// the frame. A length byte caps each string at 255 bytes, so the header is at most 1025 bytes.
struct BinaryPush
{
    QByteArray joinRef;
    QByteArray ref;
    QByteArray topic;
    QByteArray event;
    QByteArray payload;

    /// The push without its bytes, to answer it with ChannelMessage::reply().
    ChannelMessage header() const;
};

/// Splits a binary WebSocket message into a BinaryPush. Never reads past the frame:
/// - ErrorCode::Protocol: the kind byte is not 0 (clients only push; replies and broadcasts flow
///   from the server);
/// - ErrorCode::Parse: shorter than its 5-byte header, the declared string lengths run past the
///   end, or the topic or event is empty.
Result<BinaryPush> parseBinaryPush(QByteArrayView frame);

} // namespace LiveActor
