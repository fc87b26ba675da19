#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace LiveActor {

/// Appends a JSON string literal, quotes included, for UTF-8 text: escapes `"`, `\` and the
/// control characters; every other byte is copied as it is (JSON text is UTF-8).
/// Used for rendered diffs and Phoenix channel frames alike.
void appendJsonString(QByteArray &out, QByteArrayView utf8);

} // namespace LiveActor
