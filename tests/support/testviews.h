#pragma once

#include "liveview/liveviewserver.h"
#include "liveview/viewhandler.h"

#include <QJsonObject>

namespace LiveActor::Test {

/// Reusable C++ views for the protocol tests and the browser e2e (each documented in the .cpp):
///   "/"            CounterView  — count, inc (phx-value-by), crash (handler error), slow (sleeps),
///                                 ask (replies {count, q} to a hook's pushEvent), stuck (blocks
///                                 its executor thread until releaseStuck(), as a Python
///                                 time.sleep in an inline handler does)
///   "/form"        FormView     — phx-change echo with _target, phx-submit
///   "/timer"       TimerView    — server push every 50 ms via sendAfter
///   "/list"        ListView     — keyed list: add, remove, reverse
///   "/items/:id"   ItemView     — route params, push_patch to the next item, title, pushEvent
///   "/chat"        ChatView     — pub/sub between views
///   "/cards"       CardsView    — live components (LikeCard: like), remove (drops card 2)
///   "/flash"       FlashView    — flash: save, lv:clear-flash, go_live / go_full (carried), ?bounce
/// An event a view has no handler for is refused (NotFound), not a crash.
/// Every view renders a `<span id="mount">` with a per-mount random id, so a test can tell a fresh
/// mount from an old one.
/// Registers them all on server (before listen()). Returns the first error.
Result<void> registerTestViews(LiveViewServer &server);

/// Lets one CounterView "stuck" event return (each waits at most 60 s).
void releaseStuck();

} // namespace LiveActor::Test
