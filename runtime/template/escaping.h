#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace LiveActor {

/// Appends a JSON string literal, quotes included, for UTF-8 text: escapes `"`, `\` and the
/// control characters; every other byte is copied as it is (JSON text is UTF-8).
/// Used for rendered diffs and Phoenix channel frames alike.
void appendJsonString(QByteArray &out, QByteArrayView utf8);

/// Appends s as UTF-8 with Django's HTML escaping (& < > " ' → &amp; &lt; &gt; &quot; &#x27;).
/// Used for template output and the server's own pages alike.
void appendHtmlEscaped(QByteArray &out, const QString &s);

} // namespace LiveActor
