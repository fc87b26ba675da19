// PythonApp: loading `liveactor serve` specs, routes as view factories, reload.

#include "fakeviewcontext_p.h"
#include "liveview/componenttable_p.h"
#include "python/pythonapp.h"
#include "testmain_p.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace LiveActor;
using namespace Qt::StringLiterals;

namespace {
const QString kFixtures = QStringLiteral(LIVEACTOR_TEST_PYTHON_DIR);
const QString kExamples = QStringLiteral(LIVEACTOR_EXAMPLES_DIR);

QStringList patterns(const PythonApp &app)
{
    QStringList out;
    for (const auto &r : app.routes())
        out << r.pattern;
    return out;
}

QString mountAndRender(const ViewFactory &factory, const QJsonObject &params = {})
{
    auto handler = factory();
    if (!handler)
        return u"FACTORY ERROR "_s + handler.error().message;
    FakeViewContext ctx;
    if (auto r = (*handler)->mount(params, {}, ctx); !r)
        return u"MOUNT ERROR "_s + r.error().message;
    if (auto r = (*handler)->handleParams(params, QUrl(u"http://localhost/"_s), ctx); !r)
        return u"PARAMS ERROR "_s + r.error().message;
    auto assigns = (*handler)->assigns();
    if (!assigns)
        return u"ASSIGNS ERROR "_s + assigns.error().message;
    if (!ctx.uploadState.isEmpty()) // as the runner merges them (the gallery)
        assigns->insert(u"uploads"_s, ctx.uploads());
    TemplateContext tctx(*assigns);
    ComponentTable components; // live components (kanban) render as the runner renders them
    tctx.setComponentResolver(components.resolver(**handler, ctx));
    // nested views (chat's sidebar): the container, naming the class the tag resolved
    tctx.setLiveRenderResolver([](const QString &view, const ValueMap &options) -> TemplateResult<QByteArray> {
        return "<div id=\"" + options.value(u"id"_s).toString().toUtf8() + "\" data-view=\"" + view.toUtf8() + "\"></div>";
    });
    auto html = (*handler)->viewTemplate().renderHtml(tctx);
    return html ? QString::fromUtf8(*html) : u"RENDER ERROR "_s + html.error().toString();
}

void write(const QString &path, const QByteArray &text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
}
} // namespace

