#pragma once

// Shared by the oracle tests: a seeded random source and a JSON string writer for their steps.

#include <QByteArray>
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

struct Rng
{
    QRandomGenerator gen;
    explicit Rng(quint32 seed) : gen(seed) { }
    int below(int n) { return n <= 0 ? 0 : int(gen.bounded(quint32(n))); }
    bool chance(int percent) { return below(100) < percent; }
};

} // namespace OracleSupport
