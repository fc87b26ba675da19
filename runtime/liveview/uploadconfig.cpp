#include "liveview/uploadconfig.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace LiveActor {

bool uploadAccepts(const QStringList &accept, const QString &fileName, const QString &mimeType)
{
    if (accept.isEmpty() || accept.contains(u"any"_s))
        return true;
    for (const QString &rule : accept) {
        if (rule.startsWith(u'.')) {
            if (fileName.endsWith(rule, Qt::CaseInsensitive) && fileName.size() > rule.size())
                return true;
        } else if (rule.endsWith(u"/*"_s)) {
            if (mimeType.startsWith(rule.chopped(1), Qt::CaseInsensitive))
                return true;
        } else if (!mimeType.isEmpty() && rule.compare(mimeType, Qt::CaseInsensitive) == 0) {
            return true;
        }
    }
    return false;
}

QList<UploadEntryMeta> parseUploadEntries(const QJsonArray &entries, QMap<QString, QStringList> *errors)
{
    QList<UploadEntryMeta> out;
    for (const QJsonValue &value : entries) {
        const QJsonObject o = value.toObject();
        const QString ref = o.value(u"ref"_s).toVariant().toString();
        const double size = o.value(u"size"_s).toDouble(-1);
        // 2^53: beyond it a JSON number no longer holds every integer exactly
        if (ref.isEmpty() || size < 0 || size > 9007199254740992.0 || std::floor(size) != size) {
            (*errors)[ref.isEmpty() ? u"invalid"_s : ref].append(u"invalid_entry"_s);
            continue;
        }
        out.append({ref, o.value(u"name"_s).toString(), o.value(u"type"_s).toString(), qint64(size),
                    qint64(o.value(u"last_modified"_s).toDouble()), o.value(u"relative_path"_s).toString()});
    }
    return out;
}

PreflightCheck checkPreflight(const UploadConfig &config, const QList<UploadEntryMeta> &entries, int activeCount)
{
    PreflightCheck check;
    if (activeCount + entries.size() > config.maxEntries) {
        check.errors[config.ref].append(u"too_many_files"_s);
        return check;
    }
    for (const UploadEntryMeta &entry : entries) {
        QStringList reasons;
        if (entry.size > config.maxFileSize)
            reasons.append(u"too_large"_s);
        if (!uploadAccepts(config.accept, entry.name, entry.type))
            reasons.append(u"not_accepted"_s);
        if (reasons.isEmpty())
            check.accepted.append(entry);
        else
            check.errors[entry.ref] = reasons;
    }
    return check;
}

QJsonObject preflightReply(const UploadConfig &config, const QMap<QString, QByteArray> &tokens,
                           const QMap<QString, QStringList> &errors)
{
    QJsonObject entries;
    for (auto it = tokens.begin(); it != tokens.end(); ++it)
        entries.insert(it.key(), QString::fromLatin1(it.value()));
    QJsonObject errorObject;
    for (auto it = errors.begin(); it != errors.end(); ++it)
        errorObject.insert(it.key(), QJsonArray::fromStringList(it.value()));
    return {{u"ref"_s, config.ref},
            {u"config"_s, QJsonObject{{u"max_file_size"_s, double(config.maxFileSize)},
                                      {u"max_entries"_s, config.maxEntries},
                                      {u"chunk_size"_s, config.chunkSize},
                                      {u"chunk_timeout"_s, config.chunkTimeoutMs}}},
            {u"entries"_s, entries},
            {u"errors"_s, errorObject}};
}

} // namespace LiveActor
