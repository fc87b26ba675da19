#pragma once

#include "core/result.h"

#include <QString>

namespace pybind11 {
class error_already_set;
}

namespace LiveActor {

/// Turns a Python exception into an Error{Crashed, "<where>\n<full traceback>"} (GIL held).
///
/// The message is what `traceback.format_exception` prints, so the log, the registry's last exit
/// and the monitor all show the same text. pythonError() without an exception argument consumes
/// the interpreter's pending error (PyErr_Occurred); it is cleared either way.
Error pythonError(pybind11::error_already_set &error, const QString &where);
Error pythonError(const QString &where);

} // namespace LiveActor
