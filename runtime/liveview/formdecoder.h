#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>

namespace LiveActor {

/// Decodes LiveView form payloads the way Phoenix does (Plug.Conn.Query.decode + meta merge).
///
/// - decodeQuery("user%5Bname%5D=Ann&tags[]=a&tags[]=b") → {"user":{"name":"Ann"},"tags":["a","b"]}.
///   '+' is a space, %XX is decoded as UTF-8; `a[]` appends to a list; `a[][b]=1&a[][c]=2` builds
///   one map per list element (a key already present starts a new element); a repeated plain key
///   keeps the last value; keys starting with `_unused_` (the client's "not yet touched" markers)
///   are dropped. Errors (ErrorCode::Parse): a key used both as a value and as a map/list, more
///   than maxPairs pairs, nesting deeper than maxDepth.
/// - keyPath("user[name]") → ["user","name"] (how `meta._target` becomes a key path).
/// - decodeFormEvent(payload) takes a whole `event` payload with `"type":"form"` and returns the
///   value for the handler: the decoded `value`, merged with `meta`, where a string `_target` is
///   replaced by its key path (a JSON array;
///   a trailing `[]` is dropped: "user[tags][]" → ["user","tags"]). Non-form events: `value` as sent (an object), or
///   {"value": v} for a scalar.
/// Stateless and thread-safe.
class FormDecoder
{
public:
    static constexpr int maxPairs = 1000;
    static constexpr int maxDepth = 32;

    static Result<QJsonObject> decodeQuery(const QByteArray &urlEncoded);
    static QStringList keyPath(const QString &name);
    static Result<QJsonObject> decodeFormEvent(const QJsonObject &eventPayload);
};

} // namespace LiveActor
