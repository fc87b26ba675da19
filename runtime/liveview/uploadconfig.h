#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace LiveActor {

/// One `allow_upload` of a view, with Phoenix's defaults.
struct UploadConfig
{
    QString name;                    ///< the upload's name (`uploads.<name>` in templates)
    QString ref;                     ///< "phx-" + random id: the input's id and data-phx-upload-ref
    QStringList accept;              ///< ".jpg", "image/*", "image/png"; empty or "any" = anything
    int maxEntries = 1;
    qint64 maxFileSize = 8'000'000;
    int chunkSize = 64'000;
    int chunkTimeoutMs = 10'000;
    bool autoUpload = false;
};

/// One entry as the client describes it in preflight and in form events.
struct UploadEntryMeta
{
    QString ref;  ///< the client's counter ("0", "1", …), unique within the config
    QString name; ///< the file's name (display only: never used as a path)
    QString type; ///< the MIME type the browser reports (may be empty)
    qint64 size = 0;
    qint64 lastModified = 0;
    QString relativePath;
};

/// The outcome of validating a preflight: the entries that may upload, and per-entry errors named
/// as Phoenix names them. An entry with an error never gets a token.
struct PreflightCheck
{
    QList<UploadEntryMeta> accepted;
    QMap<QString, QStringList> errors; ///< entry ref (or the config ref for too_many_files) → reasons
};

/// Whether `accept` lets a file with this name and MIME type through: an extension (".jpg",
/// case-insensitive), an exact MIME type ("image/png") or a family ("image/*"). An empty list or
/// "any" accepts everything.
bool uploadAccepts(const QStringList &accept, const QString &fileName, const QString &mimeType);

/// Parses the `entries` array of an `allow_upload` push. Entries that are not objects, lack a ref,
/// or have a negative or non-integral size are reported under the ref "invalid" (or their own
/// ref) as "invalid_entry" rather than dropped silently.
QList<UploadEntryMeta> parseUploadEntries(const QJsonArray &entries, QMap<QString, QStringList> *errors);

/// Validates a preflight against the config. `activeCount` is the number of entries the config
/// already holds: more than maxEntries in total is "too_many_files" (reported under the config
/// ref, and no entry is accepted, as Phoenix does); a file over maxFileSize is "too_large"; one
/// the accept list refuses is "not_accepted".
PreflightCheck checkPreflight(const UploadConfig &config, const QList<UploadEntryMeta> &entries, int activeCount);

/// The preflight reply payload: `{ref, config: {…}, entries: {ref: token}, errors: {ref: [reason]}}`.
QJsonObject preflightReply(const UploadConfig &config, const QMap<QString, QByteArray> &tokens,
                           const QMap<QString, QStringList> &errors);

} // namespace LiveActor
