#pragma once

#include <QString>

#include <expected>

namespace LiveActor {

/// A template error: where it happened and what went wrong.
///
/// Compile errors (syntax, unknown tag or filter, unclosed block) carry the template name and the
/// 1-based line and column of the offending token; render errors (a missing variable in strict
/// mode, an include that cannot be loaded) carry the position of the tag or variable that failed.
/// line and column are 0 when no position is known (for example a file that cannot be read).
/// A plain value type; copy it freely across threads.
struct TemplateError
{
    enum class Kind {
        Syntax,          ///< malformed tag, variable or expression; message says what was expected
        UnknownTag,      ///< `{% foo %}` with no such tag
        UnknownFilter,   ///< `{{ x|foo }}` with no such filter
        NotFound,        ///< a template name or file that the loader cannot find or read
        MissingVariable, ///< strict mode only: a variable that does not resolve
        Render,          ///< any other failure while rendering (bad filter argument in strict mode, recursion)
    };

    Kind kind = Kind::Syntax;
    QString templateName;
    int line = 0;
    int column = 0;
    QString message;

    /// "name:line:column: message" (or "name: message" without a position) — the form the CLI prints.
    QString toString() const
    {
        if (line > 0)
            return templateName + QLatin1Char(':') + QString::number(line) + QLatin1Char(':')
                + QString::number(column) + QStringLiteral(": ") + message;
        return templateName + QStringLiteral(": ") + message;
    }
};

/// The result type of every fallible template operation (template must not link core, so it
/// uses its own error type with the same shape as core's Result).
template<typename T>
using TemplateResult = std::expected<T, TemplateError>;

} // namespace LiveActor
