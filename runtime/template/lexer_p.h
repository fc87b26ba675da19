#pragma once

// Private: the template lexer, used by the parser only.

#include <QString>
#include <QStringList>

#include <vector>

namespace LiveActor::TemplateDetail {

/// One lexed piece of template source, with the 1-based position where it starts.
struct Token
{
    enum Type { Text, Var, Block, Comment };
    Type type = Text;
    QString content; ///< stripped inner text for Var/Block, raw text for Text
    QString raw;
    int line = 1;
    int column = 1;
};

/// Splits source into tokens; inside `{% verbatim %}` every token is text up to its end tag.
std::vector<Token> tokenize(const QString &src);

/// Django's smart_split: whitespace-separated, quoted parts kept whole.
QStringList smartSplit(const QString &s);

} // namespace LiveActor::TemplateDetail
