#include "liveview/uploadframe.h"

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace {
constexpr qsizetype HeaderSize = 5; // kind + four length bytes
constexpr quint8 PushKind = 0;
} // namespace

ChannelMessage BinaryPush::header() const
{
    // A join_ref of zero length is the client's null (a push outside any join).
    const auto optional = [](const QByteArray &s) {
        return s.isEmpty() ? std::nullopt : std::optional<QString>(QString::fromUtf8(s));
    };
    return {optional(joinRef), optional(ref), QString::fromUtf8(topic), QString::fromUtf8(event), {}};
}

Result<BinaryPush> parseBinaryPush(QByteArrayView frame)
{
    if (frame.size() < HeaderSize)
        return fail(ErrorCode::Parse, u"binary frame of %1 bytes is shorter than its 5-byte header"_s.arg(frame.size()));
    const auto byte = [&](qsizetype i) { return quint8(frame[i]); };
    if (byte(0) != PushKind)
        return fail(ErrorCode::Protocol, u"binary frame of kind %1; clients may only push (kind 0)"_s.arg(byte(0)));
    const qsizetype lengths[4] = {byte(1), byte(2), byte(3), byte(4)};
    qsizetype pos = HeaderSize;
    QByteArray parts[4];
    for (int i = 0; i < 4; ++i) {
        if (frame.size() - pos < lengths[i])
            return fail(ErrorCode::Parse, u"binary frame header declares %1 more bytes than it has"_s
                                               .arg(lengths[i] - (frame.size() - pos)));
        parts[i] = frame.sliced(pos, lengths[i]).toByteArray();
        pos += lengths[i];
    }
    if (parts[2].isEmpty() || parts[3].isEmpty())
        return fail(ErrorCode::Parse, u"binary frame without a topic or an event"_s);
    return BinaryPush{std::move(parts[0]), std::move(parts[1]), std::move(parts[2]), std::move(parts[3]),
                      frame.sliced(pos).toByteArray()};
}

} // namespace LiveActor
