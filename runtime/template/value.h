#pragma once

#include "template/lazyobject.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <memory>
#include <optional>
#include <variant>

namespace LiveActor {

class Value;
class ValueMap;
using ValueList = QList<Value>;

/// A template value: what a context variable, a lookup or a filter yields.
///
/// Types: null (Python None), bool, int (64-bit), float, string, safe string (already HTML, never
/// escaped again — Django's SafeString), list, map (insertion-ordered, like a Python dict),
/// date-time (for the date/time/timesince filters; JSON has none, so it only comes from C++ or a
/// LazyObject), and lazily resolved objects (LazyObject, implemented by the Python side).
/// Lists and maps are immutable once wrapped and shared by pointer, so copying a Value is cheap.
/// Printing follows Python's str(): None → "None", True → "True", 1.5 → "1.5", lists → "[1, 'a']".
/// A Value is a plain value type: safe to copy across threads as long as its LazyObjects are.
class Value
{
public:
    enum class Type { Null, Bool, Int, Float, String, SafeString, List, Map, DateTime, Object };

    Value() = default;
    Value(std::nullptr_t) { }
    Value(bool b) : m_data(b) { }
    Value(int i) : m_data(qint64(i)) { }
    Value(qint64 i) : m_data(i) { }
    Value(double d) : m_data(d) { }
    Value(const QString &s) : m_data(s) { }
    Value(const char16_t *s) : m_data(QString::fromUtf16(s)) { }
    /// Deleted: a char pointer would otherwise silently become a bool. Use u"…" or QString.
    Value(const char *) = delete;
    Value(const ValueList &list);
    Value(const ValueMap &map);
    Value(const QDateTime &dt) : m_data(When{dt, false}) { }
    Value(std::shared_ptr<const LazyObject> object) : m_data(std::move(object)) { }

    /// A Python datetime.date: a DateTime at local midnight that prints and formats as a date.
    static Value date(const QDate &date);

    /// A string that is already HTML-safe (Django's mark_safe): printed without escaping.
    static Value safe(const QString &html);

    Type type() const;
    bool isNull() const { return type() == Type::Null; }
    bool isString() const { return type() == Type::String || type() == Type::SafeString; }
    bool isSafe() const { return type() == Type::SafeString; }
    bool isNumber() const { return type() == Type::Int || type() == Type::Float; }

    /// Python truthiness: None, False, 0, 0.0, "", [] and {} are false; objects ask isTruthy().
    bool isTruthy() const;
    /// The bool, int or float as an integer (floats truncate); 0 for anything else.
    qint64 toInt() const;
    /// The number as a double; 0 for anything else.
    double toDouble() const;
    /// Python str() of the value (see the class comment).
    QString toString() const;
    /// Python repr() of the value (strings quoted), used inside printed lists and maps.
    QString toRepr() const;

    /// The list (also for an iterable LazyObject; a string iterates its characters, a map its
    /// keys); nullopt if the value is not iterable.
    std::optional<ValueList> iterate() const;
    /// The list if this is a list, else nullptr. Lifetime is that of this Value.
    const ValueList *list() const;
    /// The map if this is a map, else nullptr. Lifetime is that of this Value.
    const ValueMap *map() const;
    /// The date-time if this is one (a date's local midnight), else an invalid QDateTime.
    QDateTime dateTime() const;
    /// True for a date (Value::date): no time of day, as Python's datetime.date.
    bool isDate() const;
    /// The LazyObject if this is one, else nullptr.
    const LazyObject *object() const;

    /// One step of Django's dotted lookup: map key, then attribute (maps expose items/keys/values),
    /// then list index. nullopt when nothing matches (the template then prints "").
    std::optional<Value> lookup(const QString &segment) const;

    /// Python ==, as the `if` tag's == uses it (1 == 1.0 == True; "a" == safe "a").
    bool equals(const Value &other) const;
    /// Python <, for if-comparisons and dictsort; nullopt when the types are not ordered.
    std::optional<bool> lessThan(const Value &other) const;

    /// JSON → Value: objects keep their key order, integers stay integers.
    static Value fromJson(const QJsonValue &json);
    /// Parses a JSON document; nullopt (and *error set) on a parse error.
    static std::optional<Value> fromJson(const QByteArray &json, QString *error = nullptr);
    /// Value → JSON (safe strings become strings, date-times ISO strings, objects their str()).
    QJsonValue toJson() const;
    /// Compact JSON text written directly (no DOM), with Python json.dumps-compatible
    /// separators when pythonStyle is true (", " and ": "), as json_script needs.
    QByteArray toJsonText(bool pythonStyle = false) const;

private:
    struct SafeText { QString text; };
    struct When { QDateTime dateTime; bool dateOnly; };
    using Data = std::variant<std::monostate, bool, qint64, double, QString, SafeText,
                              std::shared_ptr<const ValueList>, std::shared_ptr<const ValueMap>,
                              When, std::shared_ptr<const LazyObject>>;
    Data m_data;
};

/// An insertion-ordered string-keyed map of Values (a Python dict with string keys).
///
/// Lookup is by hash; iteration follows insertion order. Inserting an existing key replaces its
/// value and keeps its position. A plain value type (implicitly shared Qt containers inside).
class ValueMap
{
public:
    ValueMap() = default;
    ValueMap(std::initializer_list<std::pair<QString, Value>> items);

    void insert(const QString &key, const Value &value);
    bool contains(const QString &key) const { return find(key) != nullptr; }
    /// The value for key, or nullptr. Valid until the map is modified.
    const Value *find(const QString &key) const;
    Value value(const QString &key) const;
    qsizetype size() const { return m_keys.size(); }
    bool isEmpty() const { return m_keys.isEmpty(); }
    /// Keys in insertion order.
    const QList<QString> &keys() const { return m_keys; }
    /// Values in insertion order.
    const QList<Value> &values() const { return m_values; }

private:
    QList<QString> m_keys;
    QList<Value> m_values;
    QHash<QString, qsizetype> m_index;
};

} // namespace LiveActor
