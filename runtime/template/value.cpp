#include "template/value.h"

#include "template/orderedjson_p.h"
#include "template/pyrepr_p.h"
#include "template/unicodetext_p.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QTimeZone>

#include <cmath>
#include <limits>

namespace LiveActor {

std::optional<QList<Value>> LazyObject::iterate() const { return std::nullopt; }
bool LazyObject::isTruthy() const { return true; }
QString LazyObject::toString() const { return {}; }

Value::Value(const ValueList &list) : m_data(std::make_shared<const ValueList>(list)) { }
Value::Value(const ValueMap &map) : m_data(std::make_shared<const ValueMap>(map)) { }

Value Value::safe(const QString &html)
{
    Value v;
    v.m_data = SafeText{html};
    return v;
}

Value::Type Value::type() const
{
    return static_cast<Type>(m_data.index());
}

bool Value::isTruthy() const
{
    switch (type()) {
    case Type::Null: return false;
    case Type::Bool: return std::get<bool>(m_data);
    case Type::Int: return std::get<qint64>(m_data) != 0;
    case Type::Float: return std::get<double>(m_data) != 0.0;
    case Type::String: return !std::get<QString>(m_data).isEmpty();
    case Type::SafeString: return !std::get<SafeText>(m_data).text.isEmpty();
    case Type::List: return !std::get<std::shared_ptr<const ValueList>>(m_data)->isEmpty();
    case Type::Map: return !std::get<std::shared_ptr<const ValueMap>>(m_data)->isEmpty();
    case Type::DateTime: return true;
    case Type::Object: return std::get<std::shared_ptr<const LazyObject>>(m_data)->isTruthy();
    }
    return false;
}

qint64 Value::toInt() const
{
    switch (type()) {
    case Type::Bool: return std::get<bool>(m_data) ? 1 : 0;
    case Type::Int: return std::get<qint64>(m_data);
    case Type::Float: {
        // Saturate: converting a double outside qint64's range is undefined behaviour (found by fuzz_template).
        const double d = std::get<double>(m_data);
        if (!std::isfinite(d))
            return 0;
        if (d >= 9223372036854775807.0)
            return std::numeric_limits<qint64>::max();
        if (d <= -9223372036854775808.0)
            return std::numeric_limits<qint64>::min();
        return qint64(d);
    }
    default: return 0;
    }
}

double Value::toDouble() const
{
    switch (type()) {
    case Type::Bool: return std::get<bool>(m_data) ? 1 : 0;
    case Type::Int: return double(std::get<qint64>(m_data));
    case Type::Float: return std::get<double>(m_data);
    default: return 0;
    }
}

QString Value::toString() const
{
    switch (type()) {
    case Type::Null: return QStringLiteral("None");
    case Type::Bool: return std::get<bool>(m_data) ? QStringLiteral("True") : QStringLiteral("False");
    case Type::Int: return QString::number(std::get<qint64>(m_data));
    case Type::Float: return QString::fromLatin1(TemplateDetail::pyFloatRepr(std::get<double>(m_data)));
    case Type::String: return std::get<QString>(m_data);
    case Type::SafeString: return std::get<SafeText>(m_data).text;
    case Type::List:
    case Type::Map: return toRepr();
    case Type::DateTime:
        if (isDate())
            return dateTime().toString(QStringLiteral("yyyy-MM-dd")); // str(date)
        return TemplateDetail::isoFormat(dateTime(), u' '); // str(datetime)
    case Type::Object: return std::get<std::shared_ptr<const LazyObject>>(m_data)->toString();
    }
    return {};
}

QString Value::toRepr() const
{
    switch (type()) {
    case Type::String:
    case Type::SafeString: return TemplateDetail::pyStringRepr(toString());
    case Type::List: {
        QString out = QStringLiteral("[");
        const auto &l = *std::get<std::shared_ptr<const ValueList>>(m_data);
        for (qsizetype i = 0; i < l.size(); ++i) {
            if (i)
                out += u", ";
            out += l[i].toRepr();
        }
        return out + u']';
    }
    case Type::Map: {
        QString out = QStringLiteral("{");
        const auto &m = *std::get<std::shared_ptr<const ValueMap>>(m_data);
        for (qsizetype i = 0; i < m.size(); ++i) {
            if (i)
                out += u", ";
            out += TemplateDetail::pyStringRepr(m.keys()[i]) + u": " + m.values()[i].toRepr();
        }
        return out + u'}';
    }
    case Type::DateTime: {
        const QDateTime dt = dateTime();
        if (isDate())
            return QStringLiteral("datetime.date(%1, %2, %3)").arg(dt.date().year()).arg(dt.date().month()).arg(dt.date().day());
        QString out = QStringLiteral("datetime.datetime(%1, %2, %3, %4, %5")
                          .arg(dt.date().year()).arg(dt.date().month()).arg(dt.date().day())
                          .arg(dt.time().hour()).arg(dt.time().minute());
        const int us = dt.time().msec() * 1000;
        if (dt.time().second() || us)
            out += QStringLiteral(", %1").arg(dt.time().second());
        if (us)
            out += QStringLiteral(", %1").arg(us);
        if (TemplateDetail::isAware(dt)) {
            // Qt::UTC is datetime.timezone.utc, Qt::OffsetFromUTC a fixed datetime.timezone, a
            // system zone a zoneinfo.ZoneInfo and a custom zone a named datetime.timezone
            const QByteArray zone = dt.timeSpec() == Qt::TimeZone ? dt.timeZone().id() : QByteArray();
            const int offset = dt.offsetFromUtc();
            // timedelta normalizes to days=-1 and positive seconds
            const QString delta = offset < 0 ? QStringLiteral("days=-1, seconds=%1").arg(86400 + offset)
                                             : QStringLiteral("seconds=%1").arg(offset);
            if (dt.timeSpec() == Qt::UTC)
                out += QStringLiteral(", tzinfo=datetime.timezone.utc");
            else if (dt.timeSpec() == Qt::OffsetFromUTC)
                out += QStringLiteral(", tzinfo=datetime.timezone(datetime.timedelta(%1))").arg(delta);
            else if (QTimeZone::isTimeZoneIdAvailable(zone))
                out += QStringLiteral(", tzinfo=zoneinfo.ZoneInfo(key='%1')").arg(QString::fromUtf8(zone));
            else
                out += QStringLiteral(", tzinfo=datetime.timezone(datetime.timedelta(%1), %2)")
                           .arg(delta, TemplateDetail::pyStringRepr(dt.timeZoneAbbreviation()));
        }
        return out + u')';
    }
    default: return toString();
    }
}

std::optional<ValueList> Value::iterate() const
{
    switch (type()) {
    case Type::List: return *std::get<std::shared_ptr<const ValueList>>(m_data);
    case Type::Map: {
        ValueList keys;
        for (const QString &k : std::get<std::shared_ptr<const ValueMap>>(m_data)->keys())
            keys.append(Value(k));
        return keys;
    }
    case Type::String:
    case Type::SafeString: {
        ValueList chars;
        const QString s = toString();
        for (qsizetype i = 0; i < s.size(); ++i) {
            if (s[i].isHighSurrogate() && i + 1 < s.size()) {
                chars.append(Value(s.mid(i, 2)));
                ++i;
            } else {
                chars.append(Value(QString(s[i])));
            }
        }
        return chars;
    }
    case Type::Object: return std::get<std::shared_ptr<const LazyObject>>(m_data)->iterate();
    default: return std::nullopt;
    }
}

const ValueList *Value::list() const
{
    if (auto p = std::get_if<std::shared_ptr<const ValueList>>(&m_data))
        return p->get();
    return nullptr;
}

const ValueMap *Value::map() const
{
    if (auto p = std::get_if<std::shared_ptr<const ValueMap>>(&m_data))
        return p->get();
    return nullptr;
}

Value Value::date(const QDate &date)
{
    Value v;
    v.m_data = When{QDateTime(date, QTime(0, 0)), true};
    return v;
}

bool Value::isDate() const
{
    auto p = std::get_if<When>(&m_data);
    return p && p->dateOnly;
}

QDateTime Value::dateTime() const
{
    if (auto p = std::get_if<When>(&m_data))
        return p->dateTime;
    return {};
}

const LazyObject *Value::object() const
{
    if (auto p = std::get_if<std::shared_ptr<const LazyObject>>(&m_data))
        return p->get();
    return nullptr;
}

static std::optional<qsizetype> parseIndex(const QString &segment)
{
    bool ok = false;
    const qlonglong i = segment.toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    return qsizetype(i);
}

std::optional<Value> Value::fromJson(const QByteArray &json, QString *error)
{
    return TemplateDetail::parseJson(json, error);
}

std::optional<Value> Value::lookup(const QString &segment) const
{
    switch (type()) {
    case Type::Map: {
        const ValueMap &m = *std::get<std::shared_ptr<const ValueMap>>(m_data);
        if (const Value *v = m.find(segment))
            return *v;
        // dict attributes that Django calls: d.items, d.keys, d.values
        if (segment == u"items") {
            ValueList items;
            items.reserve(m.size());
            for (qsizetype i = 0; i < m.size(); ++i)
                items.append(Value(ValueList{Value(m.keys()[i]), m.values()[i]}));
            return Value(items);
        }
        if (segment == u"keys") {
            ValueList keys;
            for (const QString &k : m.keys())
                keys.append(Value(k));
            return Value(keys);
        }
        if (segment == u"values")
            return Value(m.values());
        return std::nullopt;
    }
    case Type::List: {
        const ValueList &l = *std::get<std::shared_ptr<const ValueList>>(m_data);
        auto idx = parseIndex(segment);
        if (!idx)
            return std::nullopt;
        qsizetype i = *idx;
        if (i < 0)
            i += l.size();
        if (i < 0 || i >= l.size())
            return std::nullopt;
        return l[i];
    }
    case Type::String:
    case Type::SafeString: {
        const QString s = toString();
        auto idx = parseIndex(segment);
        if (!idx)
            return std::nullopt;
        qsizetype i = *idx;
        const qsizetype len = TemplateDetail::PyText::length(s); // indexes count code points, as in Python
        if (i < 0)
            i += len;
        if (i < 0 || i >= len)
            return std::nullopt;
        const qsizetype at = TemplateDetail::PyText::unitIndex(s, i);
        return Value(s.mid(at, TemplateDetail::PyText::unitIndex(QStringView(s).mid(at), 1)));
    }
    case Type::DateTime: {
        const QDateTime dt = dateTime();
        if (segment == u"year") return Value(dt.date().year());
        if (segment == u"month") return Value(dt.date().month());
        if (segment == u"day") return Value(dt.date().day());
        if (isDate())
            return std::nullopt;
        if (segment == u"hour") return Value(dt.time().hour());
        if (segment == u"minute") return Value(dt.time().minute());
        if (segment == u"second") return Value(dt.time().second());
        return std::nullopt;
    }
    case Type::Object:
        return std::get<std::shared_ptr<const LazyObject>>(m_data)->attribute(segment);
    default: return std::nullopt;
    }
}

bool Value::equals(const Value &other) const
{
    const Type a = type(), b = other.type();
    const bool an = a == Type::Bool || a == Type::Int || a == Type::Float;
    const bool bn = b == Type::Bool || b == Type::Int || b == Type::Float;
    if (an && bn) {
        if (a == Type::Float || b == Type::Float)
            return toDouble() == other.toDouble();
        return toInt() == other.toInt();
    }
    if (isString() && other.isString())
        return toString() == other.toString();
    if (a != b)
        return false;
    switch (a) {
    case Type::Null: return true;
    case Type::List: {
        const ValueList &x = *list(), &y = *other.list();
        if (x.size() != y.size())
            return false;
        for (qsizetype i = 0; i < x.size(); ++i)
            if (!x[i].equals(y[i]))
                return false;
        return true;
    }
    case Type::Map: {
        const ValueMap &x = *map(), &y = *other.map();
        if (x.size() != y.size())
            return false;
        for (qsizetype i = 0; i < x.size(); ++i) {
            const Value *v = y.find(x.keys()[i]);
            if (!v || !x.values()[i].equals(*v))
                return false;
        }
        return true;
    }
    case Type::DateTime: return dateTime() == other.dateTime();
    case Type::Object: return object() == other.object();
    default: return false;
    }
}

std::optional<bool> Value::lessThan(const Value &other) const
{
    const Type a = type(), b = other.type();
    const bool an = a == Type::Bool || a == Type::Int || a == Type::Float;
    const bool bn = b == Type::Bool || b == Type::Int || b == Type::Float;
    if (an && bn) {
        if (a == Type::Float || b == Type::Float)
            return toDouble() < other.toDouble();
        return toInt() < other.toInt();
    }
    if (isString() && other.isString())
        return toString() < other.toString(); // UTF-16 order equals code point order outside surrogates
    if (a == Type::DateTime && b == Type::DateTime)
        return dateTime() < other.dateTime();
    if (a == Type::List && b == Type::List) {
        const ValueList &x = *list(), &y = *other.list();
        for (qsizetype i = 0; i < qMin(x.size(), y.size()); ++i) {
            if (x[i].equals(y[i]))
                continue;
            return x[i].lessThan(y[i]);
        }
        return x.size() < y.size();
    }
    return std::nullopt;
}

Value Value::fromJson(const QJsonValue &json)
{
    switch (json.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined: return Value();
    case QJsonValue::Bool: return Value(json.toBool());
    case QJsonValue::Double: {
        const QVariant v = json.toVariant();
        if (v.typeId() == QMetaType::LongLong || v.typeId() == QMetaType::Int
            || v.typeId() == QMetaType::ULongLong)
            return Value(qint64(v.toLongLong()));
        return Value(json.toDouble());
    }
    case QJsonValue::String: return Value(json.toString());
    case QJsonValue::Array: {
        ValueList l;
        const QJsonArray a = json.toArray();
        l.reserve(a.size());
        for (const QJsonValue &e : a)
            l.append(fromJson(e));
        return Value(l);
    }
    case QJsonValue::Object: {
        // QJsonObject sorts keys; key order is restored by fromJson(QByteArray) below.
        ValueMap m;
        const QJsonObject o = json.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            m.insert(it.key(), fromJson(it.value()));
        return Value(m);
    }
    }
    return Value();
}

QJsonValue Value::toJson() const
{
    switch (type()) {
    case Type::Null: return QJsonValue(QJsonValue::Null);
    case Type::Bool: return std::get<bool>(m_data);
    case Type::Int: return std::get<qint64>(m_data);
    case Type::Float: return std::get<double>(m_data);
    case Type::List: {
        QJsonArray a;
        for (const Value &v : *list())
            a.append(v.toJson());
        return a;
    }
    case Type::Map: {
        QJsonObject o;
        const ValueMap &m = *map();
        for (qsizetype i = 0; i < m.size(); ++i)
            o.insert(m.keys()[i], m.values()[i].toJson());
        return o;
    }
    case Type::DateTime: return dateTime().toString(Qt::ISODate);
    default: return toString();
    }
}

QByteArray Value::toJsonText(bool pythonStyle) const
{
    QByteArray out;
    TemplateDetail::writeJsonValue(out, *this, pythonStyle);
    return out;
}

ValueMap::ValueMap(std::initializer_list<std::pair<QString, Value>> items)
{
    for (const auto &[k, v] : items)
        insert(k, v);
}

// Small maps (most template objects) are searched linearly: contiguous keys beat a hash lookup
// that misses the cache. The hash index is built only past kLinearLimit keys.
static constexpr qsizetype kLinearLimit = 8;

static qsizetype linearFind(const QList<QString> &keys, const QString &key)
{
    const qsizetype n = keys.size();
    const QString *k = keys.constData();
    for (qsizetype i = 0; i < n; ++i)
        if (k[i].size() == key.size() && k[i] == key)
            return i;
    return -1;
}

void ValueMap::insert(const QString &key, const Value &value)
{
    qsizetype at;
    if (m_index.isEmpty()) {
        at = linearFind(m_keys, key);
    } else {
        auto it = m_index.constFind(key);
        at = it == m_index.constEnd() ? -1 : *it;
    }
    if (at >= 0) {
        m_values[at] = value;
        return;
    }
    m_keys.append(key);
    m_values.append(value);
    if (!m_index.isEmpty()) {
        m_index.insert(key, m_keys.size() - 1);
    } else if (m_keys.size() > kLinearLimit) {
        for (qsizetype i = 0; i < m_keys.size(); ++i)
            m_index.insert(m_keys[i], i);
    }
}

const Value *ValueMap::find(const QString &key) const
{
    if (m_index.isEmpty()) {
        const qsizetype i = linearFind(m_keys, key);
        return i < 0 ? nullptr : &m_values[i];
    }
    auto it = m_index.constFind(key);
    if (it == m_index.constEnd())
        return nullptr;
    return &m_values[*it];
}

Value ValueMap::value(const QString &key) const
{
    const Value *v = find(key);
    return v ? *v : Value();
}

} // namespace LiveActor
