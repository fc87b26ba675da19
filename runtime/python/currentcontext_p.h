#pragma once

// Internal: the ViewContext of the handler call running on this thread (set by
// PythonViewHandler around each call, read by liveactor.broadcast()).

namespace LiveActor {
class ViewContext;
ViewContext *&currentViewContext();
} // namespace LiveActor
