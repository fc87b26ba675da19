#include "monitor_app/core/assignshistory.h"

#include "monitor_app/core/snapshotdump.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>

using namespace Qt::StringLiterals;

namespace LiveActor::Monitor {

namespace pb = ::liveactor::monitor::v1;

namespace {

/// A value as the runtime sent it: its JSON, or the cut text as a string marked "… (cut)".
QJsonValue valueOf(const std::string &json, bool truncated)
{
    const QByteArray text = QByteArray::fromStdString(json);
    if (!truncated) {
        // A scalar is not a JSON document on its own: parse it as an array's only element.
        const QJsonDocument doc = QJsonDocument::fromJson('[' + text + ']');
        if (doc.isArray() && doc.array().size() == 1)
            return doc.array().at(0);
    }
    return QString(QString::fromUtf8(text) + u"… (cut)"_s);
}

/// Applies one change to an insertion-ordered key → (json, truncated) list.
void apply(QList<pb::AssignChange> &assigns, const pb::AssignChange &change)
{
    auto it = std::ranges::find(assigns, change.key(), &pb::AssignChange::key);
    if (change.removed()) {
        if (it != assigns.end())
            assigns.erase(it);
        return;
    }
    if (it == assigns.end())
        it = assigns.insert(assigns.end(), change);
    else
        *it = change;
}

QString shown(const std::string &json, bool truncated)
{
    return QString::fromStdString(json) + (truncated ? u"… (cut)"_s : QString());
}

} // namespace

AssignsHistory::AssignsHistory(const QString &actorId)
{
    m_all.set_actor_id(actorId.toStdString());
}

AssignsHistory AssignsHistory::fromBatch(const pb::HistoryBatch &all)
{
    AssignsHistory h;
    h.m_all = all;
    return h;
}

bool AssignsHistory::add(const pb::HistoryBatch &batch)
{
    if (batch.actor_id() != m_all.actor_id())
        return false;
    if (batch.has_base()) {
        m_all.set_has_base(true);
        *m_all.mutable_base() = batch.base();
    }
    for (const pb::HistoryEntry &entry : batch.entries())
        *m_all.add_entries() = entry;
    if (batch.length())
        m_all.set_length(batch.length());
    m_all.set_lost(batch.lost());
    if (batch.stopped()) {
        m_all.set_stopped(true);
        m_all.set_stop_reason(batch.stop_reason());
    }
    // Keep what the runtime keeps: the oldest entries beyond its length go into base.
    const int keep = m_all.length() ? int(m_all.length()) : m_all.entries_size();
    const int extra = m_all.entries_size() - keep;
    if (extra > 0) {
        QList<pb::AssignChange> base(m_all.base().begin(), m_all.base().end());
        for (int i = 0; i < extra; ++i)
            for (const pb::AssignChange &change : m_all.entries(i).changes())
                apply(base, change);
        m_all.mutable_base()->Clear();
        for (pb::AssignChange change : base) {
            change.set_added(true);
            change.clear_before();
            change.clear_before_truncated();
            *m_all.add_base() = change;
        }
        m_all.mutable_entries()->DeleteSubrange(0, extra);
    }
    return true;
}

QByteArray AssignsHistory::assignsAt(int i) const
{
    QList<pb::AssignChange> assigns(m_all.base().begin(), m_all.base().end());
    for (int e = 0; e <= i && e < m_all.entries_size(); ++e)
        for (const pb::AssignChange &change : m_all.entries(e).changes())
            apply(assigns, change);
    QJsonObject object;
    for (const pb::AssignChange &a : assigns)
        object.insert(QString::fromStdString(a.key()), valueOf(a.after(), a.after_truncated()));
    return QJsonDocument(object).toJson(QJsonDocument::Indented);
}

QString AssignsHistory::changesText(int i) const
{
    if (i < 0 || i >= m_all.entries_size())
        return {};
    const pb::HistoryEntry &e = m_all.entries(i);
    QStringList lines;
    for (const pb::AssignChange &c : e.changes()) {
        const QString key = QString::fromStdString(c.key());
        if (c.added())
            lines << u"+ %1: %2"_s.arg(key, shown(c.after(), c.after_truncated()));
        else if (c.removed())
            lines << u"- %1: %2"_s.arg(key, shown(c.before(), c.before_truncated()));
        else
            lines << u"%1: %2 → %3"_s.arg(key, shown(c.before(), c.before_truncated()), shown(c.after(), c.after_truncated()));
    }
    if (lines.isEmpty())
        lines << u"(no assign changed)"_s;
    lines << QString() << u"%1 %2"_s.arg(QString::fromStdString(e.kind()), QString::fromStdString(e.name()));
    if (!e.payload().empty())
        lines << u"payload: "_s + shown(e.payload(), e.payload_truncated());
    lines << u"outcome: "_s + QString::fromStdString(e.outcome());
    if (e.diff_bytes() >= 0)
        lines << u"diff sent: %1 bytes"_s.arg(e.diff_bytes());
    return lines.join(u'\n');
}

QString AssignsHistory::changedKeys(const pb::HistoryEntry &entry)
{
    QStringList keys;
    for (const pb::AssignChange &c : entry.changes())
        keys << QString::fromStdString(c.key());
    return keys.join(u", "_s);
}

QByteArray AssignsHistory::toJson() const
{
    return "{\n\"format\": \"" + QByteArray(FormatName) + "\",\n\"format_version\": " + QByteArray::number(FormatVersion)
        + ",\n\"history\": " + SnapshotDump::messageJson(m_all) + "}\n";
}

} // namespace LiveActor::Monitor