class TstPythonApp : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loadsAFile()
    {
        auto app = PythonApp::load(kFixtures + u"/app_fixture.py"_s);
        QVERIFY2(app, qPrintable(app ? QString() : app.error().message));
        QCOMPARE(patterns(**app), (QStringList{u"/"_s, u"/file"_s}));
        QCOMPARE((*app)->routes().at(0).viewName, u"embedfixtures.Counter"_s);
        QCOMPARE(mountAndRender((*app)->routes().at(0).factory), u"<p id=\"count\">0</p><p>counter of nobody</p>"_s);
        QVERIFY(mountAndRender((*app)->routes().at(1).factory).startsWith(u"<h1>rows</h1>"_s));
    }

    void loadsAModuleWithAttribute()
    {
        auto app = PythonApp::load(u"embedfixtures:missing"_s);
        QVERIFY(!app);
        QCOMPARE(app.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(app.error().message.contains(u"has no 'missing'"_s), qPrintable(app.error().message));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("contains");
        QTest::newRow("no file") << u"/nonexistent/app.py"_s << int(ErrorCode::InvalidArgument) << u"app file not found"_s;
        QTest::newRow("no module") << u"no_such_module_xyz"_s << int(ErrorCode::NotFound) << u"no_such_module_xyz"_s;
        QTest::newRow("bad route") << kFixtures + u"/bad_routes.py"_s << int(ErrorCode::InvalidArgument)
                                   << u"is not a LiveView subclass"_s;
    }
    void errors()
    {
        QFETCH(QString, spec);
        QFETCH(int, code);
        QFETCH(QString, contains);
        auto app = PythonApp::load(spec);
        QVERIFY(!app);
        QCOMPARE(int(app.error().code), code);
        QVERIFY2(app.error().message.contains(contains), qPrintable(app.error().message));
    }

    void examplesIndexServesEveryExample()
    {
        auto app = PythonApp::load(kExamples + u"/app.py"_s);
        QVERIFY2(app, qPrintable(app ? QString() : app.error().message));
        QCOMPARE(patterns(**app), (QStringList{u"/"_s, u"/counter"_s, u"/todo"_s, u"/chat"_s, u"/clock"_s, u"/dashboard"_s,
                                               u"/feed"_s, u"/kanban"_s, u"/notes"_s, u"/me"_s,
                                               u"/members"_s, u"/gallery"_s}));
        for (const auto &route : (*app)->routes()) {
            const QString html = mountAndRender(route.factory);
            QVERIFY2(!html.contains(u"ERROR"_s), qPrintable(route.pattern + u": "_s + html));
        }
        const QString todo = mountAndRender((*app)->routes().at(2).factory);
        QVERIFY2(todo.contains(u"<span class=\"title\">Try liveactor</span>"_s), qPrintable(todo));
        const QString dashboard = mountAndRender((*app)->routes().at(5).factory);
        QCOMPARE(dashboard.count(u"<tr id=\"row-"_s), 500);
        const QString feed = mountAndRender((*app)->routes().at(6).factory); // the dead render shows the first page
        QCOMPARE(feed.count(u"<li id=\"posts-"_s), 20);
        const QString chat = mountAndRender((*app)->routes().at(3).factory);
        QVERIFY2(chat.contains(u"<div id=\"activity\" data-view=\"chat.app.Activity\"></div>"_s), qPrintable(chat));

        // the nested view's class by name: a LiveView subclass, else NotFound naming it
        auto sidebar = (*app)->childView(u"chat.app.Activity"_s);
        QVERIFY2(sidebar, qPrintable(sidebar ? QString() : sidebar.error().message));
        QVERIFY(mountAndRender(*sidebar).contains(u"new since you came"_s));
        for (const QString &bad : {u"chat.app.Nope"_s, u"chat.app.random"_s, u"no_such_module.View"_s, u"Activity"_s}) {
            auto missing = (*app)->childView(bad);
            QVERIFY2(!missing, qPrintable(bad));
            QCOMPARE(missing.error().code, ErrorCode::NotFound);
            QVERIFY2(missing.error().message.contains(bad.section(u'.', 0, 0)), qPrintable(missing.error().message));
        }
    }

    void reloadSwapsClasses()
    {
        QTemporaryDir dir;
        const QString file = dir.path() + u"/reloadme.py"_s;
        write(file, "from liveactor import LiveView\n"
                    "class V(LiveView):\n"
                    "    template = '<p>v1</p>'\n"
                    "routes = {'/': V}\n");
        auto app = PythonApp::load(file);
        QVERIFY2(app, qPrintable(app ? QString() : app.error().message));
        const ViewFactory factory = (*app)->routes().at(0).factory; // kept across the reload
        QCOMPARE(mountAndRender(factory), u"<p>v1</p>"_s);

        QSignalSpy reloaded(app->get(), &PythonApp::reloaded);
        QSignalSpy failed(app->get(), &PythonApp::reloadFailed);
        (*app)->setReloadEnabled(true);
        QTest::qWait(50);
        write(file, "from liveactor import LiveView\n"
                    "class V(LiveView):\n"
                    "    template = '<p>v2</p>'\n"
                    "routes = {'/': V}\n");
        QTRY_COMPARE_WITH_TIMEOUT(reloaded.size(), 1, 5000);
        QCOMPARE(mountAndRender(factory), u"<p>v2</p>"_s);

        // a broken edit keeps the old code and reports the traceback
        write(file, "def broken(:\n");
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 5000);
        QVERIFY2(failed.at(0).at(0).toString().contains(u"SyntaxError"_s), qPrintable(failed.at(0).at(0).toString()));
        QCOMPARE(mountAndRender(factory), u"<p>v2</p>"_s);
    }
};

LIVEACTOR_PYTHON_TEST_MAIN(TstPythonApp)
#include "tst_pythonapp.moc"
