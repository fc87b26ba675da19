// TokenSigner::verify, the check of every `data-phx-session` and flash token a client sends.
// The first byte picks the mode:
// - even: the rest is a token as a client could send it (almost never validly signed);
// - odd: the rest is the claims part (the JSON text), signed here with the right key so the
//   fuzzer reaches what verify() does after the MAC: base64url, JSON, iat and age checks.

#include "fuzzsupport.h"

#include "liveview/tokensigner.h"

#include <QMessageAuthenticationCode>

using namespace LiveActor;
using namespace Qt::StringLiterals;

namespace {

const QByteArray kSecret = QByteArrayLiteral("fuzz-secret-fuzz-secret-fuzz-secret!");
const QDateTime kNow = QDateTime::fromSecsSinceEpoch(1'750'000'000, Qt::UTC);
constexpr auto kB64 = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

QByteArray signedToken(const QByteArray &claimsText)
{
    const QByteArray body = claimsText.toBase64(kB64);
    return body + '.' + QMessageAuthenticationCode::hash(body, kSecret, QCryptographicHash::Sha256).toBase64(kB64);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    Fuzz::silenceQtLogging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const TokenSigner signer(kSecret);
    static const TokenSigner flash = signer.derived("flash");
    const QByteArray rest = Fuzz::bytes(data + 1, size - 1);
    if (data[0] % 2 == 0) {
        (void)signer.verify(rest, std::chrono::hours(24), kNow);
        (void)flash.verify(rest, std::chrono::seconds(60), kNow);
        return 0;
    }
    const QByteArray token = signedToken(rest);
    auto claims = signer.verify(token, std::chrono::hours(24), kNow);
    Fuzz::require(claims || claims.error().code != ErrorCode::InvalidArgument, "a correctly signed token passes the MAC");
    Fuzz::require(!flash.verify(token, std::chrono::hours(24), kNow), "a token of one purpose never verifies for another");
    if (claims) {
        // What verified re-signs and verifies again with the same claims (sign() writes iat anew).
        const qint64 iat = claims->value(u"iat"_s).toInteger();
        auto again = signer.verify(signer.sign(*claims, QDateTime::fromSecsSinceEpoch(iat, Qt::UTC)),
                                   std::chrono::hours(24), kNow);
        Fuzz::require(again.has_value(), "a re-signed token verifies");
        again->remove(u"iat"_s);
        claims->remove(u"iat"_s);
        Fuzz::require(*again == *claims, "sign(verify(t)) verifies to the same claims");
    }
    return 0;
}
