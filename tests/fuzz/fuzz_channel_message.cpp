// ChannelMessage::parse on one WebSocket text frame (Phoenix V2 JSON). What parses must encode
// and parse back to the same message, and a reply to it must parse too.

#include "fuzzsupport.h"

#include "liveview/channelmessage.h"

using namespace LiveActor;
using namespace Qt::StringLiterals;

namespace {

bool same(const ChannelMessage &a, const ChannelMessage &b)
{
    return a.joinRef == b.joinRef && a.ref == b.ref && a.topic == b.topic && a.event == b.event
        && a.payload == b.payload;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    Fuzz::silenceQtLogging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    auto message = ChannelMessage::parse(Fuzz::bytes(data, size));
    if (!message) {
        Fuzz::require(message.error().code == ErrorCode::Parse, "bad frames are Parse errors");
        Fuzz::require(!message.error().message.isEmpty(), "a Parse error says what is wrong");
        return 0;
    }
    Fuzz::require(!message->topic.isEmpty() && !message->event.isEmpty(), "topic and event are never empty");
    auto again = ChannelMessage::parse(message->encode());
    Fuzz::require(again.has_value() && same(*message, *again), "encode() parses back to the same message");
    auto reply = ChannelMessage::parse(ChannelMessage::reply(*message, u"ok"_s, message->payload));
    Fuzz::require(reply.has_value() && reply->event == u"phx_reply"_s && reply->ref == message->ref,
                  "a reply parses and echoes the ref");
    return 0;
}
