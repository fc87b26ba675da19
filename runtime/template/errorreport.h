#pragma once

#include "template/templateerror.h"

#include <QString>
#include <QStringList>

namespace LiveActor {

/// A template error as a developer wants to read it: "name:line:column: message", then the
/// source lines around the position (two before, two after), numbered, the failing line marked
/// with ">" and a caret under the column:
///
///       3 | <ul>
///     > 4 |   {% for x in %}
///         |   ^
///       5 | </ul>
///
/// The source is found in places, in order: a file whose path ends with the error's template
/// name, a directory holding a file of that name, or else inlineSource (a template compiled
/// from a string under that name). Without a position or a readable source the first line
/// alone. Pure function (reads files); any thread.
QString describeTemplateError(const TemplateError &error, const QStringList &places, const QString &inlineSource = {});

} // namespace LiveActor
