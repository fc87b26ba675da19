#include "python/pyuploads.h"

#include "liveview/viewcontext.h"
#include "python/currentcontext_p.h"
#include "python/pyconvert.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

namespace py = pybind11;
using namespace Qt::StringLiterals;

namespace LiveActor::PyUploads {
namespace {

constexpr const char *kCapsuleName = "liveactor.ViewContext";

[[noreturn]] void raise(PyObject *type, const QString &message)
{
    PyErr_SetString(type, message.toUtf8().constData());
    throw py::error_already_set();
}

[[noreturn]] void raise(const Error &error)
{
    if (error.code == ErrorCode::NotFound)
        raise(PyExc_KeyError, error.message);
    if (error.code == ErrorCode::NotSupported) {
        py::object noRuntime = py::module_::import("liveactor._host").attr("NoRuntime");
        raise(noRuntime.ptr(), error.message);
    }
    raise(PyExc_ValueError, error.message);
}

ViewContext &contextOf(py::handle handle)
{
    if (!handle.is_none()) {
        if (void *p = PyCapsule_GetPointer(handle.ptr(), kCapsuleName))
            return *static_cast<ViewContext *>(p);
        throw py::error_already_set();
    }
    if (ViewContext *ctx = currentViewContext())
        return *ctx;
    py::object noRuntime = py::module_::import("liveactor._host").attr("NoRuntime");
    raise(noRuntime.ptr(), u"uploads need a running view"_s);
}

py::object entryDict(const UploadEntryMeta &m)
{
    py::dict d;
    d["ref"] = m.ref.toStdString();
    for (const char *key : {"client_name", "name"})
        d[key] = m.name.toStdString();
    for (const char *key : {"client_size", "size"})
        d[key] = m.size;
    for (const char *key : {"client_type", "type"})
        d[key] = m.type.toStdString();
    d["client_last_modified"] = m.lastModified;
    d["client_relative_path"] = m.relativePath.toStdString();
    return d;
}

// fn(path, entry) for each done entry; each file is removed after its fn unless fn moved it.
py::list consume(py::handle ctx, const std::string &name, py::object fn)
{
    auto done = contextOf(ctx).consumeUploadedEntries(QString::fromStdString(name));
    if (!done)
        raise(done.error());
    py::list results;
    for (CompletedUpload &upload : *done) {
        results.append(fn(upload.path.toStdString(), entryDict(upload.meta)));
        upload.file.reset(); // now, not when the last one is done: a failing fn leaves no file behind either
    }
    return results;
}

std::string allow(py::handle ctx, const std::string &name, const std::vector<std::string> &accept, int maxEntries,
                  qint64 maxFileSize, int chunkSize, bool autoUpload)
{
    UploadConfig config;
    config.name = QString::fromStdString(name);
    for (const std::string &a : accept)
        config.accept.append(QString::fromStdString(a));
    config.maxEntries = maxEntries;
    config.maxFileSize = maxFileSize;
    config.chunkSize = chunkSize;
    config.autoUpload = autoUpload;
    auto ref = contextOf(ctx).allowUpload(config);
    if (!ref)
        raise(ref.error());
    return ref->toStdString();
}

void cancel(py::handle ctx, const std::string &name, const std::string &ref)
{
    if (auto r = contextOf(ctx).cancelUpload(QString::fromStdString(name), QString::fromStdString(ref)); !r)
        raise(r.error());
}

void disallow(py::handle ctx, const std::string &name)
{
    if (auto r = contextOf(ctx).disallowUpload(QString::fromStdString(name)); !r)
        raise(r.error());
}

py::object uploads(py::handle ctx)
{
    return PyConvert::fromValue(contextOf(ctx).uploads());
}

} // namespace

void install(py::object &host)
{
    host.attr("upload_allow") = py::cpp_function(&allow, py::arg("ctx"), py::arg("name"), py::arg("accept"),
                                                 py::arg("max_entries"), py::arg("max_file_size"), py::arg("chunk_size"),
                                                 py::arg("auto_upload"));
    host.attr("upload_cancel") = py::cpp_function(&cancel, py::arg("ctx"), py::arg("name"), py::arg("ref"));
    host.attr("upload_disallow") = py::cpp_function(&disallow, py::arg("ctx"), py::arg("name"));
    host.attr("upload_consume") = py::cpp_function(&consume, py::arg("ctx"), py::arg("name"), py::arg("fn"));
    host.attr("uploads") = py::cpp_function(&uploads, py::arg("ctx"));
}

py::object handleFor(ViewContext &context)
{
    return py::capsule(static_cast<void *>(&context), kCapsuleName);
}

} // namespace LiveActor::PyUploads
