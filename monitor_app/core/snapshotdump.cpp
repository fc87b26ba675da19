#include "monitor_app/core/snapshotdump.h"

#include "monitor_app/core/instanceconnection.h"
#include "monitor_app/core/instancestats.h"

#include <google/protobuf/util/json_util.h>

#include <QEventLoop>
#include <QTextStream>
#include <QTimer>

#include <QHash>
#include <QList>
#include <QString>

#include <functional>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

namespace pb = ::liveactor::monitor::v1;

namespace {
const char *stateName(pb::ActorState s)
{
    switch (s) {
    case pb::ACTOR_STATE_STARTING: return "starting";
    case pb::ACTOR_STATE_RUNNING: return "running";
    case pb::ACTOR_STATE_STOPPING: return "stopping";
    case pb::ACTOR_STATE_RESTARTING: return "restarting";
    case pb::ACTOR_STATE_STOPPED: return "stopped";
    default: return "unknown";
    }
}
}

QByteArray SnapshotDump::toText(const pb::Hello &hello, const pb::Snapshot &snapshot)
{
    QByteArray out;
    out += "instance " + QByteArray::fromStdString(hello.instance_name()) + " (pid " + QByteArray::number(hello.pid())
        + ", host " + QByteArray::fromStdString(hello.host()) + ", " + QByteArray::fromStdString(hello.build()) + ") — "
        + QByteArray::number(snapshot.actors_size()) + " actors, version " + QByteArray::number(snapshot.version());
    if (snapshot.instance_stats().stats_size() > 0)
        out += " — " + formatInstanceStats(instanceStatList(snapshot.instance_stats()), u" · "_s).toUtf8();
    out += '\n';
    QHash<QByteArray, QList<int>> children;
    QHash<QByteArray, int> byId;
    for (int i = 0; i < snapshot.actors_size(); ++i)
        byId.insert(QByteArray::fromStdString(snapshot.actors(i).id()), i);
    QList<int> roots;
    for (int i = 0; i < snapshot.actors_size(); ++i) {
        const QByteArray parent = QByteArray::fromStdString(snapshot.actors(i).parent_id());
        if (parent.isEmpty() || !byId.contains(parent))
            roots.append(i);
        else
            children[parent].append(i);
    }
    std::function<void(int, int)> print = [&](int i, int depth) {
        const pb::Actor &a = snapshot.actors(i);
        QByteArray line(2 * (depth + 1), ' ');
        line += QByteArray::fromStdString(a.kind()) + ' ' + QByteArray::fromStdString(a.id()) + ' ' + stateName(a.state())
            + " mailbox " + QByteArray::number(a.mailbox().length()) + '/' + QByteArray::number(a.mailbox().capacity())
            + " hw " + QByteArray::number(a.mailbox().high_water()) + " rejected " + QByteArray::number(a.mailbox().rejected())
            + " restarts " + QByteArray::number(a.restart_count());
        auto path = a.metadata().find("path");
        if (path != a.metadata().end())
            line += " path " + QByteArray::fromStdString(path->second);
        if (a.has_last_exit())
            line += " last_exit " + QByteArray::fromStdString(a.last_exit().kind()) + ':'
                + QByteArray::fromStdString(a.last_exit().message());
        out += line + '\n';
        for (int c : children.value(QByteArray::fromStdString(a.id())))
            print(c, depth + 1);
    };
    for (int r : roots)
        print(r, 0);
    return out;
}

QByteArray SnapshotDump::messageJson(const google::protobuf::Message &message)
{
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.preserve_proto_field_names = true;
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(message, &json, options);
    return QByteArray::fromStdString(json);
}

QByteArray SnapshotDump::toJson(const pb::Hello &hello, const pb::Snapshot &snapshot)
{
    // {"instance": <hello>, "snapshot": <snapshot>}
    return "{\n\"instance\": " + messageJson(hello) + ",\n\"snapshot\": " + messageJson(snapshot) + "\n}\n";
}

int SnapshotDump::run(const QUrl &url, const QString &token, bool json, int timeoutMs)
{
    InstanceConnection connection(url, token);
    connection.setAutoReconnect(false);
    QEventLoop loop;
    int code = 1;
    QString error = u"no snapshot within %1 ms"_s.arg(timeoutMs);
    QByteArray output;
    QObject::connect(&connection, &InstanceConnection::snapshotReceived, &loop, [&](const pb::Snapshot &snapshot) {
        output = json ? toJson(connection.hello(), snapshot) : toText(connection.hello(), snapshot);
        code = 0;
        loop.quit();
    });
    QObject::connect(&connection, &InstanceConnection::stateChanged, &loop, [&](InstanceConnection::State state) {
        if (state == InstanceConnection::State::Failed || state == InstanceConnection::State::Disconnected) {
            error = connection.lastError().isEmpty() ? u"connection closed"_s : connection.lastError();
            loop.quit();
        }
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    connection.open();
    loop.exec();
    if (code == 0) {
        QTextStream(stdout) << QString::fromUtf8(output);
    } else {
        QTextStream(stderr) << "liveactor-monitor --dump " << url.toString() << ": " << error << '\n';
    }
    return code;
}

} // namespace LiveActor::Monitor
