#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace LiveActor::Bench::Ws {

/// Sec-WebSocket-Accept for a client's Sec-WebSocket-Key (RFC 6455 §4.2.2).
std::string acceptKey(std::string_view clientKey);

/// One frame from a client, unmasked in place.
struct Frame
{
    bool fin = false;
    std::uint8_t opcode = 0;
    std::string_view payload;   ///< points into the caller's buffer
    std::size_t size = 0;       ///< bytes of header and payload consumed
};

enum class ParseResult { Frame, NeedMore, Unmasked, TooLarge };

/// Parses the frame at the start of data (at most maxPayload bytes of payload) and unmasks its
/// payload in place. A client that does not mask is refused, as the RFC requires.
ParseResult parseClientFrame(char *data, std::size_t size, std::size_t maxPayload, Frame *out);

/// Appends an unmasked server frame (FIN set) to out.
void appendServerFrame(std::string &out, std::uint8_t opcode, std::string_view payload);

} // namespace LiveActor::Bench::Ws
