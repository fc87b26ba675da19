#pragma once

#include <QMetaType>
#include <QtGlobal>

namespace LiveActor {

/// A copy of one mailbox's counters at one moment (Mailbox::stats(), Registry snapshots).
/// Plain value type.
struct MailboxStats
{
    int length = 0;          ///< normal-lane messages queued now (includes a batch being processed)
    int capacity = 0;        ///< normal-lane bound
    int highWater = 0;       ///< largest length ever seen
    int systemLength = 0;    ///< system-lane messages queued now (unbounded, never dropped)
    quint64 enqueued = 0;    ///< messages accepted, both lanes
    quint64 processed = 0;   ///< messages taken out and handled, both lanes
    quint64 rejected = 0;    ///< tell() calls answered Full or Closed
    double waitTimeUs = 0;   ///< EWMA (alpha 1/8) of enqueue→dequeue time, sampled 1 message in 64
    double processingTimeUs = 0; ///< EWMA (alpha 1/8) of handler time per message, sampled 1 activation in 32
};

} // namespace LiveActor

Q_DECLARE_METATYPE(LiveActor::MailboxStats)
