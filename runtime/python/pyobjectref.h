#pragma once

#include <QMetaType>

#include <memory>

// Python's object type, without including Python.h in every user of this header.
struct _object;
using PyObject = _object;

namespace LiveActor {

/// A strong, copyable reference to a Python object that can travel through QVariant, ViewInfo and
/// actor mailboxes (pub/sub payloads and send_after messages).
///
/// Copying and destroying a PyObjectRef never touches the interpreter (a shared_ptr count); when
/// the last copy goes, the Python reference is dropped with the GIL taken on that thread. If the
/// interpreter has already been finalized the reference is leaked on purpose. get() is only
/// meaningful to code that holds the GIL. Thread-safe as a value; the object itself is not.
class PyObjectRef
{
public:
    PyObjectRef() = default;
    /// Takes a new strong reference to object (GIL held by the caller).
    static PyObjectRef borrow(PyObject *object);
    /// Adopts a reference the caller owns (GIL held by the caller).
    static PyObjectRef steal(PyObject *object);

    PyObject *get() const { return m_object.get(); }
    bool isNull() const { return !m_object; }

private:
    std::shared_ptr<PyObject> m_object;
};

} // namespace LiveActor

Q_DECLARE_METATYPE(LiveActor::PyObjectRef)
