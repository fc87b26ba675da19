// liveactor: parses the subcommand and hands over; everything else lives in the libraries.
#include "app/fleetcommand.h"
#include "app/newcommand.h"
#include "app/servecommand.h"
#include "app/serveoptions.h"
#include "liveview/logformat.h"
#include "telemetry/ctlcommand.h"
#include "template/rendercommand.h"

#include <QCoreApplication>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace {

const char *const usage =
    "usage: liveactor <command> [options]\n"
    "\n"
    "commands:\n"
    "  serve APP        serve a Python LiveView app (path/to/app.py or module:attr)\n"
    "  new NAME         create the folder NAME with an app, templates, static files and tests\n"
    "  render TEMPLATE  render a Django template file: --context CONTEXT.json [--tree]\n"
    "  ctl ACTION ID    kill | restart | shutdown | ping an actor of a running instance\n"
    "                   (--redis URL: of a fleet; `ctl --redis URL fleet` lists the instances)\n"
    "  version          print the version\n"
    "\n"
    "`liveactor <command> --help` describes a command's options.\n";

} // namespace

int main(int argc, char **argv)
{
    // Debian's Qt defaults to the GLib event dispatcher; Qt's own is 2-3x faster at posting
    // (docs/architecture.md, measured). Must be set before the application object exists.
    if (qEnvironmentVariableIsEmpty("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"liveactor"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(LIVEACTOR_VERSION));

    QStringList args = app.arguments().mid(1);
    const QString command = args.value(0);
    if (command == u"serve") {
        auto options = LiveActor::parseServeOptions(args);
        if (!options) {
            const bool help = options.error().code == LiveActor::ErrorCode::NotFound;
            std::fputs(qPrintable(options.error().message + u'\n'), help ? stdout : stderr);
            return help ? 0 : 2;
        }
        LiveActor::LogFormat::install(options->logFormat == u"json" ? LiveActor::LogFormat::Style::Json
                                                                      : LiveActor::LogFormat::Style::Text);
        return LiveActor::runServeCommand(*options);
    }
    if (command == u"new")
        return LiveActor::runNewCommand(args.mid(1));
    if (command == u"render")
        return LiveActor::runRenderCommand(args.mid(1));
    if (command == u"ctl" && args.contains(u"--redis"_s))
        return LiveActor::runFleetCtlCommand(args.mid(1));
    if (command == u"ctl")
        return LiveActor::runCtlCommand(args.mid(1));
    if (command == u"version" || command == u"--version") {
        std::printf("liveactor %s\n", LIVEACTOR_VERSION);
        return 0;
    }
    if (command == u"help" || command == u"--help" || command == u"-h") {
        std::fputs(usage, stdout);
        return 0;
    }
    std::fputs(command.isEmpty() ? usage : qPrintable(u"liveactor: unknown command \"%1\"\n\n"_s.arg(command) + QString::fromLatin1(usage)), stderr);
    return 2;
}
