#include "liveview/uploadchannel.h"

using namespace Qt::StringLiterals;

namespace LiveActor {

UploadEntryChannel::UploadEntryChannel(UploadTokenClaims claims, std::unique_ptr<UploadEntryFile> file)
    : m_claims(std::move(claims))
    , m_file(std::move(file))
{
}

Result<std::unique_ptr<UploadEntryChannel>> UploadEntryChannel::join(const QString &topic, const QJsonObject &payload,
                                                                     const Setup &setup)
{
    const QByteArray token = payload.value(u"token"_s).toString().toLatin1();
    if (token.isEmpty())
        return fail(ErrorCode::Parse, u"upload join without a token"_s);
    auto claims = setup.signer->verifyAnyView(token);
    if (!claims)
        return fail(claims.error());
    if (topic != u"lvu:"_s + claims->entryRef)
        return fail(ErrorCode::InvalidArgument, u"upload token for entry %1 used on %2"_s.arg(claims->entryRef, topic));
    if (!setup.hostsView || !setup.hostsView(claims->viewId))
        return fail(ErrorCode::InvalidArgument, u"upload token of view %1, which this socket does not host"_s
                                                    .arg(claims->viewId));
    auto file = UploadEntryFile::create(setup.uploadDir, claims->maxSize, setup.budget);
    if (!file)
        return fail(file.error());
    return std::unique_ptr<UploadEntryChannel>(new UploadEntryChannel(std::move(*claims), std::move(*file)));
}

Result<qint64> UploadEntryChannel::chunk(QByteArrayView bytes)
{
    if (m_failed)
        return fail(ErrorCode::InvalidArgument, u"upload entry %1 already failed"_s.arg(m_claims.entryRef));
    if (!m_file)
        return fail(ErrorCode::InvalidArgument, u"upload entry %1 is already complete"_s.arg(m_claims.entryRef));
    auto received = m_file->append(bytes);
    m_failed = !received;
    return received;
}

QJsonObject UploadEntryChannel::sizeLimitReply() const
{
    return {{u"reason"_s, u"file_size_limit_exceeded"_s}, {u"limit"_s, double(m_claims.maxSize)}};
}

} // namespace LiveActor
