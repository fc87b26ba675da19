#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace LiveActor {

/// One Phoenix Channels message in the V2 JSON serializer (`vsn=2.0.0`).
///
/// Wire form (one WebSocket text frame): `[join_ref, ref, topic, event, payload]`.
/// - join_ref, ref: strings (opaque, echoed verbatim) or null (std::nullopt here). Numbers are
///   accepted on input and kept as their decimal text, as Phoenix tolerates them.
/// - topic, event: strings, never empty.
/// - payload: a JSON object in both directions.
/// - Extra trailing elements are tolerated (Phoenix does `[j, r, t, e, p | _]`).
///
/// parse() answers a Parse error saying exactly what is wrong; it never crashes on bad input.
/// A plain value type; copy it freely across threads.
struct ChannelMessage
{
    std::optional<QString> joinRef;
    std::optional<QString> ref;
    QString topic;
    QString event;
    QJsonObject payload;

    /// Decodes one text frame. Errors: ErrorCode::Parse with a message naming the bad element.
    static Result<ChannelMessage> parse(const QByteArray &frame);

    /// Encodes as a compact V2 frame. payload is written as given.
    QByteArray encode() const;

    /// Encodes with a payload that is already JSON text (a rendered diff spliced in without
    /// re-parsing). rawPayload must be one JSON object.
    static QByteArray encodeRaw(const std::optional<QString> &joinRef, const std::optional<QString> &ref,
                                const QString &topic, const QString &event, const QByteArray &rawPayload);

    /// A reply `{"status":status,"response":response}` to request, echoing its join_ref and ref.
    static QByteArray reply(const ChannelMessage &request, const QString &status,
                            const QJsonObject &response = {});
    /// Same, with response given as JSON object text.
    static QByteArray replyRaw(const ChannelMessage &request, const QString &status,
                               const QByteArray &rawResponse);
};

} // namespace LiveActor
