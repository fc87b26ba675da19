#include "python/pyconvert.h"

#include "python/pylazyobject.h"
#include "python/pyobjectref.h"

#include "template/stream.h"

#include <QDate>
#include <QJsonArray>
#include <QTime>
#include <QTimeZone>

#include <pybind11/pybind11.h>
#include <datetime.h>

#include <cmath>

namespace py = pybind11;
using namespace Qt::StringLiterals;

namespace LiveActor::PyConvert {

namespace {

constexpr int kMaxDepth = 64;

// Borrowed type objects / callables, set once by initialize() (GIL held; never released: they
// live as long as the interpreter).
PyObject *s_safeType = nullptr;        // liveactor.safe.Safe
PyObject *s_streamBatchType = nullptr; // liveactor._streams.StreamBatch
PyObject *s_liveViewType = nullptr;    // liveactor.view.LiveView
PyObject *s_decimalType = nullptr;     // decimal.Decimal
PyObject *s_fractionType = nullptr;    // fractions.Fraction
PyObject *s_htmlName = nullptr;        // "__html__"
PyObject *s_dataclassFieldsName = nullptr; // "__dataclass_fields__"
bool s_datetimeReady = false;

QString typeName(PyObject *o)
{
    return QString::fromUtf8(Py_TYPE(o)->tp_name);
}

Error unsupported(PyObject *o, const QString &path, const QString &why = {})
{
    return Error{ErrorCode::InvalidArgument,
                 u"assign '"_s + path + u"': "_s
                     + (why.isEmpty() ? u"unsupported type "_s + typeName(o) : why)};
}

QString fetchErrorText()
{
    // Describes and clears the current Python error.
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    QString text;
    if (value) {
        PyObject *s = PyObject_Str(value);
        if (s) {
            text = QString::fromUtf8(Py_TYPE(value)->tp_name) + u": "_s + QString::fromUtf8(PyUnicode_AsUTF8(s));
            Py_DECREF(s);
        }
    }
    PyErr_Clear();
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    return text;
}

QString strOf(PyObject *o)
{
    Py_ssize_t size = 0;
    const char *data = PyUnicode_AsUTF8AndSize(o, &size);
    if (!data) {
        PyErr_Clear();
        return {};
    }
    return QString::fromUtf8(data, size);
}

bool hasHtml(PyObject *o)
{
    // Fast exits for the common types, then the protocol check.
    if (PyUnicode_CheckExact(o) || PyLong_CheckExact(o) || PyFloat_CheckExact(o) || PyList_CheckExact(o)
        || PyDict_CheckExact(o) || PyTuple_CheckExact(o))
        return false;
    int has = PyObject_HasAttr(o, s_htmlName);
    return has == 1;
}

QString pyStrAttr(PyObject *o, const char *name)
{
    PyObject *v = PyObject_GetAttrString(o, name);
    QString out;
    if (v && PyUnicode_Check(v))
        out = strOf(v);
    Py_XDECREF(v);
    PyErr_Clear();
    return out;
}

// A tzinfo as a QDateTime zone, so that the date filter prints what Django would from it (e, O,
// T, Z, I): datetime.timezone.utc → Qt::UTC; a zoneinfo.ZoneInfo or pytz zone → that IANA zone;
// a fixed datetime.timezone → Qt::OffsetFromUTC, or a custom zone when it carries its own name.
QDateTime awareDateTime(PyObject *o, const QDate &date, const QTime &time, PyObject *tzinfo)
{
    PyObject *offset = PyObject_CallMethod(o, "utcoffset", nullptr);
    if (!offset || offset == Py_None) {
        Py_XDECREF(offset);
        PyErr_Clear();
        return QDateTime(date, time);
    }
    const int seconds = PyDateTime_DELTA_GET_DAYS(offset) * 86400 + PyDateTime_DELTA_GET_SECONDS(offset);
    Py_DECREF(offset);
    PyObject *nameObject = PyObject_CallMethod(o, "tzname", nullptr);
    const QString name = nameObject && PyUnicode_Check(nameObject) ? strOf(nameObject) : QString();
    Py_XDECREF(nameObject);
    PyErr_Clear();
    if (tzinfo == PyDateTime_TimeZone_UTC)
        return QDateTime(date, time, Qt::UTC);
    QString key = pyStrAttr(tzinfo, "key"); // zoneinfo
    if (key.isEmpty())
        key = pyStrAttr(tzinfo, "zone"); // pytz
    if (!key.isEmpty() && QTimeZone::isTimeZoneIdAvailable(key.toUtf8())) {
        const QDateTime zoned(date, time, QTimeZone(key.toUtf8()));
        if (zoned.offsetFromUtc() == seconds) // else an ambiguous hour: the fixed offset below
            return zoned;
    }
    const QDateTime fixed(date, time, Qt::OffsetFromUTC, seconds);
    if (name.isEmpty() || name == fixed.timeZoneAbbreviation())
        return fixed;
    const QByteArray id = "liveactor/" + name.toUtf8() + '/' + QByteArray::number(seconds);
    return QDateTime(date, time, QTimeZone(id, seconds, name, name));
}

QDateTime toDateTime(PyObject *o)
{
    const QDate date(PyDateTime_GET_YEAR(o), PyDateTime_GET_MONTH(o), PyDateTime_GET_DAY(o));
    if (!PyDateTime_Check(o))
        return QDateTime(date, QTime(0, 0));
    const QTime time(PyDateTime_DATE_GET_HOUR(o), PyDateTime_DATE_GET_MINUTE(o), PyDateTime_DATE_GET_SECOND(o),
                     PyDateTime_DATE_GET_MICROSECOND(o) / 1000);
    PyObject *tzinfo = PyDateTime_DATE_GET_TZINFO(o);
    if (tzinfo == Py_None)
        return QDateTime(date, time);
    return awareDateTime(o, date, time, tzinfo);
}

// The inverse of awareDateTime: the tzinfo a zoned QDateTime came from.
py::object tzinfoOf(const QDateTime &dt)
{
    py::module_ datetime = py::module_::import("datetime");
    if (dt.timeSpec() == Qt::UTC)
        return datetime.attr("timezone").attr("utc");
    const QByteArray id = dt.timeSpec() == Qt::TimeZone ? dt.timeZone().id() : QByteArray();
    if (!id.isEmpty() && !id.startsWith("liveactor/") && QTimeZone::isTimeZoneIdAvailable(id))
        return py::module_::import("zoneinfo").attr("ZoneInfo")(id.toStdString());
    py::object offset = datetime.attr("timedelta")(py::arg("seconds") = dt.offsetFromUtc());
    if (id.startsWith("liveactor/"))
        return datetime.attr("timezone")(offset, dt.timeZoneAbbreviation().toStdString());
    return datetime.attr("timezone")(offset);
}

bool isUnsupported(PyObject *o)
{
    return PyBytes_Check(o) || PyByteArray_Check(o) || PyComplex_Check(o) || PyType_Check(o)
        || PyModule_Check(o) || PyFunction_Check(o) || PyMethod_Check(o) || PyCFunction_Check(o)
        || PyGen_Check(o) || PyCoro_CheckExact(o) || PyIter_Check(o) || PyMemoryView_Check(o);
}

Result<Value> convert(PyObject *o, const QString &path, int depth);

Result<Value> convertSequence(PyObject *o, const QString &path, int depth)
{
    PyObject *fast = PySequence_Fast(o, "not a sequence");
    if (!fast)
        return fail(unsupported(o, path, fetchErrorText()));
    const Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
    PyObject **items = PySequence_Fast_ITEMS(fast);
    ValueList list;
    list.reserve(n);
    for (Py_ssize_t i = 0; i < n; ++i) {
        auto v = convert(items[i], path + u'[' + QString::number(i) + u']', depth + 1);
        if (!v) {
            Py_DECREF(fast);
            return v;
        }
        list.append(std::move(*v));
    }
    Py_DECREF(fast);
    return Value(list);
}

Result<Value> convertDict(PyObject *o, const QString &path, int depth)
{
    ValueMap map;
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(o, &pos, &key, &value)) {
        QString name;
        if (PyUnicode_Check(key)) {
            name = strOf(key);
        } else if (PyLong_Check(key) && !PyBool_Check(key)) {
            PyObject *s = PyObject_Str(key);
            name = strOf(s);
            Py_XDECREF(s);
        } else {
            return fail(unsupported(key, path, u"dict key of type "_s + typeName(key)
                                                   + u" (only str and int keys can be looked up)"_s));
        }
        auto v = convert(value, path + u'.' + name, depth + 1);
        if (!v)
            return v;
        map.insert(name, *v);
    }
    return Value(map);
}

Result<Value> convertDataclass(PyObject *o, PyObject *fields, const QString &path, int depth)
{
    // __dataclass_fields__ maps name -> Field, in definition order; ClassVar/InitVar pseudo
    // fields are skipped (Field._field_type is dataclasses._FIELD for real ones).
    ValueMap map;
    PyObject *name, *field;
    Py_ssize_t pos = 0;
    while (PyDict_Next(fields, &pos, &name, &field)) {
        PyObject *kind = PyObject_GetAttrString(field, "_field_type");
        if (!kind) {
            PyErr_Clear();
        } else {
            PyObject *kindName = PyObject_Str(kind);
            const bool real = kindName && strOf(kindName) == u"_FIELD"_s;
            Py_XDECREF(kindName);
            Py_DECREF(kind);
            if (!real)
                continue;
        }
        PyObject *value = PyObject_GetAttr(o, name);
        if (!value)
            return fail(unsupported(o, path, fetchErrorText()));
        const QString key = strOf(name);
        auto v = convert(value, path + u'.' + key, depth + 1);
        Py_DECREF(value);
        if (!v)
            return v;
        map.insert(key, *v);
    }
    return Value(map);
}

// A liveactor._streams.StreamBatch → the native StreamBatch a `for` loop renders as a stream.
Result<Value> convertStream(PyObject *o, const QString &path, int depth)
{
    try {
        py::handle b(o);
        QList<StreamBatch::Insert> inserts;
        for (py::handle entry : py::list(b.attr("inserts"))) {
            py::tuple t = py::reinterpret_borrow<py::tuple>(entry);
            StreamBatch::Insert in;
            in.domId = QString::fromStdString(t[0].cast<std::string>());
            auto item = convert(t[1].ptr(), path + u'[' + in.domId + u']', depth + 1);
            if (!item)
                return item;
            in.item = std::move(*item);
            in.at = t[2].cast<int>();
            if (!t[3].is_none())
                in.limit = t[3].cast<int>();
            in.updateOnly = t[4].cast<bool>();
            inserts.append(std::move(in));
        }
        QStringList deletes;
        for (py::handle id : py::list(b.attr("deletes")))
            deletes.append(QString::fromStdString(id.cast<std::string>()));
        auto batch = std::make_shared<StreamBatch>(QString::fromStdString(b.attr("ref").cast<std::string>()),
                                                   std::move(inserts), std::move(deletes),
                                                   b.attr("reset").cast<bool>());
        return Value(std::shared_ptr<const LazyObject>(std::move(batch)));
    } catch (const std::exception &e) {
        PyErr_Clear();
        return fail(unsupported(o, path, u"malformed stream batch: "_s + QString::fromUtf8(e.what())));
    }
}

Result<Value> convert(PyObject *o, const QString &path, int depth)
{
    if (depth > kMaxDepth)
        return fail(unsupported(o, path, u"nested more than 64 levels deep (a cycle?)"_s));
    if (o == Py_None)
        return Value();
    if (PyBool_Check(o))
        return Value(o == Py_True);
    if (PyLong_CheckExact(o) || (PyLong_Check(o) && !hasHtml(o))) {
        int overflow = 0;
        const long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (overflow)
            return fail(unsupported(o, path, u"int out of the 64-bit range"_s));
        if (v == -1 && PyErr_Occurred())
            return fail(unsupported(o, path, fetchErrorText()));
        return Value(qint64(v));
    }
    if (PyFloat_Check(o))
        return Value(PyFloat_AS_DOUBLE(o));
    if (PyUnicode_CheckExact(o))
        return Value(strOf(o));
    if (hasHtml(o)) {
        PyObject *html = PyObject_CallMethodNoArgs(o, s_htmlName);
        if (!html)
            return fail(unsupported(o, path, u"__html__() raised "_s + fetchErrorText()));
        if (!PyUnicode_Check(html)) {
            Py_DECREF(html);
            return fail(unsupported(o, path, u"__html__() did not return a str"_s));
        }
        Value v = Value::safe(strOf(html));
        Py_DECREF(html);
        return v;
    }
    if (PyUnicode_Check(o))
        return Value(strOf(o));
    if (PyList_Check(o) || PyTuple_Check(o))
        return convertSequence(o, path, depth);
    if (PyDict_Check(o))
        return convertDict(o, path, depth);
    if (PyAnySet_Check(o))
        return convertSequence(o, path, depth);
    if (s_datetimeReady && PyDate_Check(o))
        return PyDateTime_Check(o) ? Value(toDateTime(o)) : Value::date(toDateTime(o).date());
    if ((s_decimalType && PyObject_TypeCheck(o, reinterpret_cast<PyTypeObject *>(s_decimalType)))
        || (s_fractionType && PyObject_TypeCheck(o, reinterpret_cast<PyTypeObject *>(s_fractionType)))) {
        const double d = PyFloat_AsDouble(o);
        if (d == -1.0 && PyErr_Occurred())
            return fail(unsupported(o, path, fetchErrorText()));
        return Value(d);
    }
    if (s_streamBatchType && Py_TYPE(o) == reinterpret_cast<PyTypeObject *>(s_streamBatchType))
        return convertStream(o, path, depth);
    // A LiveView subclass is its "module.Qualname": what `{% live_render view_class id=… %}`
    // names a nested view by (the module's name depends on how the app was loaded).
    if (PyType_Check(o) && s_liveViewType && PyObject_IsSubclass(o, s_liveViewType) == 1) {
        const auto *type = reinterpret_cast<PyTypeObject *>(o);
        py::handle module = PyDict_GetItemString(type->tp_dict, "__module__");
        if (module && PyUnicode_Check(module.ptr()))
            return Value(strOf(module.ptr()) + u'.' + QString::fromStdString(py::str(py::handle(o).attr("__qualname__")).cast<std::string>()));
    }
    if (isUnsupported(o))
        return fail(unsupported(o, path));
    if (!PyType_Check(o)) {
        PyObject *fields = PyObject_GetAttr(o, s_dataclassFieldsName);
        if (fields) {
            Result<Value> v = PyDict_Check(fields) ? convertDataclass(o, fields, path, depth)
                                                    : Result<Value>(fail(unsupported(o, path)));
            Py_DECREF(fields);
            return v;
        }
        PyErr_Clear();
    }
    return Value(std::shared_ptr<const LazyObject>(std::make_shared<PyLazyObject>(PyObjectRef::borrow(o))));
}

Result<QJsonValue> jsonOf(PyObject *o, const QString &path, int depth)
{
    if (depth > kMaxDepth)
        return fail(unsupported(o, path, u"nested more than 64 levels deep (a cycle?)"_s));
    if (o == Py_None)
        return QJsonValue(QJsonValue::Null);
    if (PyBool_Check(o))
        return QJsonValue(o == Py_True);
    if (PyLong_Check(o)) {
        int overflow = 0;
        const long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
        if (overflow)
            return QJsonValue(PyLong_AsDouble(o));
        return QJsonValue(qint64(v));
    }
    if (PyFloat_Check(o))
        return QJsonValue(PyFloat_AS_DOUBLE(o));
    if (PyUnicode_Check(o))
        return QJsonValue(strOf(o));
    if (PyList_Check(o) || PyTuple_Check(o)) {
        QJsonArray array;
        const Py_ssize_t n = PySequence_Size(o);
        for (Py_ssize_t i = 0; i < n; ++i) {
            PyObject *item = PySequence_GetItem(o, i);
            auto v = jsonOf(item, path + u'[' + QString::number(i) + u']', depth + 1);
            Py_XDECREF(item);
            if (!v)
                return v;
            array.append(*v);
        }
        return QJsonValue(array);
    }
    if (PyDict_Check(o)) {
        QJsonObject object;
        PyObject *key, *value;
        Py_ssize_t pos = 0;
        while (PyDict_Next(o, &pos, &key, &value)) {
            QString name;
            if (PyUnicode_Check(key))
                name = strOf(key);
            else if (PyLong_Check(key)) {
                PyObject *s = PyObject_Str(key);
                name = strOf(s);
                Py_XDECREF(s);
            } else
                return fail(unsupported(key, path, u"JSON object key of type "_s + typeName(key)));
            auto v = jsonOf(value, path + u'.' + name, depth + 1);
            if (!v)
                return v;
            object.insert(name, *v);
        }
        return QJsonValue(object);
    }
    if (s_datetimeReady && PyDate_Check(o)) {
        PyObject *iso = PyObject_CallMethod(o, "isoformat", nullptr);
        if (!iso)
            return fail(unsupported(o, path, fetchErrorText()));
        QString s = strOf(iso);
        Py_DECREF(iso);
        return QJsonValue(s);
    }
    if (!PyType_Check(o)) {
        PyObject *fields = PyObject_GetAttr(o, s_dataclassFieldsName);
        if (fields) {
            auto v = PyDict_Check(fields) ? convertDataclass(o, fields, path, depth) : Result<Value>(fail(unsupported(o, path)));
            Py_DECREF(fields);
            if (!v)
                return fail(v.error());
            return v->toJson();
        }
        PyErr_Clear();
    }
    return fail(Error{ErrorCode::InvalidArgument,
                      u"'"_s + path + u"': "_s + typeName(o) + u" is not JSON-serializable"_s});
}

} // namespace

