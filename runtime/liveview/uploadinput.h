#pragma once

#include "template/templatelibrary.h"

namespace LiveActor {

/// `{% live_file_input uploads.NAME [class="…" …] %}` (library "live"): the file input Phoenix's
/// live_file_input renders — id and data-phx-upload-ref = the upload's ref, name, type=file,
/// accept, data-phx-hook="Phoenix.LiveFileUpload", data-phx-update="ignore", the active / done /
/// preflighted entry refs the client tracks, data-phx-auto-upload and multiple when they apply;
/// keyword arguments become further attributes. Errors: the argument is not an upload.
TemplateResult<Value> liveFileInputTag(const TemplateTagCall &call);

} // namespace LiveActor
