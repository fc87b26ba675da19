#include "liveview/serverstats.h"

#include <QString>

#include <numeric>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace {

// In UploadError's order.
constexpr std::array<const char *, size_t(UploadError::Count)> UploadErrorNames{
    "too_large", "not_accepted", "too_many_files", "file_size_limit_exceeded", "too_many_bytes_in_flight",
    "invalid_token", "not_allowed", "write_failed", "protocol"};

} // namespace

const char *uploadErrorName(UploadError error)
{
    return error < UploadError::Count ? UploadErrorNames[size_t(error)] : "unknown";
}

UploadError uploadErrorFromReason(QStringView reason)
{
    for (UploadError e : {UploadError::TooLarge, UploadError::NotAccepted, UploadError::TooManyFiles})
        if (reason == QLatin1StringView(uploadErrorName(e)))
            return e;
    return UploadError::Count;
}

quint64 UploadStats::errorsTotal() const
{
    return std::accumulate(errors.begin(), errors.end(), quint64(0));
}

} // namespace LiveActor
