// Differential test against Django itself: django_fuzz.py renders random templates (a grammar of
// the implemented tags and filters) with Debian's python3-django; we must print the same bytes.
// Seeds are fixed so a run is reproducible; a failure prints the seed, template and context.
// LIVEACTOR_DJANGO_SEED=<seed> reruns one seed.

#include "template/template.h"
#include "template/templateengine.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <QTimeZone>

#include <ctime>

using namespace LiveActor;

namespace {

// django_fuzz.py sends datetimes as {"$dt": [y, m, d, H, M, S, microsecond, zone]}: zone null is
// naive (local), a number is minutes east of UTC (0: timezone.utc), a string an IANA zone — as
// pyconvert builds them. {"$date": [y, m, d]} is a datetime.date.
Value withDateTimes(const Value &v)
{
    if (const ValueMap *m = v.map()) {
        if (m->size() == 1 && m->contains(QStringLiteral("$date"))) {
            const ValueList p = *m->value(QStringLiteral("$date")).list();
            return Value::date(QDate(int(p[0].toInt()), int(p[1].toInt()), int(p[2].toInt())));
        }
        if (m->size() == 1 && m->contains(QStringLiteral("$dt"))) {
            const ValueList p = *m->value(QStringLiteral("$dt")).list();
            const QDate date(int(p[0].toInt()), int(p[1].toInt()), int(p[2].toInt()));
            const QTime time(int(p[3].toInt()), int(p[4].toInt()), int(p[5].toInt()), int(p[6].toInt() / 1000));
            if (p[7].isNull())
                return Value(QDateTime(date, time));
            if (p[7].isNumber() && p[7].toInt() == 0)
                return Value(QDateTime(date, time, Qt::UTC));
            if (p[7].isNumber())
                return Value(QDateTime(date, time, Qt::OffsetFromUTC, int(p[7].toInt() * 60)));
            return Value(QDateTime(date, time, QTimeZone(p[7].toString().toUtf8())));
        }
        ValueMap out;
        for (qsizetype i = 0; i < m->size(); ++i)
            out.insert(m->keys()[i], withDateTimes(m->values()[i]));
        return Value(out);
    }
    if (const ValueList *l = v.list()) {
        ValueList out;
        for (const Value &x : *l)
            out.append(withDateTimes(x));
        return Value(out);
    }
    return v;
}

} // namespace

class TestDjangoDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // naive datetimes are local times on both sides (Django's TIME_ZONE is UTC in django_fuzz.py)
        qputenv("TZ", "UTC");
        tzset();
    }

    void compareWithDjango_data()
    {
        QTest::addColumn<int>("seed");
        QTest::addColumn<QString>("script");
        const QString builtins = QStringLiteral(LIVEACTOR_DJANGO_FUZZ);
        const QString libraries = QStringLiteral(LIVEACTOR_DJANGO_I18N_FUZZ); // i18n, humanize, l10n
        const QByteArray fixed = qgetenv("LIVEACTOR_DJANGO_SEED");
        if (!fixed.isEmpty()) {
            QTest::newRow("env seed") << fixed.toInt() << builtins;
            QTest::newRow("env seed, libraries") << fixed.toInt() << libraries;
            return;
        }
        for (int s = 1; s <= 6; ++s)
            QTest::newRow(qPrintable(QStringLiteral("seed %1").arg(s))) << s << builtins;
        for (int s = 1; s <= 4; ++s)
            QTest::newRow(qPrintable(QStringLiteral("libraries seed %1").arg(s))) << s << libraries;
        // found by longer runs: blocktrans asvar safeness (104, 122), translate _("%%") noop (134)
        for (int s : {104, 122, 134})
            QTest::newRow(qPrintable(QStringLiteral("libraries seed %1").arg(s))) << s << libraries;
    }

    void compareWithDjango()
    {
        QFETCH(int, seed);
        QFETCH(QString, script);
        QVERIFY2(QFile::exists(QStringLiteral("/usr/bin/python3")), "Debian's /usr/bin/python3 with python3-django is required");
        QProcess p;
        p.start(QStringLiteral("/usr/bin/python3"),
                {script, QString::number(seed), QStringLiteral("150")});
        QVERIFY(p.waitForFinished(120000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QList<QByteArray> lines = p.readAllStandardOutput().split('\n');
        TemplateEngine engine; // the same named templates as LOCMEM in django_fuzz.py
        engine.addTemplate(QStringLiteral("inc.html"),
                           QStringLiteral("<i>{{ a|default:'-' }}|{{ s|upper }}</i>{% for x in l %}{{ x|length }}{% endfor %}"));
        engine.addTemplate(QStringLiteral("base.html"),
                           QStringLiteral("<html>{% block head %}H{{ n }}{% endblock %}|{% block body %}B{% endblock %}</html>"));
        engine.addTemplate(QStringLiteral("alt.html"),
                           QStringLiteral("<body>{% block body %}A{% endblock %}{% block head %}{% endblock %}</body>"));
        engine.addTemplate(QStringLiteral("sub/rel.html"), QStringLiteral("{% include '../inc.html' %}<r>{{ n }}</r>"));
        int compared = 0;
        for (const QByteArray &line : lines) {
            if (line.trimmed().isEmpty())
                continue;
            const QJsonObject c = QJsonDocument::fromJson(line).object();
            const QString source = c.value(QStringLiteral("t")).toString();
            const QString expected = c.value(QStringLiteral("out")).toString();
            // the context goes through our own order-preserving JSON reader
            const QByteArray ctxJson = QJsonDocument(c.value(QStringLiteral("c")).toObject()).toJson(QJsonDocument::Compact);
            auto ctxValue = Value::fromJson(line.mid(line.indexOf("\"c\": ") + 5, line.lastIndexOf(", \"out\": ") - line.indexOf("\"c\": ") - 5));
            QVERIFY2(ctxValue && ctxValue->map(), line.constData());
            auto t = engine.fromString(source);
            if (!t)
                QFAIL(qPrintable(QStringLiteral("seed %1: compile error %2\ntemplate: %3").arg(seed).arg(t.error().toString(), source)));
            auto html = t->renderHtml(TemplateContext(*withDateTimes(*ctxValue).map()));
            if (!html)
                QFAIL(qPrintable(QStringLiteral("seed %1: render error %2\ntemplate: %3").arg(seed).arg(html.error().toString(), source)));
            if (QString::fromUtf8(*html) != expected)
                QFAIL(qPrintable(QStringLiteral("seed %1: output differs\ntemplate: %2\ncontext:  %3\ndjango:   %4\nours:     %5")
                                     .arg(seed).arg(source, QString::fromUtf8(ctxJson), expected, QString::fromUtf8(*html))));
            ++compared;
        }
        QVERIFY(compared >= 100);
    }
};

QTEST_GUILESS_MAIN(TestDjangoDiff)
#include "tst_djangodiff.moc"
