#include "liveview/channelmessage.h"

#include "template/escaping.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace {

// join_ref and ref: string, null, or (tolerated) an integer kept as text.
Result<std::optional<QString>> refElement(const QJsonValue &v, const char *what)
{
    if (v.isNull() || v.isUndefined())
        return std::optional<QString>{};
    if (v.isString()) {
        if (!v.toString().isValidUtf16())
            return fail(ErrorCode::Parse, QString::fromLatin1(what) + u" is not valid Unicode (a lone surrogate)"_s);
        return std::optional<QString>{v.toString()};
    }
    if (v.isDouble()) {
        // Whole numbers a double holds exactly (|d| <= 2^53); a larger one would overflow the
        // conversion (undefined behaviour, found by fuzz_channel_message) and is not a ref anyway.
        const double d = v.toDouble();
        if (std::abs(d) <= 9007199254740992.0 && d == std::trunc(d))
            return std::optional<QString>{QString::number(qint64(d))};
    }
    return fail(ErrorCode::Parse, QString::fromLatin1(what) + u" must be a string or null"_s);
}

void appendString(QByteArray &out, const QString &s)
{
    appendJsonString(out, s.toUtf8());
}

void appendRef(QByteArray &out, const std::optional<QString> &ref)
{
    if (!ref)
        out += "null";
    else
        appendString(out, *ref);
}

} // namespace

Result<ChannelMessage> ChannelMessage::parse(const QByteArray &frame)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(frame, &err);
    if (err.error != QJsonParseError::NoError)
        return fail(ErrorCode::Parse, u"malformed JSON at offset %1: %2"_s.arg(err.offset).arg(err.errorString()));
    if (!doc.isArray())
        return fail(ErrorCode::Parse, u"a frame must be a JSON array [join_ref, ref, topic, event, payload]"_s);
    const QJsonArray a = doc.array();
    if (a.size() < 5)
        return fail(ErrorCode::Parse, u"a frame needs 5 elements, got %1"_s.arg(a.size()));

    ChannelMessage m;
    auto joinRef = refElement(a.at(0), "join_ref");
    if (!joinRef)
        return fail(joinRef.error());
    auto ref = refElement(a.at(1), "ref");
    if (!ref)
        return fail(ref.error());
    m.joinRef = *joinRef;
    m.ref = *ref;
    if (!a.at(2).isString() || a.at(2).toString().isEmpty())
        return fail(ErrorCode::Parse, u"topic must be a non-empty string"_s);
    if (!a.at(3).isString() || a.at(3).toString().isEmpty())
        return fail(ErrorCode::Parse, u"event must be a non-empty string"_s);
    if (!a.at(4).isObject())
        return fail(ErrorCode::Parse, u"payload must be a JSON object"_s);
    // A lone surrogate (JSON "\ud800") has no UTF-8 form: the echo in a reply would carry
    // another topic than the client's, which it would never match.
    if (!a.at(2).toString().isValidUtf16() || !a.at(3).toString().isValidUtf16())
        return fail(ErrorCode::Parse, u"topic and event must be valid Unicode (a lone surrogate)"_s);
    m.topic = a.at(2).toString();
    m.event = a.at(3).toString();
    m.payload = a.at(4).toObject();
    return m;
}

QByteArray ChannelMessage::encodeRaw(const std::optional<QString> &joinRef, const std::optional<QString> &ref,
                                     const QString &topic, const QString &event, const QByteArray &rawPayload)
{
    QByteArray out;
    out.reserve(rawPayload.size() + topic.size() + event.size() + 32);
    out += '[';
    appendRef(out, joinRef);
    out += ',';
    appendRef(out, ref);
    out += ',';
    appendString(out, topic);
    out += ',';
    appendString(out, event);
    out += ',';
    out += rawPayload.isEmpty() ? QByteArray("{}") : rawPayload;
    out += ']';
    return out;
}

QByteArray ChannelMessage::encode() const
{
    return encodeRaw(joinRef, ref, topic, event, QJsonDocument(payload).toJson(QJsonDocument::Compact));
}

QByteArray ChannelMessage::reply(const ChannelMessage &request, const QString &status, const QJsonObject &response)
{
    return replyRaw(request, status, QJsonDocument(response).toJson(QJsonDocument::Compact));
}

QByteArray ChannelMessage::replyRaw(const ChannelMessage &request, const QString &status, const QByteArray &rawResponse)
{
    QByteArray payload = "{\"status\":";
    appendString(payload, status);
    payload += ",\"response\":";
    payload += rawResponse.isEmpty() ? QByteArray("{}") : rawResponse;
    payload += '}';
    return encodeRaw(request.joinRef, request.ref, request.topic, u"phx_reply"_s, payload);
}

} // namespace LiveActor
