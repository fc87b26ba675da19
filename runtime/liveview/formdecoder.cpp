#include "liveview/formdecoder.h"

#include <QJsonArray>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace {

QString decodeComponent(QByteArray raw)
{
    raw.replace('+', ' ');
    return QString::fromUtf8(QByteArray::fromPercentEncoding(raw));
}

// Inserts value at path (segments; "" means "append to list") into obj.
Result<void> insertPath(QJsonObject &obj, const QStringList &path, int index, const QString &value,
                        const QString &fullKey);

Result<void> insertIntoArray(QJsonArray &arr, const QStringList &path, int index, const QString &value,
                             const QString &fullKey)
{
    // path[index-1] was "": we are appending to arr.
    if (index == path.size()) {
        arr.append(value);
        return {};
    }
    // a[][b]=…: add to the last map element unless it already has that key (then start a new one).
    const QString &next = path.at(index);
    if (next.isEmpty())
        return fail(ErrorCode::Parse, u"form key %1: nested lists ([][]) are not supported"_s.arg(fullKey));
    QJsonObject element;
    bool reuse = false;
    if (!arr.isEmpty() && arr.last().isObject()) {
        element = arr.last().toObject();
        reuse = !element.contains(next)
            || (index + 1 < path.size() && element.value(next).isObject()
                && !element.value(next).toObject().contains(path.value(index + 1)));
    }
    if (!reuse)
        element = QJsonObject();
    auto r = insertPath(element, path, index, value, fullKey);
    if (!r)
        return r;
    if (reuse)
        arr[arr.size() - 1] = element;
    else
        arr.append(element);
    return {};
}

Result<void> insertPath(QJsonObject &obj, const QStringList &path, int index, const QString &value,
                        const QString &fullKey)
{
    const QString &key = path.at(index);
    const bool last = index + 1 == path.size();
    if (last) {
        if (obj.value(key).isObject() || obj.value(key).isArray())
            return fail(ErrorCode::Parse, u"form key %1: %2 is already a map or list"_s.arg(fullKey, key));
        obj.insert(key, value);
        return {};
    }
    const bool wantList = path.at(index + 1).isEmpty();
    QJsonValue existing = obj.value(key);
    if (wantList) {
        if (!existing.isUndefined() && !existing.isArray())
            return fail(ErrorCode::Parse, u"form key %1: %2 is not a list"_s.arg(fullKey, key));
        QJsonArray arr = existing.toArray();
        auto r = insertIntoArray(arr, path, index + 2, value, fullKey);
        if (!r)
            return r;
        obj.insert(key, arr);
        return {};
    }
    if (!existing.isUndefined() && !existing.isObject())
        return fail(ErrorCode::Parse, u"form key %1: %2 is not a map"_s.arg(fullKey, key));
    QJsonObject child = existing.toObject();
    auto r = insertPath(child, path, index + 1, value, fullKey);
    if (!r)
        return r;
    obj.insert(key, child);
    return {};
}

} // namespace

QStringList FormDecoder::keyPath(const QString &name)
{
    // "a[b][]" → ["a","b",""]; a malformed bracket ("a[b") keeps the rest literally.
    const qsizetype open = name.indexOf(u'[');
    if (open <= 0)
        return {name};
    QStringList path{name.left(open)};
    qsizetype pos = open;
    while (pos < name.size()) {
        if (name.at(pos) != u'[')
            return {name};
        const qsizetype close = name.indexOf(u']', pos);
        if (close < 0)
            return {name};
        path.append(name.mid(pos + 1, close - pos - 1));
        pos = close + 1;
    }
    return path;
}

Result<QJsonObject> FormDecoder::decodeQuery(const QByteArray &urlEncoded)
{
    QJsonObject out;
    if (urlEncoded.isEmpty())
        return out;
    const QList<QByteArray> pairs = urlEncoded.split('&');
    if (pairs.size() > maxPairs)
        return fail(ErrorCode::Parse, u"form has %1 fields, more than %2"_s.arg(pairs.size()).arg(maxPairs));
    for (const QByteArray &pair : pairs) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        const QString key = decodeComponent(eq < 0 ? pair : pair.left(eq));
        const QString value = eq < 0 ? QString() : decodeComponent(pair.mid(eq + 1));
        if (key.isEmpty() || key.startsWith(u"_unused_"))
            continue;
        const QStringList path = keyPath(key);
        if (path.size() > maxDepth)
            return fail(ErrorCode::Parse, u"form key %1 is nested deeper than %2"_s.arg(key).arg(maxDepth));
        if (path.first().isEmpty())
            return fail(ErrorCode::Parse, u"form key %1 has an empty name"_s.arg(key));
        auto r = insertPath(out, path, 0, value, key);
        if (!r)
            return fail(r.error());
    }
    return out;
}

Result<QJsonObject> FormDecoder::decodeFormEvent(const QJsonObject &eventPayload)
{
    const QJsonValue value = eventPayload.value(u"value");
    if (eventPayload.value(u"type").toString() != u"form") {
        if (value.isObject())
            return value.toObject();
        if (value.isUndefined() || value.isNull())
            return QJsonObject();
        return QJsonObject{{u"value"_s, value}};
    }
    if (!value.isString() && !value.isUndefined() && !value.isNull())
        return fail(ErrorCode::Parse, u"a form event's value must be a URL-encoded string"_s);
    auto decoded = decodeQuery(value.toString().toUtf8());
    if (!decoded)
        return decoded;
    QJsonObject out = *decoded;
    const QJsonObject meta = eventPayload.value(u"meta").toObject();
    for (auto it = meta.begin(); it != meta.end(); ++it) {
        if (it.key() == u"_target" && it.value().isString()) {
            // "user[tags][]" → ["user","tags"]: the list marker is not a key.
            QStringList segments = keyPath(it.value().toString());
            while (segments.size() > 1 && segments.last().isEmpty())
                segments.removeLast();
            QJsonArray path;
            for (const QString &seg : std::as_const(segments))
                path.append(seg);
            out.insert(u"_target"_s, path);
        } else {
            out.insert(it.key(), it.value());
        }
    }
    return out;
}

} // namespace LiveActor
