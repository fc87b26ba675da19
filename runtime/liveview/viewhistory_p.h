#pragma once

#include "core/historysink.h"
#include "core/result.h"
#include "template/value.h"

#include <QHash>
#include <QJsonValue>

#include <chrono>
#include <memory>

namespace LiveActor {

struct ViewUpdate;

/// Compact JSON text of any JSON value (a scalar too).
QByteArray jsonText(const QJsonValue &value);

/// The recording side of a view's assigns history (HistorySink): what a ViewRunner keeps while
/// a monitor asks for the history, and nothing otherwise (the runner holds a null pointer).
///
/// begin() at the start of a step, finish() when it is done (not while it is suspended): the
/// entry gets the step's duration, the rendered diff's size, its outcome and every assign whose
/// JSON text differs from the previous step's, with before/after cut at the sink's value cap.
/// The comparison is by each value's full JSON text, so a change the handler made in place is
/// seen as well; it costs one serialisation of the assigns per step, paid only while recording.
/// Thread affinity: the view's thread.
class ViewHistory
{
public:
    /// assigns: the view's assigns now (the history's base, sent to the monitor first).
    ViewHistory(std::shared_ptr<HistorySink> sink, const ValueMap &assigns);

    bool isClosed() const { return m_sink->isClosed(); }
    void begin(QString kind, QString name, QByteArray payloadJson);
    /// assigns: the view's assigns after the step (an Error: none recorded as changed).
    void finish(const Result<ViewUpdate> &update, const Result<ValueMap> &assigns);

private:
    std::shared_ptr<HistorySink> m_sink;
    QHash<QString, QByteArray> m_last; ///< each assign's full JSON text after the previous step
    HistoryEntry m_entry;
    std::chrono::steady_clock::time_point m_started;
    bool m_open = false;
};

} // namespace LiveActor