Result<void> initialize()
{
    try {
        PyDateTime_IMPORT;
        if (!PyDateTimeAPI)
            return fail(ErrorCode::Internal, u"cannot import the datetime C API: "_s + fetchErrorText());
        s_datetimeReady = true;
        s_safeType = py::object(py::module_::import("liveactor.safe").attr("Safe")).release().ptr();
        s_streamBatchType = py::object(py::module_::import("liveactor._streams").attr("StreamBatch")).release().ptr();
        s_liveViewType = py::object(py::module_::import("liveactor.view").attr("LiveView")).release().ptr();
        s_decimalType = py::object(py::module_::import("decimal").attr("Decimal")).release().ptr();
        s_fractionType = py::object(py::module_::import("fractions").attr("Fraction")).release().ptr();
        s_htmlName = PyUnicode_InternFromString("__html__");
        s_dataclassFieldsName = PyUnicode_InternFromString("__dataclass_fields__");
    } catch (const py::error_already_set &e) {
        return fail(ErrorCode::Internal, u"initializing conversions: "_s + QString::fromUtf8(e.what()));
    }
    return {};
}

Result<Value> toValue(py::handle object, const QString &path)
{
    return convert(object.ptr(), path, 0);
}

py::object fromValue(const Value &value)
{
    switch (value.type()) {
    case Value::Type::Null: return py::none();
    case Value::Type::Bool: return py::bool_(value.isTruthy());
    case Value::Type::Int: return py::int_(value.toInt());
    case Value::Type::Float: return py::float_(value.toDouble());
    case Value::Type::String: return py::str(value.toString().toStdString());
    case Value::Type::SafeString: {
        py::str text(value.toString().toStdString());
        if (s_safeType)
            return py::reinterpret_borrow<py::object>(s_safeType)(text);
        return text;
    }
    case Value::Type::List: {
        const ValueList *list = value.list();
        py::list out(list->size());
        for (qsizetype i = 0; i < list->size(); ++i)
            out[size_t(i)] = fromValue(list->at(i));
        return out;
    }
    case Value::Type::Map: {
        const ValueMap *map = value.map();
        py::dict out;
        for (qsizetype i = 0; i < map->size(); ++i)
            out[py::str(map->keys().at(i).toStdString())] = fromValue(map->values().at(i));
        return out;
    }
    case Value::Type::DateTime: {
        const QDateTime dt = value.dateTime();
        const QDate d = dt.date();
        const QTime t = dt.time();
        if (value.isDate()) {
            PyObject *date = PyDate_FromDate(d.year(), d.month(), d.day());
            if (!date)
                throw py::error_already_set();
            return py::reinterpret_steal<py::object>(date);
        }
        PyObject *o = PyDateTime_FromDateAndTime(d.year(), d.month(), d.day(), t.hour(), t.minute(), t.second(),
                                                 t.msec() * 1000);
        if (!o)
            throw py::error_already_set();
        auto naive = py::reinterpret_steal<py::object>(o);
        if (dt.timeSpec() == Qt::LocalTime)
            return naive;
        return naive.attr("replace")(py::arg("tzinfo") = tzinfoOf(dt));
    }
    case Value::Type::Object: {
        if (auto *lazy = dynamic_cast<const PyLazyObject *>(value.object()))
            return py::reinterpret_borrow<py::object>(lazy->object().get());
        return py::str(value.toString().toStdString());
    }
    }
    return py::none();
}

