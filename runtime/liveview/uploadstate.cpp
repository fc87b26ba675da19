#include "liveview/uploadstate.h"

#include "liveview/tokensigner.h"

#include <QJsonArray>

using namespace Qt::StringLiterals;

namespace LiveActor {

Result<QString> UploadState::allow(UploadConfig config)
{
    if (config.name.isEmpty())
        return fail(ErrorCode::InvalidArgument, u"allow_upload needs a name"_s);
    if (config.maxEntries < 1 || config.maxFileSize < 1 || config.chunkSize < 1)
        return fail(ErrorCode::InvalidArgument,
                    u"allow_upload %1: max_entries, max_file_size and chunk_size must be positive"_s.arg(config.name));
    if (Upload *existing = byName(config.name)) {
        if (!existing->entries.isEmpty())
            return fail(ErrorCode::InvalidArgument,
                        u"allow_upload %1: the upload still has entries (cancel or consume them first)"_s.arg(config.name));
        config.ref = existing->config.ref; // the rendered input keeps its id
        existing->config = std::move(config);
        m_dirty = true;
        return existing->config.ref;
    }
    if (config.ref.isEmpty())
        config.ref = u"phx-"_s + QString::fromLatin1(TokenSigner::randomToken(12));
    m_uploads.append(Upload{std::move(config), {}, {}});
    m_dirty = true;
    return m_uploads.last().config.ref;
}

Result<void> UploadState::disallow(const QString &name, UploadFiles *files)
{
    Upload *upload = byName(name);
    if (!upload)
        return fail(ErrorCode::NotFound, u"disallow_upload: no upload called "_s + name);
    if (files)
        for (const UploadEntryState &entry : upload->entries)
            files->close(UploadFiles::key(upload->config.ref, entry.meta.ref));
    m_uploads.removeIf([&](const Upload &u) { return u.config.name == name; });
    m_dirty = true;
    return {};
}

Result<void> UploadState::cancel(const QString &name, const QString &entryRef, UploadFiles *files)
{
    Upload *upload = byName(name);
    if (!upload)
        return fail(ErrorCode::NotFound, u"cancel_upload: no upload called "_s + name);
    // An entry already gone (consumed, cancelled twice by a quick double click) is no error.
    if (!upload->entries.removeIf([&](const UploadEntryState &e) { return e.meta.ref == entryRef; }))
        return {};
    if (files)
        files->close(UploadFiles::key(upload->config.ref, entryRef));
    validate(*upload);
    m_dirty = true;
    return {};
}

void UploadState::closeAll(UploadFiles *files)
{
    if (files)
        for (const Upload &upload : m_uploads)
            for (const UploadEntryState &entry : upload.entries)
                files->close(UploadFiles::key(upload.config.ref, entry.meta.ref));
}

Result<std::vector<CompletedUpload>> UploadState::consume(const QString &name, UploadFiles *files)
{
    Upload *upload = byName(name);
    if (!upload)
        return fail(ErrorCode::NotFound, u"consume_uploaded_entries: no upload called "_s + name);
    std::vector<CompletedUpload> out;
    QList<UploadEntryState> rest;
    for (UploadEntryState &entry : upload->entries) {
        if (!entry.done) {
            rest.append(entry);
            continue;
        }
        if (!files)
            continue;
        if (auto file = files->take(UploadFiles::key(upload->config.ref, entry.meta.ref))) {
            const QString path = file->path();
            out.push_back(CompletedUpload{entry.meta, path, std::move(file)});
        }
    }
    if (rest.size() != upload->entries.size()) {
        upload->entries = rest;
        validate(*upload);
        m_dirty = true;
    }
    return out;
}

Result<QJsonObject> UploadState::preflight(const QJsonObject &payload, const UploadTokenSigner &signer,
                                           const QString &viewId, UploadFiles *files, int cid)
{
    const QString ref = payload.value(u"ref"_s).toString();
    Upload *upload = byRef(ref);
    if (!upload)
        return fail(ErrorCode::InvalidArgument, u"allow_upload for an unknown upload ref "_s + ref);
    QMap<QString, QStringList> parseErrors;
    const QList<UploadEntryMeta> metas = parseUploadEntries(payload.value(u"entries"_s).toArray(), &parseErrors);
    QStringList refs;
    for (const UploadEntryMeta &meta : metas) {
        refs.append(meta.ref);
        auto it = std::find_if(upload->entries.begin(), upload->entries.end(),
                               [&](const UploadEntryState &e) { return e.meta.ref == meta.ref; });
        if (it == upload->entries.end())
            upload->entries.append(UploadEntryState{meta});
        else if (!it->preflighted)
            it->meta = meta;
    }
    validate(*upload);
    m_dirty = true;

    QMap<QString, QStringList> errors = parseErrors;
    QJsonArray errorList;
    for (const auto &[errorRef, reason] : upload->errors)
        errors[errorRef].append(reason);
    for (const UploadEntryState &entry : upload->entries)
        if (refs.contains(entry.meta.ref) && !entry.errors.isEmpty())
            errors[entry.meta.ref] = entry.errors;
    for (auto it = errors.cbegin(); it != errors.cend(); ++it)
        for (const QString &reason : it.value())
            errorList.append(QJsonArray{it.key(), reason});

    QMap<QString, QByteArray> tokens;
    if (errors.isEmpty()) {
        for (UploadEntryState &entry : upload->entries) {
            if (!refs.contains(entry.meta.ref))
                continue;
            entry.preflighted = true;
            const UploadTokenClaims claims{viewId, upload->config.ref, entry.meta.ref, entry.meta.size, cid};
            tokens.insert(entry.meta.ref, signer.sign(claims));
            if (files)
                files->open(UploadFiles::key(upload->config.ref, entry.meta.ref));
        }
    }
    QJsonObject reply = preflightReply(upload->config, tokens, errors);
    if (!errorList.isEmpty())
        reply.insert(u"error"_s, errorList); // what the 1.1 client reads to fail its entries
    return reply;
}

void UploadState::putEntries(const QJsonObject &uploads)
{
    for (auto it = uploads.begin(); it != uploads.end(); ++it) {
        Upload *upload = byRef(it.key());
        if (!upload)
            continue; // an input of an upload the view no longer allows: nothing to track
        QMap<QString, QStringList> parseErrors; // malformed entries are not tracked
        const QList<UploadEntryMeta> metas = parseUploadEntries(it.value().toArray(), &parseErrors);
        QStringList refs;
        for (const UploadEntryMeta &meta : metas)
            refs.append(meta.ref);
        upload->entries.removeIf([&](const UploadEntryState &e) { return !e.preflighted && !refs.contains(e.meta.ref); });
        for (const UploadEntryMeta &meta : metas)
            if (std::none_of(upload->entries.begin(), upload->entries.end(),
                             [&](const UploadEntryState &e) { return e.meta.ref == meta.ref; }))
                upload->entries.append(UploadEntryState{meta});
        validate(*upload);
        m_dirty = true;
    }
}

Result<void> UploadState::progress(const QJsonObject &payload, const UploadFiles *files)
{
    const QString ref = payload.value(u"ref"_s).toString();
    const QString entryRef = payload.value(u"entry_ref"_s).toVariant().toString();
    Upload *upload = byRef(ref);
    if (!upload)
        return fail(ErrorCode::InvalidArgument, u"progress for an unknown upload ref "_s + ref);
    auto entry = std::find_if(upload->entries.begin(), upload->entries.end(),
                              [&](const UploadEntryState &e) { return e.meta.ref == entryRef; });
    if (entry == upload->entries.end())
        return fail(ErrorCode::InvalidArgument, u"progress for an unknown entry %1 of %2"_s.arg(entryRef, ref));
    const QJsonValue progress = payload.value(u"progress"_s);
    if (progress.isObject()) { // the client failed the entry: {error: reason}
        const QString reason = progress.toObject().value(u"error"_s).toVariant().toString();
        entry->errors.append(reason.isEmpty() ? u"external_client_failure"_s : reason);
        m_dirty = true;
        return {};
    }
    if (!progress.isDouble())
        return fail(ErrorCode::InvalidArgument, u"progress must be a number or {error}"_s);
    const int percent = std::clamp(int(progress.toDouble()), 0, 100);
    // Done only when every declared byte is on disk: the client's word alone is not enough.
    const bool arrived = files && files->hasComplete(UploadFiles::key(ref, entryRef));
    entry->progress = percent == 100 && !arrived ? 99 : percent;
    entry->done = percent == 100 && arrived;
    m_dirty = true;
    return {};
}

void UploadState::validate(Upload &upload)
{
    upload.errors.clear();
    if (upload.entries.size() > upload.config.maxEntries)
        upload.errors.append({upload.config.ref, u"too_many_files"_s});
    for (UploadEntryState &entry : upload.entries) {
        if (entry.preflighted)
            continue; // accepted once: later errors come from the transfer (progress {error})
        entry.errors.clear();
        if (entry.meta.size > upload.config.maxFileSize)
            entry.errors.append(u"too_large"_s);
        if (!uploadAccepts(upload.config.accept, entry.meta.name, entry.meta.type))
            entry.errors.append(u"not_accepted"_s);
    }
}

static Value entryValue(const UploadEntryState &e, const QString &uploadRef)
{
    ValueList errors;
    for (const QString &reason : e.errors)
        errors.append(reason);
    return ValueMap{{u"ref"_s, e.meta.ref},
                    {u"upload_ref"_s, uploadRef}, // what {% live_img_preview %} needs
                    {u"client_name"_s, e.meta.name},
                    {u"client_size"_s, e.meta.size},
                    {u"client_type"_s, e.meta.type},
                    {u"client_last_modified"_s, e.meta.lastModified},
                    {u"client_relative_path"_s, e.meta.relativePath},
                    {u"name"_s, e.meta.name},
                    {u"size"_s, e.meta.size},
                    {u"type"_s, e.meta.type},
                    {u"progress"_s, e.progress},
                    {u"preflighted"_s, e.preflighted},
                    {u"done"_s, e.done},
                    {u"valid"_s, e.errors.isEmpty()},
                    {u"errors"_s, errors}};
}

Value UploadState::toValue() const
{
    ValueMap out;
    for (const Upload &u : m_uploads) {
        ValueList entries, errors, accept;
        for (const UploadEntryState &e : u.entries)
            entries.append(entryValue(e, u.config.ref));
        for (const auto &[ref, reason] : u.errors)
            errors.append(reason);
        for (const QString &a : u.config.accept)
            accept.append(a);
        out.insert(u.config.name, ValueMap{{u"ref"_s, u.config.ref},
                                           {u"name"_s, u.config.name},
                                           {u"accept"_s, accept},
                                           {u"max_entries"_s, u.config.maxEntries},
                                           {u"max_file_size"_s, u.config.maxFileSize},
                                           {u"chunk_size"_s, u.config.chunkSize},
                                           {u"auto_upload"_s, u.config.autoUpload},
                                           {u"entries"_s, entries},
                                           {u"errors"_s, errors}});
    }
    return out;
}

UploadState::Upload *UploadState::byName(const QString &name)
{
    for (Upload &u : m_uploads)
        if (u.config.name == name)
            return &u;
    return nullptr;
}

UploadState::Upload *UploadState::byRef(const QString &ref)
{
    for (Upload &u : m_uploads)
        if (u.config.ref == ref)
            return &u;
    return nullptr;
}

} // namespace LiveActor
