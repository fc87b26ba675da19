#include "template/stream.h"

#include "template/escaping.h"

namespace LiveActor {

StreamBatch::StreamBatch(QString ref, QList<Insert> inserts, QStringList deletes, bool reset)
    : m_ref(std::move(ref)), m_inserts(std::move(inserts)), m_deletes(std::move(deletes)), m_reset(reset)
{
}

QByteArray StreamBatch::wireTuple() const
{
    QByteArray out = "[";
    appendJsonString(out, m_ref.toUtf8());
    out.append(",[");
    for (qsizetype i = 0; i < m_inserts.size(); ++i) {
        const Insert &in = m_inserts[i];
        if (i)
            out.append(',');
        out.append('[');
        appendJsonString(out, in.domId.toUtf8());
        out.append(',');
        out.append(QByteArray::number(in.at));
        out.append(',');
        out.append(in.limit ? QByteArray::number(*in.limit) : QByteArray("null"));
        out.append(in.updateOnly ? ",true]" : ",false]");
    }
    out.append("],[");
    for (qsizetype i = 0; i < m_deletes.size(); ++i) {
        if (i)
            out.append(',');
        appendJsonString(out, m_deletes[i].toUtf8());
    }
    out.append(m_reset ? "],true]" : "]]");
    return out;
}

QByteArray StreamBatch::idleTuple(const QString &ref)
{
    QByteArray out = "[";
    appendJsonString(out, ref.toUtf8());
    out.append(",[],[]]");
    return out;
}

std::optional<Value> StreamBatch::attribute(const QString &) const
{
    return std::nullopt; // a stream is only iterated
}

std::optional<QList<Value>> StreamBatch::iterate() const
{
    QList<Value> pairs;
    pairs.reserve(m_inserts.size());
    for (const Insert &in : m_inserts)
        pairs.append(Value(ValueList{Value(in.domId), in.item}));
    return pairs;
}

QString StreamBatch::toString() const
{
    return QStringLiteral("<stream %1: %2 inserts, %3 deletes%4>")
        .arg(m_ref)
        .arg(m_inserts.size())
        .arg(m_deletes.size())
        .arg(m_reset ? QStringLiteral(", reset") : QString());
}

} // namespace LiveActor
