#pragma once

#include "template/templatelibrary.h"

namespace LiveActor {

/// `{% live_file_input uploads.NAME [class="…" …] %}` (library "live"): the file input Phoenix's
/// live_file_input renders — id and data-phx-upload-ref = the upload's ref, name, type=file,
/// accept, data-phx-hook="Phoenix.LiveFileUpload", data-phx-update="ignore", the active / done /
/// preflighted entry refs the client tracks, data-phx-auto-upload and multiple when they apply;
/// keyword arguments become further attributes. Errors: the argument is not an upload.
TemplateResult<Value> liveFileInputTag(const TemplateTagCall &call);

/// `{% live_img_preview entry [class="…" id="…" …] %}` (library "live"): Phoenix's live_img_preview,
/// an <img> whose src the official client sets to an object URL of the chosen file before it is
/// uploaded (hook Phoenix.LiveImgPreview; data-phx-upload-ref, data-phx-entry-ref,
/// data-phx-update="ignore"). Default id `phx-preview-<upload ref>-<entry ref>`. Errors: the
/// argument is not an upload entry.
TemplateResult<Value> liveImgPreviewTag(const TemplateTagCall &call);

} // namespace LiveActor
