#include "python/pyobjectref.h"

#include <pybind11/pybind11.h>

namespace LiveActor {

namespace {
void release(PyObject *object)
{
    if (!object || !Py_IsInitialized() || _Py_IsFinalizing())
        return; // interpreter gone: leak rather than crash
    PyGILState_STATE state = PyGILState_Ensure();
    Py_DECREF(object);
    PyGILState_Release(state);
}
} // namespace

PyObjectRef PyObjectRef::borrow(PyObject *object)
{
    Py_XINCREF(object);
    return steal(object);
}

PyObjectRef PyObjectRef::steal(PyObject *object)
{
    PyObjectRef ref;
    if (object)
        ref.m_object = std::shared_ptr<PyObject>(object, &release);
    return ref;
}

} // namespace LiveActor
