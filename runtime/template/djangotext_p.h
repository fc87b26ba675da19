#pragma once

// Private: ports of the django.utils.text / django.utils.html helpers behind the larger filters
// (truncation of text and HTML, word wrapping, urlize, pprint). They count in code points through
// PyText, like Python, and follow Django 3.2's algorithms step by step, quirks included, because
// the filters must print Django's bytes.

#include "template/value.h"

#include <QString>

namespace LiveActor::TemplateDetail::DjangoText {

/// Truncator(text).chars(length): NFC, combining characters not counted, "…" appended.
QString truncateChars(const QString &text, qint64 length);
/// Truncator(text).chars(length, html=True) / .words(length, html=True, truncate=' …'): tags are
/// not counted, and the tags still open at the cut are closed.
QString truncateHtmlChars(const QString &text, qint64 length);
QString truncateHtmlWords(const QString &text, qint64 length);
/// django.utils.text.wrap(text, width) (textwrap without breaking long words or on hyphens).
/// nullopt for width <= 0, where textwrap raises.
std::optional<QString> wrap(const QString &text, qint64 width);
/// django.utils.html.urlize(text, trim_url_limit, nofollow=True, autoescape); trimLimit < 0 = none.
QString urlize(const QString &text, bool safeInput, bool autoescape, qint64 trimLimit);
/// urllib.parse.quote(s, safe): UTF-8 bytes, %XX for all but unreserved and `safe` (ASCII) ones.
QString quote(const QString &s, const QByteArray &safe);
/// pprint.pformat(value): repr() with sorted dict keys, wrapped at 80 columns.
QString pformat(const Value &value);

} // namespace LiveActor::TemplateDetail::DjangoText
