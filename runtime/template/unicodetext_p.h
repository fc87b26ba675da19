#pragma once

// Private: Python's view of a string for the filters. A QString is UTF-16, but Python's str is a
// sequence of code points: len("😀") is 1 and "😀"[:1] is the whole emoji. Every length, index,
// slice, truncation, padding and wrapping in the filters goes through these helpers, so none of
// them can count an astral character twice or cut one in half (a lone surrogate would become an
// invalid UTF-8 sequence on the wire). Character classes follow str.isspace/isalnum and the `re`
// module's \s \w \d on str patterns, which Django's filters rely on.

#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>
#include <string>
#include <string_view>

namespace LiveActor::TemplateDetail::PyText {

/// The code points of s; a lone surrogate stays one code point of its own, as in Python.
std::u32string codePoints(QStringView s);
/// The UTF-16 string of code points (the inverse of codePoints).
QString fromCodePoints(std::u32string_view cps);
/// len(s).
qsizetype length(QStringView s);
/// The UTF-16 index of code point number n (s.size() when n is past the end).
qsizetype unitIndex(QStringView s, qsizetype n);
/// s[:n] for n >= 0.
inline QString left(QStringView s, qsizetype n) { return s.left(unitIndex(s, n)).toString(); }

/// str.isspace() of one code point (includes \x1c-\x1f, \x85, NBSP, U+2000…U+200A, …).
bool isSpace(char32_t c);
/// str.isalnum() of one code point (letters and numbers of every script; no combining marks).
bool isAlnum(char32_t c);
/// `re`'s \w on str patterns: isalnum() or '_'.
inline bool isWordChar(char32_t c) { return c == U'_' || isAlnum(c); }
/// `re`'s \d on str patterns: a decimal digit of any script (category Nd).
bool isDecimal(char32_t c);
/// unicodedata.combining(c) != 0.
bool isCombining(char32_t c);
/// str.upper()/lower() of one code point (full mappings: "ß".upper() is "SS").
QString upper(char32_t c);
QString lower(char32_t c);

/// str.split() without arguments: runs of isSpace() separate, no empty words.
QStringList splitWhitespace(QStringView s);
/// int(s) for a str: surrounding whitespace, a sign, decimal digits of any script, single '_'
/// between digits; nullopt where int() raises (or beyond 64 bits).
std::optional<qint64> parseInt(const QString &s);
/// float(s) for a str: as parseInt plus a fraction, an exponent, inf and nan.
std::optional<double> parseFloat(const QString &s);
/// The widest padding or precision a filter produces (ljust/rjust/center, stringformat). Python
/// would allocate any width, so a width from user input could make a render take gigabytes;
/// beyond this bound the text is returned unpadded (found by fuzz_template).
constexpr qint64 kMaxPadWidth = 1'000'000;
/// s.ljust(width) / s.rjust(width) / s.center(width), width counted in code points; s unchanged
/// when width > kMaxPadWidth.
enum class Align { Left, Right, Center };
QString pad(const QString &s, qint64 width, Align align);
/// str.title(): a cased character after a cased one is lowered, any other is title-cased.
QString title(QStringView s);

} // namespace LiveActor::TemplateDetail::PyText
