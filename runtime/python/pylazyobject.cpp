#include "python/pylazyobject.h"

#include "python/pyconvert.h"

#include <QLoggingCategory>

#include <pybind11/pybind11.h>

namespace py = pybind11;
using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcPyLazy, "liveactor.python.lazy")

namespace LiveActor {

namespace {
std::optional<Value> converted(py::handle value, const QString &name)
{
    auto v = PyConvert::toValue(value, name);
    if (!v) {
        qCDebug(lcPyLazy) << "lookup" << name << v.error().message;
        return std::nullopt;
    }
    return *v;
}

bool callInTemplates(py::handle value)
{
    if (!PyCallable_Check(value.ptr()) || PyType_Check(value.ptr()))
        return false;
    PyObject *flag = PyObject_GetAttrString(value.ptr(), "do_not_call_in_templates");
    if (!flag) {
        PyErr_Clear();
        return true;
    }
    const bool dontCall = PyObject_IsTrue(flag) == 1;
    Py_DECREF(flag);
    return !dontCall;
}
} // namespace

std::optional<Value> PyLazyObject::attribute(const QString &name) const
{
    py::gil_scoped_acquire gil;
    py::handle self(m_object.get());
    const std::string key = name.toStdString();
    // 1. item, for mappings (Django: dictionary lookup first)
    if (PyMapping_Check(self.ptr()) && !PySequence_Check(self.ptr())) {
        PyObject *item = PyObject_GetItem(self.ptr(), py::str(key).ptr());
        if (item)
            return converted(py::reinterpret_steal<py::object>(item), name);
        PyErr_Clear();
    }
    // 2. attribute (never private ones)
    if (!name.startsWith(u'_')) {
        PyObject *attr = PyObject_GetAttrString(self.ptr(), key.c_str());
        if (attr) {
            py::object value = py::reinterpret_steal<py::object>(attr);
            if (callInTemplates(value)) {
                PyObject *result = PyObject_CallNoArgs(value.ptr());
                if (!result) {
                    PyErr_Clear();
                    return std::nullopt;
                }
                value = py::reinterpret_steal<py::object>(result);
            }
            return converted(value, name);
        }
        PyErr_Clear();
    }
    // 3. index
    bool isIndex = false;
    const qlonglong index = name.toLongLong(&isIndex);
    if (isIndex && PySequence_Check(self.ptr())) {
        PyObject *item = PySequence_GetItem(self.ptr(), Py_ssize_t(index));
        if (item)
            return converted(py::reinterpret_steal<py::object>(item), name);
        PyErr_Clear();
    }
    return std::nullopt;
}

std::optional<QList<Value>> PyLazyObject::iterate() const
{
    py::gil_scoped_acquire gil;
    PyObject *iter = PyObject_GetIter(m_object.get());
    if (!iter) {
        PyErr_Clear();
        return std::nullopt;
    }
    QList<Value> out;
    qsizetype i = 0;
    while (PyObject *item = PyIter_Next(iter)) {
        auto v = PyConvert::toValue(item, u"item "_s + QString::number(i++));
        Py_DECREF(item);
        if (!v) {
            qCDebug(lcPyLazy) << v.error().message;
            out.append(Value());
        } else {
            out.append(std::move(*v));
        }
    }
    Py_DECREF(iter);
    if (PyErr_Occurred()) {
        PyErr_Clear();
        return std::nullopt;
    }
    return out;
}

bool PyLazyObject::isTruthy() const
{
    py::gil_scoped_acquire gil;
    const int truth = PyObject_IsTrue(m_object.get());
    if (truth < 0) {
        PyErr_Clear();
        return false;
    }
    return truth == 1;
}

QString PyLazyObject::toString() const
{
    py::gil_scoped_acquire gil;
    PyObject *s = PyObject_Str(m_object.get());
    if (!s) {
        PyErr_Clear();
        return {};
    }
    Py_ssize_t size = 0;
    const char *data = PyUnicode_AsUTF8AndSize(s, &size);
    QString out = data ? QString::fromUtf8(data, size) : QString();
    PyErr_Clear();
    Py_DECREF(s);
    return out;
}

} // namespace LiveActor
