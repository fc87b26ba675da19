#pragma once

#include "liveview/tokensigner.h"

#include <QByteArray>
#include <QJsonObject>

#include <chrono>

namespace LiveActor {

/// Flash messages (Phoenix's @flash) on their way from one view to the next, as Phoenix carries
/// them: a view that puts a flash and then navigates hands it over in a signed, short-lived flash
/// token — in the `live_redirect` payload's `flash` for live navigation (the client sends it back
/// as the join's `flash`), in the `redirect` payload's `flash` for a full page load (the client
/// stores it in the `__phoenix_flash__` cookie for 60 s; the dead render reads and deletes it),
/// and in that cookie directly when the dead render itself redirects.
///
/// Tokens are TokenSigner tokens of the server's flash signer (TokenSigner::derived("flash")): a
/// page's session token is never a flash token and the other way round. Free functions over
/// values; thread-safe.
namespace Flash {

/// The cookie a full redirect carries the flash in (set by the client's Browser.redirect).
inline constexpr auto kCookie = "__phoenix_flash__";
/// How long a flash token is accepted (Phoenix: 60 s).
inline constexpr std::chrono::seconds kMaxAge{60};

/// The token carrying flash ({} → empty: nothing to carry).
QByteArray sign(const TokenSigner &flashSigner, const QJsonObject &flash);
/// The flash in token; {} for an empty, tampered, foreign or expired token (logged at info: a
/// stale flash is not worth an error page).
QJsonObject verify(const TokenSigner &flashSigner, const QByteArray &token);
/// The value of the `__phoenix_flash__` cookie in a Cookie header, or empty.
QByteArray fromCookieHeader(const QByteArray &cookieHeader);
/// Set-Cookie header values: carry token to the next page load (60 s), or delete the cookie.
QByteArray setCookie(const QByteArray &token);
QByteArray deleteCookie();

} // namespace Flash

} // namespace LiveActor
