#include "liveview/uploadinput.h"

#include "template/escaping.h"

using namespace Qt::StringLiterals;

namespace LiveActor {
namespace {

/// The refs of the entries for which flag is true (all when flag is empty), comma-separated.
QString entryRefs(const ValueMap &upload, const QString &flag)
{
    QStringList refs;
    const Value entries = upload.value(u"entries"_s);
    if (const ValueList *list = entries.list())
        for (const Value &entry : *list)
            if (const ValueMap *e = entry.map(); e && (flag.isEmpty() || e->value(flag).isTruthy()))
                refs.append(e->value(u"ref"_s).toString());
    return refs.join(u',');
}

/// Appends ` name="value"` (both escaped).
void appendAttribute(QByteArray &out, const QString &name, const QString &value)
{
    out += ' ';
    appendHtmlEscaped(out, name);
    out += "=\"";
    appendHtmlEscaped(out, value);
    out += '"';
}

} // namespace

TemplateResult<Value> liveFileInputTag(const TemplateTagCall &call)
{
    const ValueMap *upload = call.args.size() == 1 ? call.args.first().map() : nullptr;
    if (!upload || !upload->contains(u"ref"_s))
        return std::unexpected(TemplateError{TemplateError::Kind::Syntax, {}, 0, 0,
                                             u"'live_file_input' takes one upload (uploads.NAME, after allow_upload) "
                                             "and attributes as keyword arguments"_s});
    QByteArray out = "<input";
    auto attribute = [&out](const QString &name, const QString &value) { appendAttribute(out, name, value); };
    const QString ref = upload->value(u"ref"_s).toString();
    QStringList accept;
    if (const ValueList *list = upload->value(u"accept"_s).list())
        for (const Value &a : *list)
            accept.append(a.toString());
    attribute(u"id"_s, ref);
    attribute(u"type"_s, u"file"_s);
    attribute(u"name"_s, upload->value(u"name"_s).toString());
    if (!accept.isEmpty() && accept != QStringList{u"any"_s})
        attribute(u"accept"_s, accept.join(u','));
    attribute(u"data-phx-hook"_s, u"Phoenix.LiveFileUpload"_s);
    attribute(u"data-phx-update"_s, u"ignore"_s);
    attribute(u"data-phx-upload-ref"_s, ref);
    attribute(u"data-phx-active-refs"_s, entryRefs(*upload, {}));
    attribute(u"data-phx-done-refs"_s, entryRefs(*upload, u"done"_s));
    attribute(u"data-phx-preflighted-refs"_s, entryRefs(*upload, u"preflighted"_s));
    if (upload->value(u"auto_upload"_s).isTruthy())
        out += " data-phx-auto-upload";
    if (upload->value(u"max_entries"_s).toInt() > 1)
        out += " multiple";
    for (const auto &[key, value] : call.kwargs)
        attribute(key, value.toString());
    out += '>';
    return Value::safe(QString::fromUtf8(out));
}

TemplateResult<Value> liveImgPreviewTag(const TemplateTagCall &call)
{
    const ValueMap *entry = call.args.size() == 1 ? call.args.first().map() : nullptr;
    if (!entry || !entry->contains(u"ref"_s) || !entry->contains(u"upload_ref"_s))
        return std::unexpected(TemplateError{TemplateError::Kind::Syntax, {}, 0, 0,
                                             u"'live_img_preview' takes one upload entry (an element of "
                                             "uploads.NAME.entries) and attributes as keyword arguments"_s});
    const QString ref = entry->value(u"ref"_s).toString();
    const QString uploadRef = entry->value(u"upload_ref"_s).toString();
    // Entry refs count from 0 per upload: the default id needs the upload's ref to be unique.
    QString id = u"phx-preview-%1-%2"_s.arg(uploadRef, ref);
    QByteArray rest;
    for (const auto &[key, value] : call.kwargs) {
        if (key == u"id"_s)
            id = value.toString();
        else
            appendAttribute(rest, key, value.toString());
    }
    QByteArray out = "<img";
    appendAttribute(out, u"id"_s, id);
    // The client's hook finds the input by data-phx-upload-ref and the File by the entry ref, and
    // sets src to an object URL; data-phx-update="ignore" keeps patches from resetting src.
    appendAttribute(out, u"data-phx-upload-ref"_s, uploadRef);
    appendAttribute(out, u"data-phx-entry-ref"_s, ref);
    appendAttribute(out, u"data-phx-hook"_s, u"Phoenix.LiveImgPreview"_s);
    appendAttribute(out, u"data-phx-update"_s, u"ignore"_s);
    out += rest;
    out += '>';
    return Value::safe(QString::fromUtf8(out));
}

} // namespace LiveActor
