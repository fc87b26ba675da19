#pragma once

#include <QObject>

class QSocketNotifier;

namespace LiveActor {

/// Turns SIGTERM and SIGINT into the terminationRequested() signal on the thread that created the
/// watcher (the main thread), through a self-pipe: the async-signal handler only writes one byte.
/// One instance per process; it restores the default handlers when destroyed, so a second
/// Ctrl-C during a slow shutdown still ends the process.
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    /// signalNumber is SIGTERM or SIGINT.
    void terminationRequested(int signalNumber);

private:
    void readSignal();
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace LiveActor
