#pragma once

#include "core/result.h"
#include "liveview/uploadconfig.h"
#include "liveview/uploadfile.h"
#include "liveview/uploadtoken.h"
#include "template/value.h"

#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>

#include <map>
#include <memory>
#include <mutex>
#include <vector>

namespace LiveActor {

/// The files of one view's uploads, shared by the view and its session (ViewSlot). The view opens
/// an entry when its preflight passes and closes it on cancel, consume or disallow; the session
/// accepts a `lvu:` join and chunks only for open entries, and hands the file over here when its
/// last byte arrived. Dropping a file removes it from disk. Thread-safe: a Python handler may
/// consume from a worker thread while the session writes chunks.
class UploadFiles
{
public:
    static QString key(const QString &configRef, const QString &entryRef) { return configRef + u'/' + entryRef; }

    void open(const QString &key)
    {
        std::lock_guard lock(m_mutex);
        m_open.insert(key);
    }
    bool isOpen(const QString &key) const
    {
        std::lock_guard lock(m_mutex);
        return m_open.contains(key);
    }
    /// Closes the entry: a later chunk is refused and a finished file is removed.
    void close(const QString &key)
    {
        std::unique_ptr<UploadEntryFile> dropped = take(key); // removed outside the lock
    }
    /// A finished file (every declared byte on disk), if the entry is still open.
    void putComplete(const QString &key, std::unique_ptr<UploadEntryFile> file)
    {
        std::lock_guard lock(m_mutex);
        if (m_open.contains(key))
            m_complete[key] = std::move(file);
    }
    bool hasComplete(const QString &key) const
    {
        std::lock_guard lock(m_mutex);
        return m_complete.contains(key);
    }
    /// Closes the entry and returns its finished file (null when it has none).
    std::unique_ptr<UploadEntryFile> take(const QString &key)
    {
        std::lock_guard lock(m_mutex);
        m_open.remove(key);
        auto node = m_complete.extract(key);
        return node ? std::move(node.mapped()) : nullptr;
    }
    int openCount() const
    {
        std::lock_guard lock(m_mutex);
        return int(m_open.size());
    }

private:
    mutable std::mutex m_mutex;
    QSet<QString> m_open; ///< key(config ref, entry ref) of every entry the view lets upload
    std::map<QString, std::unique_ptr<UploadEntryFile>> m_complete; ///< finished files, by key
};

/// One entry of an upload as the template sees it (`uploads.NAME.entries`).
struct UploadEntryState
{
    UploadEntryMeta meta;
    int progress = 0;
    bool preflighted = false;
    bool done = false;
    bool cancelled = false;
    QStringList errors; ///< too_large, not_accepted, …; empty = valid
};

/// A completed entry handed to the view by consumeUploadedEntries(): its file stays on disk while
/// this object lives (and is removed with it unless the consumer moved it away).
struct CompletedUpload
{
    UploadEntryMeta meta;
    QString path;
    std::unique_ptr<UploadEntryFile> file;
};

/// The upload configs of one view (Phoenix's `allow_upload` and the `@uploads` assign) and their
/// entries: preflight (`allow_upload` push), entries carried by form events, `progress` pushes,
/// cancel, consume. Pure state: the caller passes the session-shared UploadFiles (null when the
/// view runs without a server, e.g. the dead render) and renders afterwards.
/// Thread affinity: the view's thread.
class UploadState
{
public:
    /// Declares (or redeclares) the upload `config.name`; a missing ref is generated ("phx-…").
    /// Returns the ref. InvalidArgument: empty name, max_entries < 1, max_file_size or chunk_size
    /// < 1; redeclaring a name that still has entries (Phoenix refuses that too).
    Result<QString> allow(UploadConfig config);
    /// Removes the upload and its entries. NotFound: no such upload.
    Result<void> disallow(const QString &name, UploadFiles *files);
    /// Cancels one entry (its file is removed); an unknown entry ref is ignored (already gone).
    /// NotFound: no such upload.
    Result<void> cancel(const QString &name, const QString &entryRef, UploadFiles *files);
    /// Closes every entry of every upload (their files are removed): the owner goes away (a live
    /// component freed by cids_destroyed).
    void closeAll(UploadFiles *files);
    /// Hands over every done entry of `name` (with its file) and removes them from the upload.
    /// NotFound: no such upload. An entry whose file is gone (the socket closed) is dropped.
    Result<std::vector<CompletedUpload>> consume(const QString &name, UploadFiles *files);

    /// The `allow_upload` push: `{ref, entries, cid}`. Entries are validated; when all pass, each
    /// gets a token signed for viewId and cid (the owning live component, -1 for the view) and is
    /// opened in files. The reply is Phoenix's:
    /// `{ref, config, entries: {ref: token}, errors: {ref: [reason]}}` plus `error: [[ref, reason], …]`
    /// when anything failed (then no entry gets a token, as Phoenix does).
    /// InvalidArgument: no upload with that ref (a client error: reply with it, no crash).
    Result<QJsonObject> preflight(const QJsonObject &payload, const UploadTokenSigner &signer, const QString &viewId,
                                  UploadFiles *files, int cid = -1);
    /// The `uploads` map of a form event (`{config ref: [entry, …]}`): new entries are added (and
    /// validated), entries the form no longer has and that are not preflighted are dropped.
    void putEntries(const QJsonObject &uploads);
    /// The `progress` push: `{ref, entry_ref, progress}`. An entry reaching 100 is done only if
    /// its file has arrived in full (files->complete); progress `{error: reason}` records an error.
    /// InvalidArgument: unknown ref or entry.
    Result<void> progress(const QJsonObject &payload, const UploadFiles *files);

    /// `{NAME: {ref, name, accept, max_entries, max_file_size, auto_upload, entries, errors}}`.
    Value toValue() const;
    bool isEmpty() const { return m_uploads.isEmpty(); }
    /// True once after anything changed (the render marks `uploads` changed).
    bool takeDirty() { return std::exchange(m_dirty, false); }

private:
    struct Upload
    {
        UploadConfig config;
        QList<UploadEntryState> entries;
        QList<std::pair<QString, QString>> errors; ///< [ref, reason]: config-level (too_many_files)
    };
    Upload *byName(const QString &name);
    Upload *byRef(const QString &ref);
    static void validate(Upload &upload);

    QList<Upload> m_uploads;
    bool m_dirty = false;
};

} // namespace LiveActor
