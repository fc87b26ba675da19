#include "liveview/router.h"

#include <QTest>

using namespace LiveActor;
using namespace Qt::StringLiterals;

namespace {
ViewFactory none()
{
    return [] { return Result<std::unique_ptr<ViewHandler>>(fail(ErrorCode::NotSupported)); };
}
} // namespace

class tst_Router : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void match_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("pattern");   // "" = no match
        QTest::addColumn<QString>("params");
        QTest::newRow("root") << u"/"_s << u"/"_s << u""_s;
        QTest::newRow("literal") << u"/form"_s << u"/form"_s << u""_s;
        QTest::newRow("trailing slash") << u"/form/"_s << u"/form"_s << u""_s;
        QTest::newRow("param") << u"/items/42"_s << u"/items/:id"_s << u"id=42"_s;
        QTest::newRow("two params") << u"/u/1/p/2"_s << u"/u/:uid/p/:pid"_s << u"pid=2,uid=1"_s;
        QTest::newRow("too long") << u"/items/42/x"_s << u""_s << u""_s;
        QTest::newRow("too short") << u"/items"_s << u""_s << u""_s;
        QTest::newRow("unknown") << u"/nope"_s << u""_s << u""_s;
    }
    void match()
    {
        Router r;
        QVERIFY(r.addRoute(u"/"_s, none()));
        QVERIFY(r.addRoute(u"/form"_s, none()));
        QVERIFY(r.addRoute(u"/items/:id"_s, none()));
        QVERIFY(r.addRoute(u"/u/:uid/p/:pid"_s, none()));
        QFETCH(QString, path);
        QFETCH(QString, pattern);
        QFETCH(QString, params);
        auto m = r.match(path);
        if (pattern.isEmpty()) {
            QVERIFY(!m);
            return;
        }
        QVERIFY(m);
        QCOMPARE(m->pattern, pattern);
        QStringList got;
        for (auto it = m->params.begin(); it != m->params.end(); ++it)
            got.append(it.key() + u'=' + it.value().toString());
        QCOMPARE(got.join(u','), params);
    }

    void rejects()
    {
        Router r;
        QVERIFY(!r.addRoute(u"items"_s, none()));
        QVERIFY(!r.addRoute(u"/a/:"_s, none()));
        QVERIFY(!r.addRoute(u"/a"_s, {}));
        QVERIFY(r.addRoute(u"/a/:x"_s, none()));
        auto dup = r.addRoute(u"/a/:x"_s, none());
        QVERIFY(!dup);
        QCOMPARE(dup.error().code, ErrorCode::InvalidArgument);
    }
};

QTEST_APPLESS_MAIN(tst_Router)
#include "tst_router.moc"
