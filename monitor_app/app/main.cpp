// liveactor-monitor: parses arguments, builds the window (or the --dump client) and runs.
#include "monitor_app/core/instancediscovery.h"
#include "monitor_app/core/snapshotdump.h"
#include "monitor_app/widgets/mainwindow.h"

#include <QApplication>
#include <QGuiApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QtQml/qqmlextensionplugin.h>

#include <memory>

Q_IMPORT_QML_PLUGIN(LiveActor_MonitorPlugin)

using namespace Qt::StringLiterals;
using LiveActor::Monitor::InstanceDiscovery;

int main(int argc, char *argv[])
{
    // --dump, --help and --version need no display: they get a QCoreApplication.
    bool headless = false;
    for (int i = 1; i < argc; ++i) {
        for (const char *flag : {"--dump", "--help", "-h", "--help-all", "--version", "-v"})
            headless = headless || qstrcmp(argv[i], flag) == 0;
    }
    std::unique_ptr<QCoreApplication> app(headless ? new QCoreApplication(argc, argv) : new QApplication(argc, argv));
    QCoreApplication::setOrganizationName(u"liveactor"_s);
    QCoreApplication::setApplicationName(u"liveactor-monitor"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(LIVEACTOR_VERSION));
    if (!headless) // Wayland: the window's icon and name come from the installed desktop entry
        QGuiApplication::setDesktopFileName(u"org.liveactor.Monitor"_s);

    QCommandLineParser parser;
    parser.setApplicationDescription(u"Desktop monitor for liveactor runtimes."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(u"url"_s, u"Control-plane URL(s), e.g. ws://127.0.0.1:4001/"_s, u"[URL...]"_s);
    const QCommandLineOption tokenOption(u"token"_s, u"Token (default: $LIVEACTOR_CONTROL_TOKEN, or found in a local state dir)."_s, u"token"_s);
    const QCommandLineOption stateDirOption(u"state-dir"_s, u"Runtime state directory to look for instances in (repeatable)."_s, u"dir"_s);
    const QCommandLineOption dumpOption(u"dump"_s, u"Print one snapshot of URL and exit."_s);
    const QCommandLineOption jsonOption(u"json"_s, u"With --dump: print JSON."_s);
    const QCommandLineOption noRestoreOption(u"no-restore"_s, u"Do not reconnect to remembered instances."_s);
    const QCommandLineOption openOption(u"open"_s, u"Show a saved snapshot (File > Save snapshot…), read-only; implies --no-restore."_s, u"file"_s);
    const QCommandLineOption redisOption(
        u"redis"_s,
        u"Show the fleet in this Redis (liveactor serve --redis), e.g. redis://127.0.0.1:6379/0; implies --no-restore."_s,
        u"url"_s);
    parser.addOptions({tokenOption, stateDirOption, dumpOption, jsonOption, noRestoreOption, openOption, redisOption});
    parser.process(*app);

    QStringList dirs = parser.values(stateDirOption);
    if (dirs.isEmpty())
        dirs = InstanceDiscovery::defaultStateDirs();
    auto tokenFor = [&](const QUrl &url) {
        QString token = parser.value(tokenOption);
        if (token.isEmpty())
            token = qEnvironmentVariable("LIVEACTOR_CONTROL_TOKEN");
        if (token.isEmpty())
            token = InstanceDiscovery::tokenFor(url, dirs);
        return token;
    };

    if (parser.isSet(dumpOption)) {
        QUrl url = parser.positionalArguments().isEmpty() ? QUrl() : QUrl(parser.positionalArguments().constFirst());
        if (!url.isValid()) {
            const auto found = InstanceDiscovery::scan(dirs);
            if (found.isEmpty()) {
                qCritical("liveactor-monitor --dump: no URL given and no local instance found");
                return 2;
            }
            url = found.constFirst().url;
        }
        return LiveActor::Monitor::SnapshotDump::run(url, tokenFor(url), parser.isSet(jsonOption), 15000);
    }

    LiveActor::Monitor::MainWindow window;
    for (const QString &file : parser.values(openOption)) {
        QString error;
        if (!window.openSnapshot(file, &error)) {
            qCritical("liveactor-monitor --open: %s", qPrintable(error));
            return 1;
        }
    }
    const QStringList urls = parser.positionalArguments();
    for (const QString &u : urls) {
        const QUrl url = QUrl::fromUserInput(u);
        window.addInstance(url, tokenFor(url));
    }
    if (parser.isSet(redisOption)) {
        QString error;
        if (!window.connectToFleet(parser.value(redisOption), tokenFor(QUrl()), &error)) {
            qCritical("liveactor-monitor --redis: %s", qPrintable(error));
            return 2;
        }
    }
    if (urls.isEmpty() && !parser.isSet(openOption) && !parser.isSet(redisOption)) {
        if (!parser.isSet(noRestoreOption))
            window.restoreInstances();
        window.discoverLocal(dirs);
    }
    window.show();
    return app->exec();
}