py::object fromJson(const QJsonObject &json)
{
    py::dict out;
    for (auto it = json.begin(); it != json.end(); ++it)
        out[py::str(it.key().toStdString())] = fromJson(it.value());
    return out;
}

py::object fromJson(const QJsonValue &json)
{
    switch (json.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined: return py::none();
    case QJsonValue::Bool: return py::bool_(json.toBool());
    case QJsonValue::Double: {
        const double d = json.toDouble();
        if (std::trunc(d) == d && std::abs(d) < 9.007199254740992e15)
            return py::int_(qint64(d));
        return py::float_(d);
    }
    case QJsonValue::String: return py::str(json.toString().toStdString());
    case QJsonValue::Array: {
        const QJsonArray array = json.toArray();
        py::list out(array.size());
        for (qsizetype i = 0; i < array.size(); ++i)
            out[size_t(i)] = fromJson(array.at(i));
        return out;
    }
    case QJsonValue::Object: return fromJson(json.toObject());
    }
    return py::none();
}

Result<QJsonValue> toJson(py::handle object, const QString &path)
{
    return jsonOf(object.ptr(), path, 0);
}

py::object fromVariant(const QVariant &variant)
{
    if (variant.metaType() == QMetaType::fromType<PyObjectRef>()) {
        const PyObjectRef ref = variant.value<PyObjectRef>();
        return ref.isNull() ? py::none() : py::reinterpret_borrow<py::object>(ref.get());
    }
    if (variant.metaType() == QMetaType::fromType<QJsonValue>())
        return fromJson(variant.value<QJsonValue>());
    if (variant.metaType() == QMetaType::fromType<QJsonObject>())
        return fromJson(variant.value<QJsonObject>());
    if (!variant.isValid())
        return py::none();
    return fromJson(QJsonValue::fromVariant(variant));
}

} // namespace LiveActor::PyConvert
