#include "app/fleetcommand.h"

#include "cluster/fleetregistry.h"
#include "telemetry/ctlcommand.h"

#include <QTextStream>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace LiveActor {

namespace {

int usage(const QString &why)
{
    QTextStream err(stderr);
    err << "error: " << why << "\n"
        << "usage: liveactor ctl --redis redis://host:port/db fleet\n"
           "       liveactor ctl --redis redis://host:port/db kill|restart|shutdown|ping|trace ACTOR_ID [ctl options]\n";
    return 2;
}

/// One row per instance, columns padded to their widest cell.
void printFleet(const QList<FleetInstance> &fleet)
{
    QList<QStringList> rows{{u"NAME"_s, u"CONTROL"_s, u"HTTP"_s, u"PID"_s, u"UP"_s, u"VERSION"_s, u"SESSIONS"_s,
                             u"VIEWS"_s, u"EVENTS/S"_s}};
    for (const FleetInstance &i : fleet) {
        rows.append({i.name, i.controlUrl.isEmpty() ? u"-"_s : i.controlUrl, i.httpUrl, QString::number(i.pid),
                     i.uptime(), i.version, QString::number(i.sessions), QString::number(i.views),
                     QString::number(i.load, 'f', 1)});
    }
    QList<qsizetype> widths(rows.first().size(), 0);
    for (const QStringList &row : rows) {
        for (qsizetype c = 0; c < row.size(); ++c)
            widths[c] = std::max(widths[c], row.at(c).size());
    }
    QTextStream out(stdout);
    for (const QStringList &row : rows) {
        QString line;
        for (qsizetype c = 0; c < row.size(); ++c)
            line += c + 1 < row.size() ? row.at(c).leftJustified(widths[c] + 2) : row.at(c);
        out << line << '\n';
    }
}

/// The options a probe ping needs from the user's (how to authenticate, how long to wait).
QStringList probeOptions(const QStringList &options)
{
    QStringList out;
    for (qsizetype i = 0; i + 1 < options.size(); ++i) {
        if (options.at(i) == u"--token"_s || options.at(i) == u"--state-dir"_s || options.at(i) == u"--timeout-ms"_s)
            out << options.at(i) << options.at(i + 1);
    }
    return out;
}

} // namespace

int runFleetCtlCommand(const QStringList &args)
{
    QStringList rest = args;
    const qsizetype at = rest.indexOf(u"--redis"_s);
    if (at < 0 || at + 1 >= rest.size())
        return usage(u"--redis needs a URL"_s);
    const auto url = RedisUrl::parse(rest.at(at + 1));
    if (!url)
        return usage(url.error().message);
    rest.remove(at, 2);
    if (rest.contains(u"--url"_s))
        return usage(u"--url and --redis exclude each other (--redis finds the instance)"_s);
    if (rest.isEmpty())
        return usage(u"no command"_s);

    auto fleet = FleetReader::listBlocking(*url, 10s);
    if (!fleet) {
        QTextStream(stderr) << "error: " << fleet.error().message << '\n';
        return 3;
    }
    if (rest.first() == u"fleet"_s) {
        if (rest.size() > 1)
            return usage(u"fleet takes no arguments"_s);
        printFleet(*fleet);
        return 0;
    }
    if (rest.size() < 2)
        return usage(u"%1 needs an actor id"_s.arg(rest.first()));

    // Which instance has the actor: a ping there succeeds; elsewhere it is not found.
    const QStringList probe = QStringList{u"ping"_s, rest.at(1), u"--reason"_s, u"liveactor ctl --redis: finding the actor"_s}
        + probeOptions(rest.mid(2));
    QStringList unreachable;
    for (const FleetInstance &instance : std::as_const(*fleet)) {
        if (instance.controlUrl.isEmpty())
            continue; // no control plane
        const int code = runCtlCommand(probe + QStringList{u"--url"_s, instance.controlUrl}, true);
        if (code == 0) {
            QTextStream(stdout) << "instance " << instance.name << " (" << instance.controlUrl << ")\n";
            return runCtlCommand(rest + QStringList{u"--url"_s, instance.controlUrl});
        }
        if (code == 2)
            return code; // a usage error (a bad id): runCtlCommand said which
        if (code != 1)
            unreachable << instance.name;
    }
    QTextStream err(stderr);
    err << "error: actor " << rest.at(1) << " is on none of the " << fleet->size() << " instances in "
        << url->toString();
    if (!unreachable.isEmpty())
        err << " (could not ask: " << unreachable.join(u", "_s) << ')';
    err << '\n';
    return 1;
}

} // namespace LiveActor
