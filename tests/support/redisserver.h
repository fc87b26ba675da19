#pragma once

// A real redis-server for one test: a free loopback port, a temporary dir, no persistence.
// stop() and start() again keep the port, so a test can take Redis away and bring it back.

#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace LiveActor::Test {

class RedisServer
{
public:
    RedisServer()
    {
        QTcpServer probe; // the kernel picks a free port; redis-server takes it right after
        if (probe.listen(QHostAddress::LocalHost, 0))
            m_port = probe.serverPort();
    }
    ~RedisServer() { stop(); }

    static bool available() { return !QStandardPaths::findExecutable(QStringLiteral("redis-server")).isEmpty(); }

    /// Starts it and waits until it accepts connections; false if it does not.
    bool start()
    {
        m_process.setProgram(QStringLiteral("redis-server"));
        m_process.setArguments({QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--bind"),
                                QStringLiteral("127.0.0.1"), QStringLiteral("--save"), QString(),
                                QStringLiteral("--appendonly"), QStringLiteral("no"), QStringLiteral("--dir"), m_dir.path()});
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.setStandardOutputFile(m_dir.filePath(QStringLiteral("redis.log")));
        m_process.start();
        if (!m_process.waitForStarted(10000))
            return false;
        for (int i = 0; i < 200; ++i) { // up to 20 s on a loaded machine
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, m_port);
            if (s.waitForConnected(100))
                return true;
            QTest::qWait(100);
        }
        return false;
    }
    /// SIGKILL: Redis vanishes as after a crash.
    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.kill();
        m_process.waitForFinished(10000);
    }
    quint16 port() const { return m_port; }
    QString url(int db = 0) const { return QStringLiteral("redis://127.0.0.1:%1/%2").arg(m_port).arg(db); }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
};

} // namespace LiveActor::Test
