#include "liveview/viewhistory_p.h"

#include "liveview/viewrunner.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace {

/// text cut at the cap, with whether it was.
std::pair<QByteArray, bool> capped(QByteArray text, int maxBytes)
{
    const bool cut = capText(text, maxBytes);
    return {std::move(text), cut};
}

} // namespace

QByteArray jsonText(const QJsonValue &value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    // A scalar: as the only element of an array, without the brackets.
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

ViewHistory::ViewHistory(std::shared_ptr<HistorySink> sink, const ValueMap &assigns)
    : m_sink(std::move(sink))
{
    QList<AssignChange> base;
    for (qsizetype i = 0; i < assigns.size(); ++i) {
        QByteArray json = assigns.values().at(i).toJsonText();
        AssignChange change{assigns.keys().at(i)};
        std::tie(change.after, change.afterTruncated) = capped(json, m_sink->maxValueBytes());
        change.added = true;
        base.append(std::move(change));
        m_last.insert(assigns.keys().at(i), std::move(json));
    }
    m_sink->setBase(std::move(base));
}

void ViewHistory::begin(QString kind, QString name, QByteArray payloadJson)
{
    m_entry = {};
    m_entry.timeUs = QDateTime::currentMSecsSinceEpoch() * 1000;
    m_entry.kind = std::move(kind);
    m_entry.name = std::move(name);
    std::tie(m_entry.payload, m_entry.payloadTruncated) = capped(std::move(payloadJson), m_sink->maxValueBytes());
    m_started = std::chrono::steady_clock::now();
    m_open = true;
}

void ViewHistory::finish(const Result<ViewUpdate> &update, const Result<ValueMap> &assigns)
{
    if (!m_open)
        return;
    m_open = false;
    m_entry.durationNs = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - m_started).count();
    if (!update) {
        m_entry.outcome = u"error: "_s + update.error().message;
    } else if (update->status == ViewUpdate::Status::Refused) {
        m_entry.outcome = u"refused: "_s + update->reason;
    } else if (update->status == ViewUpdate::Status::OtherView) {
        m_entry.outcome = u"another view's URL"_s;
    } else if (!update->rendered) {
        m_entry.outcome = u"navigated"_s;
    } else {
        m_entry.outcome = u"ok"_s;
        m_entry.diffBytes = update->rendered->size();
    }
    if (assigns) {
        const int cap = m_sink->maxValueBytes();
        QHash<QString, QByteArray> now;
        now.reserve(assigns->size());
        for (qsizetype i = 0; i < assigns->size(); ++i) {
            const QString &key = assigns->keys().at(i);
            QByteArray json = assigns->values().at(i).toJsonText();
            const auto before = m_last.constFind(key);
            if (before == m_last.cend() || *before != json) {
                AssignChange change{key};
                change.added = before == m_last.cend();
                if (!change.added)
                    std::tie(change.before, change.beforeTruncated) = capped(*before, cap);
                std::tie(change.after, change.afterTruncated) = capped(json, cap);
                m_entry.changes.append(std::move(change));
            }
            now.insert(key, std::move(json));
        }
        for (auto it = m_last.cbegin(); it != m_last.cend(); ++it) {
            if (now.contains(it.key()))
                continue;
            AssignChange change{it.key()};
            change.removed = true;
            std::tie(change.before, change.beforeTruncated) = capped(it.value(), cap);
            m_entry.changes.append(std::move(change));
        }
        m_last = std::move(now);
    }
    m_sink->record(std::move(m_entry));
}

} // namespace LiveActor
