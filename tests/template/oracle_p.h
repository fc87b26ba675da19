#pragma once

// Shared by the oracle tests: a seeded random source and a JSON string writer for their steps.

#include <QByteArray>
#include <QList>
#include <QRandomGenerator>

namespace OracleSupport {

inline QByteArray jsonString(const QByteArray &utf8)
{
    QByteArray out = "\"";
    for (char ch : utf8) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c == '"') out += "\\\"";
        else if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c < 0x20) out += QByteArray("\\u00") + QByteArray::number(c, 16).rightJustified(2, '0');
        else out += char(c);
    }
    return out + '"';
}

/// The seeds of a run: LIVEACTOR_ORACLE_SEED alone when it is set (to rerun a failure), else
/// `count` fixed ones (1..count times `step`, a prime so scenarios do not share seeds).
inline QList<quint32> seeds(quint32 count, quint32 step)
{
    const QByteArray fixed = qgetenv("LIVEACTOR_ORACLE_SEED");
    if (!fixed.isEmpty())
        return {fixed.toUInt()};
    QList<quint32> out;
    for (quint32 s = 1; s <= count; ++s)
        out.append(s * step);
    return out;
}

struct Rng
{
    QRandomGenerator gen;
    explicit Rng(quint32 seed) : gen(seed) { }
    int below(int n) { return n <= 0 ? 0 : int(gen.bounded(quint32(n))); }
    bool chance(int percent) { return below(100) < percent; }
};

} // namespace OracleSupport
