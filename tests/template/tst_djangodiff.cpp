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

using namespace LiveActor;

class TestDjangoDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
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
            auto html = t->renderHtml(TemplateContext(*ctxValue->map()));
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
