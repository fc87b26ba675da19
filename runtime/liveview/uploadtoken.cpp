#include "liveview/uploadtoken.h"

#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace LiveActor {

UploadTokenSigner::UploadTokenSigner(const TokenSigner &serverSigner, std::chrono::seconds maxAge)
    : m_signer(serverSigner.derived("upload"))
    , m_maxAge(maxAge)
{
}

QByteArray UploadTokenSigner::sign(const UploadTokenClaims &claims, const QDateTime &now) const
{
    return m_signer.sign({{u"view"_s, claims.viewId},
                          {u"config"_s, claims.configRef},
                          {u"entry"_s, claims.entryRef},
                          {u"size"_s, double(claims.maxSize)},
                          {u"cid"_s, claims.cid}},
                         now);
}

Result<UploadTokenClaims> UploadTokenSigner::verify(const QByteArray &token, const QString &viewId,
                                                    const QDateTime &now) const
{
    auto claims = verifyAnyView(token, now);
    // Compared after the MAC check: a genuine token for another view is as bad as a forged one.
    if (claims && claims->viewId != viewId)
        return fail(ErrorCode::InvalidArgument, u"upload token was issued to another view"_s);
    return claims;
}

Result<UploadTokenClaims> UploadTokenSigner::verifyAnyView(const QByteArray &token, const QDateTime &now) const
{
    auto json = m_signer.verify(token, m_maxAge, now);
    if (!json)
        return std::unexpected(json.error());
    const auto text = [&](const QString &key) { return json->value(key).toString(); };
    UploadTokenClaims claims{text(u"view"_s), text(u"config"_s), text(u"entry"_s),
                             qint64(json->value(u"size"_s).toDouble(-1)),
                             json->value(u"cid"_s).toInt(-1)};
    if (claims.viewId.isEmpty() || claims.configRef.isEmpty() || claims.entryRef.isEmpty() || claims.maxSize < 0)
        return fail(ErrorCode::Parse, u"upload token misses a claim"_s);
    return claims;
}

} // namespace LiveActor
