#pragma once

#include "core/result.h"
#include "template/value.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QVariant>

#include <pybind11/pybind11.h>

namespace LiveActor::PyConvert {

/// Python → template Value, used for assigns. Every function here needs the GIL.
///
/// | Python | Value |
/// |---|---|
/// | None, bool, int (64-bit), float, str | Null, Bool, Int, Float, String |
/// | anything with `__html__()` (liveactor.Safe, markupsafe, Django SafeString) | SafeString |
/// | list, tuple, set, frozenset | List (converted now, recursively) |
/// | dict (str or int keys) | Map (converted now; int keys become strings) |
/// | dataclass instance | Map of its fields (converted now) |
/// | datetime.datetime / datetime.date | DateTime (naive = local time; a date stays a date, printed and formatted as Django does; an aware one keeps its zone — zoneinfo/pytz by name, fixed offsets and their names; milliseconds) |
/// | decimal.Decimal, fractions.Fraction | Float |
/// | liveactor._streams.StreamBatch (the `streams` assign's values) | Object: a StreamBatch (template/stream.h), items converted now |
/// | any other object (class instances, mappings, ranges, enums, …) | Object: attributes, items, iteration, truthiness and str() looked up lazily, under the GIL, when the template reads them |
/// | functions, classes, modules, bytes, complex, generators, iterators, coroutines | error |
///
/// Errors name the assign and the path inside it, e.g.
/// `assign 'rows[3].when': unsupported type bytes`.
Result<Value> toValue(pybind11::handle object, const QString &path);

/// Value → Python (the inverse for values that came from Python; lazy objects give back the
/// original object; safe strings become liveactor.Safe).
pybind11::object fromValue(const Value &value);

/// JSON → Python (params, session and event payloads): objects → dict, arrays → list, integral
/// doubles that fit in 64 bits → int.
pybind11::object fromJson(const QJsonValue &json);
pybind11::object fromJson(const QJsonObject &json);

/// Python → JSON (push_event payloads): dict (str keys), list, tuple, str, int, float, bool,
/// None, dataclasses, datetime/date (ISO 8601 strings). Other types → InvalidArgument naming
/// the path.
Result<QJsonValue> toJson(pybind11::handle object, const QString &path);

/// A ViewInfo payload → Python: a PyObjectRef's object, a QJsonValue, or any QVariant through
/// QJsonValue::fromVariant.
pybind11::object fromVariant(const QVariant &variant);

/// Imports what the converters need (datetime C API, liveactor.Safe, dataclass/decimal types).
/// Called by PythonInterpreter after the interpreter starts; GIL held.
Result<void> initialize();

} // namespace LiveActor::PyConvert
