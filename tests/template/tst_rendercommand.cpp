// runRenderCommand: `liveactor render TEMPLATE_FILE --context CONTEXT.json [--tree]`, run through a
// test-only executable so stdout, stderr and the exit code are observed as a user sees them.

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestRenderCommand : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    void write(const QString &name, const QByteArray &text)
    {
        QFile f(m_dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        write(QStringLiteral("page.html"), "<ul>{% for x in items %}<li>{{ x|upper }}</li>{% endfor %}</ul>{% include 'part.html' %}\n");
        write(QStringLiteral("part.html"), "<p>{{ title }}</p>");
        write(QStringLiteral("bad.html"), "ok\n  {% if x %}never closed");
        write(QStringLiteral("ctx.json"), "{\"items\":[\"a\",\"<b>\"],\"title\":\"T&C\"}");
        write(QStringLiteral("broken.json"), "{\"items\":");
    }

    void run_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QByteArray>("out");
        QTest::addColumn<QByteArray>("err");
        const QString page = m_dir.filePath(QStringLiteral("page.html"));
        const QString ctx = m_dir.filePath(QStringLiteral("ctx.json"));
        QTest::newRow("html") << QStringList{QStringLiteral("render"), page, QStringLiteral("--context"), ctx} << 0
                              << QByteArray("<ul><li>A</li><li>&lt;B&gt;</li></ul><p>T&amp;C</p>\n") << QByteArray();
        QTest::newRow("tree") << QStringList{page, QStringLiteral("--context"), ctx, QStringLiteral("--tree")} << 0
                              << QByteArray("{\"0\":{\"k\":{\"0\":{\"0\":\"A\"},\"1\":{\"0\":\"&lt;B&gt;\"},\"kc\":2},\"s\":0},"
                                            "\"1\":\"T&amp;C\",\"s\":1,\"p\":{\"0\":[\"<li>\",\"</li>\"],\"1\":[\"<ul>\",\"</ul><p>\",\"</p>\\n\"]}}\n")
                              << QByteArray();
        QTest::newRow("no context") << QStringList{page} << 0 << QByteArray("<ul></ul><p></p>\n") << QByteArray();
        QTest::newRow("syntax error") << QStringList{m_dir.filePath(QStringLiteral("bad.html"))} << 1 << QByteArray()
                                      << (m_dir.filePath(QStringLiteral("bad.html"))
                                          + QStringLiteral(":2:3: Unclosed tag on line 2: 'if'. Looking for one of: elif, else, endif.\n")).toUtf8();
        QTest::newRow("bad json") << QStringList{page, QStringLiteral("--context"), m_dir.filePath(QStringLiteral("broken.json"))} << 1
                                  << QByteArray() << (m_dir.filePath(QStringLiteral("broken.json")) + QStringLiteral(": invalid JSON: unexpected end of input at offset 9\n")).toUtf8();
        QTest::newRow("missing file") << QStringList{m_dir.filePath(QStringLiteral("nope.html"))} << 1 << QByteArray()
                                      << (m_dir.filePath(QStringLiteral("nope.html")) + QStringLiteral(": no such file\n")).toUtf8();
        QTest::newRow("usage") << QStringList{} << 2 << QByteArray()
                               << QByteArray("usage: liveactor render TEMPLATE_FILE [--context CONTEXT.json] [--tree]\n");
        QTest::newRow("unknown option") << QStringList{page, QStringLiteral("--frob")} << 2 << QByteArray()
                                        << QByteArray("render: unknown option --frob\n");
    }

    void run()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QByteArray, out);
        QFETCH(QByteArray, err);
        QProcess p;
        p.start(QStringLiteral(LIVEACTOR_RENDER_EXE), args);
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.readAllStandardError(), err);
        QCOMPARE(p.readAllStandardOutput(), out);
        QCOMPARE(p.exitCode(), exitCode);
    }
};

QTEST_GUILESS_MAIN(TestRenderCommand)
#include "tst_rendercommand.moc"
