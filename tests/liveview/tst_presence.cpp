// Presence without a cluster: entries, owners, and the replication seam runtime/cluster uses.

#include "liveview/presence.h"
#include "liveview/pubsub.h"

#include <QJsonArray>
#include <QTest>

using namespace LiveActor;
using namespace Qt::StringLiterals;

namespace {

QStringList keys(const QJsonObject &list)
{
    QStringList out = list.keys();
    out.sort();
    return out;
}

int metaCount(const QJsonObject &side, const QString &key)
{
    return int(side.value(key).toObject().value(u"metas"_s).toArray().size());
}

} // namespace

class TestPresence : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tracksListsAndUntracksPerOwner()
    {
        PubSub pubsub;
        Presence &p = pubsub.presence();
        const QString ref = p.track(u"room"_s, u"ann"_s, {{u"tab"_s, 1}}, u"view-1"_s);
        p.track(u"room"_s, u"ann"_s, {{u"tab"_s, 2}}, u"view-2"_s); // a second tab
        p.track(u"room"_s, u"bob"_s, {}, u"view-3"_s);
        const QJsonObject list = p.list(u"room"_s);
        QCOMPARE(keys(list), (QStringList{u"ann"_s, u"bob"_s}));
        QCOMPARE(metaCount(list, u"ann"_s), 2);
        QCOMPARE(list.value(u"ann"_s).toObject().value(u"metas"_s).toArray().at(0).toObject().value(u"phx_ref"_s).toString(), ref);

        QCOMPARE(p.untrack(u"room"_s, u"ann"_s, u"view-1"_s), 1); // only that view's entry
        QCOMPARE(metaCount(p.list(u"room"_s), u"ann"_s), 1);
        p.untrackOwner(u"view-3"_s); // bob's view ended
        QCOMPARE(keys(p.list(u"room"_s)), QStringList{u"ann"_s});
        QCOMPARE(p.untrack(u"room"_s, u"nobody"_s), 0);
        QVERIFY(p.list(u"elsewhere"_s).isEmpty());
    }

    void replicatesChangesInOrderAndMergesRemoteState()
    {
        PubSub here, there;
        QList<QPair<QJsonObject, QJsonObject>> sent; // (joins, leaves) as the cluster would publish
        here.presence().setReplicator([&](const QString &topic, const QJsonObject &joins, const QJsonObject &leaves) {
            QCOMPARE(topic, u"room"_s);
            sent.append({joins, leaves});
            there.presence().applyRemote(u"here"_s, topic, joins, leaves);
        });
        here.presence().track(u"room"_s, u"ann"_s, {}, u"v1"_s);
        there.presence().track(u"room"_s, u"cid"_s, {}, u"v9"_s);
        QCOMPARE(keys(there.presence().list(u"room"_s)), (QStringList{u"ann"_s, u"cid"_s}));
        here.presence().untrackOwner(u"v1"_s);
        QCOMPARE(sent.size(), 2);
        QCOMPARE(metaCount(sent.at(0).first, u"ann"_s), 1);
        QCOMPARE(metaCount(sent.at(1).second, u"ann"_s), 1);
        QCOMPARE(keys(there.presence().list(u"room"_s)), QStringList{u"cid"_s});

        // A whole state replaces what was known of an instance; dropping it removes its entries.
        here.presence().track(u"room"_s, u"bob"_s, {}, u"v2"_s);
        QJsonObject state;
        here.presence().withLocalState([&](const QJsonObject &s) { state = s; });
        there.presence().replaceRemote(u"here"_s, state);
        there.presence().replaceRemote(u"here"_s, state); // twice: no duplicates
        QCOMPARE(metaCount(there.presence().list(u"room"_s), u"bob"_s), 1);
        there.presence().dropRemote(u"here"_s);
        QCOMPARE(keys(there.presence().list(u"room"_s)), QStringList{u"cid"_s});
    }
};

QTEST_GUILESS_MAIN(TestPresence)
#include "tst_presence.moc"
