#pragma once

// Shared by the libFuzzer targets in this folder.

#include <QByteArray>
#include <QCoreApplication>
#include <QtGlobal>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace LiveActor::Fuzz {

/// The input as a QByteArray (a copy: the targets may keep it beyond the call).
inline QByteArray bytes(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

/// Rejected input is logged by the code under test; millions of warnings would only slow the run.
inline void silenceQtLogging()
{
    qInstallMessageHandler([](QtMsgType, const QMessageLogContext &, const QString &) { });
}

/// A QCoreApplication for targets whose code needs an event dispatcher (socket notifiers, timers).
inline void ensureApplication()
{
    static int argc = 1;
    static char name[] = "fuzz";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv);
}

/// A broken invariant is a finding like a crash: say which and abort, so libFuzzer saves the input.
inline void require(bool ok, const char *what)
{
    if (!ok) {
        std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
        std::abort();
    }
}

} // namespace LiveActor::Fuzz
