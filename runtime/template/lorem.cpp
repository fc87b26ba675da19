// `{% lorem %}`: Django's lorem ipsum text. The common words and paragraph are Django's, byte for
// byte; the "random" parts are drawn from a generator with a fixed seed, so a page shows the same
// text on every render (Django picks new words each time) and re-renders send no diff for them.

#include "template/compiled_p.h"

namespace LiveActor::TemplateDetail {

namespace {

const QString &commonParagraph()
{
    static const QString p = QStringLiteral(
        "Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor incididunt ut labore et "
        "dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex "
        "ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu "
        "fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt "
        "mollit anim id est laborum.");
    return p;
}

/// The first 19 words of the common paragraph, as Django's `{% lorem N w %}` starts.
const QStringList &commonWords()
{
    static const QStringList w = [] {
        QStringList all = commonParagraph().toLower().remove(u',').remove(u'.').split(u' ');
        return all.mid(0, 19);
    }();
    return w;
}

/// The pool random words come from: every distinct word of the common paragraph.
const QStringList &wordPool()
{
    static const QStringList w = [] {
        QStringList out;
        for (const QString &x : commonParagraph().toLower().remove(u',').remove(u'.').split(u' '))
            if (!out.contains(x))
                out.append(x);
        return out;
    }();
    return w;
}

/// A small deterministic generator (xorshift64*), seeded per tag so the text is stable.
struct Rng
{
    quint64 s;
    explicit Rng(quint64 seed) : s(seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull) { }
    quint64 next()
    {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        return s * 0x2545F4914F6CDD1Dull;
    }
    int between(int lo, int hi) { return lo + int(next() % quint64(hi - lo + 1)); }
    QStringList sample(int k)
    {
        QStringList pool = wordPool();
        QStringList out;
        for (int i = 0; i < k && !pool.isEmpty(); ++i)
            out.append(pool.takeAt(qsizetype(next() % quint64(pool.size()))));
        return out;
    }
};

QString sentence(Rng &r)
{
    QStringList sections;
    for (int i = r.between(1, 5); i > 0; --i)
        sections.append(r.sample(r.between(3, 12)).join(u' '));
    QString s = sections.join(QStringLiteral(", "));
    s[0] = s[0].toUpper();
    return s + ((r.next() & 1) ? u'?' : u'.');
}

QString paragraph(Rng &r)
{
    QStringList out;
    for (int i = r.between(1, 4); i > 0; --i)
        out.append(sentence(r));
    return out.join(u' ');
}

} // namespace

QString loremText(qint64 count, QChar method, bool common)
{
    // Bounds on output, far above any page's need: 10,000 paragraphs were ~6 MB of text that a
    // template compiles into its statics, and fuzz_template ran out of memory on `{% lorem 12439 %}`.
    count = std::min<qint64>(count, method == u'w' ? kLoremMaxWords : kLoremMaxParagraphs);
    Rng r(quint64(count) * 3 + (method == u'w' ? 0 : method == u'p' ? 1 : 2) + (common ? 0 : 7));
    if (method == u'w') {
        QStringList words = common ? commonWords() : QStringList();
        const qint64 c = words.size();
        if (count > c) {
            for (qint64 left = count - c; left > 0;) {
                const int k = int(std::min<qint64>(left, wordPool().size()));
                words += r.sample(k);
                left -= k;
            }
        } else {
            // Python's list[:count], negative counts included
            words = words.mid(0, count >= 0 ? count : std::max<qint64>(0, c + count));
        }
        return words.join(u' ');
    }
    QStringList paras;
    for (qint64 i = 0; i < count; ++i)
        paras.append(common && i == 0 ? commonParagraph() : paragraph(r));
    if (method == u'p')
        for (QString &p : paras)
            p = QStringLiteral("<p>") + p + QStringLiteral("</p>");
    return paras.join(QStringLiteral("\n\n"));
}

} // namespace LiveActor::TemplateDetail
