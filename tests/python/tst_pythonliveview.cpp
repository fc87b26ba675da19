// A Python view under the real LiveView server: an exception in a handler crashes only that view,
// the registry (and so the control plane and the monitor) gets its traceback, and the browser's
// rejoin restarts the same actor.

#include "python/pythonapp.h"
#include "testmain_p.h"
#include "support/channelclient.h"
#include "support/serverfixture.h"

#include <QFile>
#include <QTemporaryDir>

using namespace LiveActor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;

namespace {
std::optional<ActorInfo> theView(const ActorSystem &system)
{
    for (const ActorInfo &a : system.registry().snapshot().actors)
        if (a.kind == u"view")
            return a;
    return std::nullopt;
}
} // namespace

class TstPythonLiveView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void handlerExceptionCarriesItsTraceback()
    {
        QTemporaryDir dir;
        const QString file = dir.path() + u"/boom_app.py"_s;
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("from liveactor import LiveView, event\n"
                    "\n"
                    "class Boom(LiveView):\n"
                    "    template = '<p>{{ n }}</p>'\n"
                    "    def mount(self, params, session):\n"
                    "        self.n = 0\n"
                    "    @event('boom')\n"
                    "    def boom(self):\n"
                    "        raise RuntimeError('exploded on purpose')\n"
                    "\n"
                    "routes = {'/': Boom}\n");
        }
        auto app = PythonApp::load(file);
        QVERIFY2(app, qPrintable(app ? QString() : app.error().message));
        ServerFixture f({}, [&](LiveViewServer &server) {
            for (const auto &route : (*app)->routes())
                if (!server.addRoute(route.pattern, route.factory))
                    return false;
            return true;
        });
        QVERIFY(f.ok);
        const Page p = httpGet(f.port(), "/");
        QCOMPARE(p.status, 200);
        Client c(f.port());
        QVERIFY(c.waitConnected());
        const QString topic = u"lv:"_s + p.id;
        QString jr = c.join(p, f.url(u"/"_s));
        QCOMPARE(status(c.reply(jr)), u"ok"_s);

        c.click(jr, topic, u"boom"_s);
        QVERIFY(QTest::qWaitFor([&] { return c.events(u"phx_error"_s).size() == 1; }, 5000));
        QVERIFY(QTest::qWaitFor([&] { return theView(f.system) && theView(f.system)->state == ActorState::Restarting; }, 3000));
        const ActorInfo crashed = *theView(f.system);
        const QString tb = crashed.detail.value(u"traceback"_s).toString();
        QVERIFY2(tb.startsWith(u"Traceback (most recent call last):"_s), qPrintable(tb));
        QVERIFY2(tb.contains(u"boom_app.py\", line 9, in boom"_s), qPrintable(tb));
        QVERIFY2(tb.contains(u"RuntimeError: exploded on purpose"_s), qPrintable(tb));

        // The rejoin restarts the same actor; the traceback stays with its restart.
        jr = c.join(p, f.url(u"/"_s));
        QCOMPARE(status(c.reply(jr)), u"ok"_s);
        QCOMPARE(theView(f.system)->id, crashed.id);
        QCOMPARE(theView(f.system)->restartCount, 1);
        QCOMPARE(theView(f.system)->detail.value(u"traceback"_s).toString(), tb);

        // A crash without a Python error (a kill) does not keep the old traceback.
        f.system.kill(crashed.id);
        QVERIFY(QTest::qWaitFor([&] { return theView(f.system)->state == ActorState::Restarting; }, 3000));
        QVERIFY(!theView(f.system)->detail.contains(u"traceback"_s));
    }
};

LIVEACTOR_PYTHON_TEST_MAIN(TstPythonLiveView)
#include "tst_pythonliveview.moc"
