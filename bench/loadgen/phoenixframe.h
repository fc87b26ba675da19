#pragma once

#include <cstdint>
#include <string_view>

namespace LiveActor::Bench {

/// The head of a Phoenix V2 JSON frame [join_ref, ref, topic, event, payload], parsed without
/// building a JSON tree (the generator must stay cheaper than the servers it measures).
/// Views point into the frame text; strings keep their JSON escapes (refs and topics have none).
struct PhoenixFrame
{
    std::string_view joinRefJson;     ///< join_ref as it is in the frame: "\"1\"" or "null"
    std::string_view refJson;         ///< ref likewise (a server echoes both back verbatim)
    bool hasRef = false;
    std::uint64_t ref = 0;            ///< decimal ref, when it is a decimal string
    std::string_view topic;
    std::string_view event;
    std::string_view status;          ///< payload.status for phx_reply ("ok", "error"), else empty
    std::string_view payload;         ///< the raw payload object

    /// False when text is not a 5-element array of that shape.
    static bool parse(std::string_view text, PhoenixFrame *out);
};

} // namespace LiveActor::Bench
