#pragma once

#include <QtGlobal>

namespace LiveActor::Bench {

/// CPU and memory readings of this process (getrusage) and of another one (/proc/<pid>).
/// Plain functions; callable from any thread.
namespace ProcStats {

/// User + system CPU seconds used by this process so far (all threads).
double selfCpuSeconds();
/// User + system CPU seconds of process pid (its threads, not its children); -1 if unreadable.
double cpuSeconds(qint64 pid);
/// Resident set size of pid in KiB (VmRSS); -1 if unreadable.
qint64 rssKiB(qint64 pid);

} // namespace ProcStats

} // namespace LiveActor::Bench
