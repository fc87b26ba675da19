#pragma once

namespace pybind11 {
class object;
class handle;
}

namespace LiveActor {
class ViewContext;
}

namespace LiveActor::PyUploads {

/// The upload calls of liveactor.LiveView (view.py), on host (the liveactor._host namespace), GIL
/// held: upload_allow(ctx, name, accept, max_entries, max_file_size, chunk_size, auto_upload) → ref,
/// upload_cancel(ctx, name, ref), upload_disallow(ctx, name), upload_consume(ctx, name, fn) →
/// [fn(path, entry), …] and uploads(ctx) → dict. ctx is the handle handleFor() made (the view's
/// `_la_ctx`, None before the view has one: then the calling handler's context): a handler that
/// runs on a worker thread still reaches its view's uploads, since the view waits for it (no other
/// call touches its UploadState meanwhile; UploadFiles has its own lock). Errors: KeyError for an
/// unknown upload, ValueError for a bad config, NoRuntime outside a view.
void install(pybind11::object &host);
/// A handle on context for the Python side (a capsule; valid as long as the view's runner).
pybind11::object handleFor(ViewContext &context);

} // namespace LiveActor::PyUploads
