#include "python/pythonerror.h"

#include <pybind11/pybind11.h>

namespace py = pybind11;
using namespace Qt::StringLiterals;

namespace LiveActor {

namespace {
QString format(py::handle type, py::handle value, py::handle trace)
{
    // An exception raised straight into C++ (a failed import of the liveactor package) has no
    // traceback: a null handle, which pybind11 cannot pass on; Python wants None there.
    if (!trace)
        trace = py::none();
    try {
        // an exception raised before any Python frame ran (a call with wrong arguments) has no
        // traceback: a null handle, which pybind11 cannot pass
        py::object lines = py::module_::import("traceback").attr("format_exception")(
            type, value, trace ? trace : py::handle(Py_None));
        return QString::fromStdString(py::str("").attr("join")(lines).cast<std::string>()).trimmed();
    } catch (py::error_already_set &nested) {
        return QString::fromUtf8(nested.what());
    }
}
} // namespace

Error pythonError(py::error_already_set &error, const QString &where)
{
    QString text = format(error.type(), error.value(), error.trace());
    PyErr_Clear();
    return Error{ErrorCode::Crashed, where + u'\n' + text};
}

Error pythonError(const QString &where)
{
    if (!PyErr_Occurred())
        return Error{ErrorCode::Crashed, where};
    py::error_already_set error;
    return pythonError(error, where);
}

} // namespace LiveActor
