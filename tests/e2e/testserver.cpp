// liveactor-testserver: serves the C++ test views (tests/support/testviews.h) for the browser e2e.
//
//   liveactor-testserver [--port N] [--executors N]
// Prints "LISTENING <port>" on stdout once it accepts connections. Commands on stdin, one a line:
//   kill-views   kill every view actor (as the monitor's Kill would); prints "KILLED <n>"
//   stats        prints "STATS {json}"
//   quit         graceful shutdown, exit 0 (so does EOF on stdin, SIGTERM and SIGINT)
#include "core/actorsystem.h"
#include "liveview/liveviewserver.h"
#include "support/testviews.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QTemporaryDir>

#include <csignal>
#include <cstdio>
#include <unistd.h>

using namespace LiveActor;
using namespace Qt::StringLiterals;

static int g_signalPipe[2];

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({u"port"_s, u"Port (0 = any free port)."_s, u"port"_s, u"0"_s});
    parser.addOption({u"executors"_s, u"Executor threads."_s, u"n"_s, u"2"_s});
    parser.process(app);

    QTemporaryDir stateDir;
    ActorSystem system(SystemConfig{.executors = parser.value(u"executors"_s).toInt()});
    ServerConfig config;
    config.port = quint16(parser.value(u"port"_s).toUInt());
    config.stateDir = stateDir.path();
    LiveViewServer server(config, system);
    if (auto r = Test::registerTestViews(server); !r) {
        fprintf(stderr, "%s\n", qPrintable(r.error().toString()));
        return 1;
    }
    if (auto r = server.listen(); !r) {
        fprintf(stderr, "%s\n", qPrintable(r.error().toString()));
        return 1;
    }
    printf("LISTENING %u\n", unsigned(server.port()));
    fflush(stdout);

    auto quit = [&] {
        server.shutdown(std::chrono::milliseconds(3000));
        system.shutdown(std::chrono::milliseconds(3000));
        app.quit();
    };
    if (::pipe(g_signalPipe) == 0) {
        std::signal(SIGTERM, [](int) { [[maybe_unused]] auto n = ::write(g_signalPipe[1], "x", 1); });
        std::signal(SIGINT, [](int) { [[maybe_unused]] auto n = ::write(g_signalPipe[1], "x", 1); });
        auto *sig = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, &app);
        QObject::connect(sig, &QSocketNotifier::activated, &app, quit);
    }
    auto *in = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, &app);
    QObject::connect(in, &QSocketNotifier::activated, &app, [&, in] {
        char line[256];
        if (!fgets(line, sizeof line, stdin)) {
            in->setEnabled(false);
            quit();
            return;
        }
        const QByteArray cmd = QByteArray(line).trimmed();
        if (cmd == "kill-views") {
            int n = 0;
            for (const ActorInfo &a : system.registry().snapshot().actors)
                if (a.kind == u"view" && a.state == ActorState::Running) {
                    system.kill(a.id);
                    ++n;
                }
            printf("KILLED %d\n", n);
        } else if (cmd == "stats") {
            const ServerStats s = server.stats();
            const QJsonObject o{{u"activeSessions"_s, s.activeSessions}, {u"activeViews"_s, s.activeViews},
                                {u"joins"_s, qint64(s.joins)}, {u"events"_s, qint64(s.events)},
                                {u"viewCrashes"_s, qint64(s.viewCrashes)}, {u"overloaded"_s, qint64(s.overloaded)}};
            printf("STATS %s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
        } else if (cmd == "quit") {
            quit();
        }
        fflush(stdout);
    });
    return app.exec();
}
