#include "wsframes.h"

#include <QByteArray>
#include <QCryptographicHash>

#include <cstring>

namespace LiveActor::Bench::Ws {

std::string acceptKey(std::string_view clientKey)
{
    QByteArray key(clientKey.data(), qsizetype(clientKey.size()));
    key += "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";   // the RFC's fixed GUID
    const QByteArray accept = QCryptographicHash::hash(key, QCryptographicHash::Sha1).toBase64();
    return std::string(accept.constData(), std::size_t(accept.size()));
}

ParseResult parseClientFrame(char *data, std::size_t size, std::size_t maxPayload, Frame *out)
{
    if (size < 2)
        return ParseResult::NeedMore;
    const auto *p = reinterpret_cast<const unsigned char *>(data);
    if (!(p[1] & 0x80))
        return ParseResult::Unmasked;
    std::uint64_t len = p[1] & 0x7f;
    std::size_t head = 2;
    if (len == 126) {
        if (size < 4)
            return ParseResult::NeedMore;
        len = (std::uint64_t(p[2]) << 8) | p[3];
        head = 4;
    } else if (len == 127) {
        if (size < 10)
            return ParseResult::NeedMore;
        len = 0;
        for (int i = 0; i < 8; ++i)
            len = (len << 8) | p[2 + i];
        head = 10;
    }
    if (len > maxPayload)
        return ParseResult::TooLarge;
    if (size < head + 4 + len)
        return ParseResult::NeedMore;
    unsigned char mask[4];
    std::memcpy(mask, data + head, 4);
    char *payload = data + head + 4;
    for (std::size_t i = 0; i < len; ++i)
        payload[i] = char(payload[i] ^ mask[i & 3]);
    out->fin = p[0] & 0x80;
    out->opcode = p[0] & 0x0f;
    out->payload = std::string_view(payload, std::size_t(len));
    out->size = head + 4 + std::size_t(len);
    return ParseResult::Frame;
}

void appendServerFrame(std::string &out, std::uint8_t opcode, std::string_view payload)
{
    char head[10];
    std::size_t h = 0;
    head[h++] = char(0x80 | opcode);
    const std::size_t len = payload.size();
    if (len < 126) {
        head[h++] = char(len);
    } else if (len < 65536) {
        head[h++] = char(126);
        head[h++] = char(len >> 8);
        head[h++] = char(len);
    } else {
        head[h++] = char(127);
        for (int i = 7; i >= 0; --i)
            head[h++] = char(std::uint64_t(len) >> (8 * i));
    }
    out.append(head, h);
    out.append(payload);
}

} // namespace LiveActor::Bench::Ws
