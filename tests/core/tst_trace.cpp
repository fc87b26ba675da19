#include "support/actors.h"

#include <QTest>

using namespace LiveActor;
using namespace LiveActor::Test;
using namespace std::chrono_literals;

namespace {

struct Forward { int v; };
struct SpawnChild { };

/// Forwards Forward{v} to its target as Value{v}; on SpawnChild spawns a Worker child.
class Relay : public Actor
{
public:
    explicit Relay(ActorRef target = {}) : m_target(std::move(target)) { }

protected:
    Result<void> handle(Message &m) override
    {
        if (auto *f = m.as<Forward>())
            send(m_target, Value{f->v});
        else if (m.is<SpawnChild>())
            spawn<Worker>({.kind = QStringLiteral("late")});
        return {};
    }

private:
    ActorRef m_target;
};

QList<ActorRef> childrenOf(ActorSystem &sys, const ActorRef &parent)
{
    QList<ActorRef> out;
    for (const ActorInfo &info : sys.registry().snapshot().actors)
        if (info.parent == parent.id())
            out << sys.resolve(info.id);
    return out;
}

std::vector<TraceRecord> drain(const std::shared_ptr<TraceSink> &sink)
{
    return sink->take().records;
}

} // namespace

/// The message trace in the kernel: what a traced actor records (in with wait and processing
/// time, out with the receiver), stopping, subtrees including later children, the rate limit.
/// Deterministic executors: the rate window is on the virtual clock, so it never depends on timing.
class tst_Trace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void typeName()
    {
        QCOMPARE(traceTypeName(Message(Value{1}).typeName()), u"LiveActor::Test::Value"_qs);
        QCOMPARE(traceTypeName(Message(std::pair<int, QString>{}).typeName()), u"std::pair<int, QString>"_qs);
        QCOMPARE(Message(Value{1}).valueSize(), sizeof(Value));
        QCOMPARE(Message().valueSize(), size_t(0));
    }

    void recordsInAndOut()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef worker = sys.spawn<Worker>({.kind = u"worker"_qs});
        ActorRef relay = sys.spawn<Relay>({.kind = u"relay"_qs}, worker);
        sys.runUntilIdle();
        auto sink = std::make_shared<TraceSink>();
        QVERIFY(sys.trace(relay.id(), sink, false).has_value());
        sys.runUntilIdle();
        QVERIFY(relay.tell(Forward{7}) == SendStatus::Ok);
        QVERIFY(relay.tell(Forward{8}) == SendStatus::Ok);
        sys.runUntilIdle();

        const auto records = drain(sink);
        // Two in, two out (the worker itself is not traced). An in record is complete when its
        // handler returns, so the out record it sent comes first.
        QCOMPARE(records.size(), size_t(4));
        QVERIFY(records[0].direction == TraceRecord::Direction::Out);
        const TraceRecord &in = records[1];
        QVERIFY(in.direction == TraceRecord::Direction::In);
        QCOMPARE(in.actor, relay.id());
        QCOMPARE(in.actorKind, u"relay"_qs);
        QVERIFY2(traceTypeName(in.type).endsWith(u"::Forward"), qPrintable(traceTypeName(in.type)));
        QCOMPARE(in.size, quint32(sizeof(Forward)));
        QVERIFY(in.peer.isNull()); // sent from outside any actor
        QVERIFY(in.waitNs >= 0);   // stamped: every message of a traced actor is
        QVERIFY(in.processingNs >= 0);
        QVERIFY(in.timeUs > 0);
        const TraceRecord &out = records[0];
        QVERIFY(out.direction == TraceRecord::Direction::Out);
        QCOMPARE(out.peer, worker.id());
        QCOMPARE(traceTypeName(out.type), u"LiveActor::Test::Value"_qs);
        QCOMPARE(sink->dropped(), quint64(0));
    }

    void stopEndsRecording()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef worker = sys.spawn<Worker>({.kind = u"worker"_qs});
        sys.runUntilIdle();
        auto sink = std::make_shared<TraceSink>();
        QVERIFY(sys.trace(worker.id(), sink, false).has_value());
        sys.runUntilIdle();
        worker.tell(Value{1});
        sys.runUntilIdle();
        QCOMPARE(drain(sink).size(), size_t(1));
        sink->close();
        worker.tell(Value{2});
        worker.tell(Value{3});
        sys.runUntilIdle();
        QCOMPARE(drain(sink).size(), size_t(0));
        QCOMPARE(sink.use_count(), 1L); // the actor let go of it on its next message
    }

    void unknownActor()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        auto r = sys.trace(QUuid::createUuid(), std::make_shared<TraceSink>(), false);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::NotFound);
    }

    void subtreeCoversChildren()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef sup = spawnSupervised(sys, 2, u"view"_qs);
        ActorRef other = sys.spawn<Worker>({.kind = u"other"_qs});
        sys.runUntilIdle();
        auto sink = std::make_shared<TraceSink>();
        QVERIFY(sys.trace(sup.id(), sink, true).has_value());
        sys.runUntilIdle();
        const QList<ActorRef> children = childrenOf(sys, sup);
        QCOMPARE(children.size(), 2);
        for (const ActorRef &child : children)
            child.tell(Value{1});
        other.tell(Value{1});
        sys.runUntilIdle();
        QSet<QUuid> seen;
        for (const TraceRecord &r : drain(sink))
            seen.insert(r.actor);
        QCOMPARE(seen, (QSet<QUuid>{children[0].id(), children[1].id()}));
    }

    void subtreeCoversLaterChildren()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef parent = sys.spawn<Relay>({.kind = u"relay"_qs});
        sys.runUntilIdle();
        auto sink = std::make_shared<TraceSink>();
        QVERIFY(sys.trace(parent.id(), sink, true).has_value());
        sys.runUntilIdle();
        parent.tell(SpawnChild{});
        sys.runUntilIdle();
        const QList<ActorRef> children = childrenOf(sys, parent);
        QCOMPARE(children.size(), 1);
        drain(sink);
        children[0].tell(Value{1});
        sys.runUntilIdle();
        const auto records = drain(sink);
        QCOMPARE(records.size(), size_t(1));
        QCOMPARE(records[0].actor, children[0].id());
        QCOMPARE(records[0].actorKind, u"late"_qs);

        // Stopped: a child spawned afterwards is not traced.
        sink->close();
        parent.tell(SpawnChild{});
        sys.runUntilIdle();
        for (const ActorRef &child : childrenOf(sys, parent))
            child.tell(Value{2});
        sys.runUntilIdle();
        QCOMPARE(drain(sink).size(), size_t(0));
    }

    void rateLimitCountsDrops()
    {
        ActorSystem sys({.executors = 1, .deterministic = true});
        ActorRef worker = sys.spawn<Worker>({.kind = u"worker"_qs, .capacity = 100});
        sys.runUntilIdle();
        auto sink = std::make_shared<TraceSink>(5);
        QVERIFY(sys.trace(worker.id(), sink, false).has_value());
        sys.runUntilIdle();
        for (int i = 0; i < 20; ++i)
            worker.tell(Value{i});
        sys.runUntilIdle();
        TraceSink::Batch batch = sink->take();
        QCOMPARE(batch.records.size(), size_t(5));
        QCOMPARE(batch.dropped, quint64(15));
        // A new one-second window (virtual clock) lets records through again.
        sys.advanceTime(1000ms);
        worker.tell(Value{0});
        sys.runUntilIdle();
        batch = sink->take();
        QCOMPARE(batch.records.size(), size_t(1));
        QCOMPARE(batch.dropped, quint64(15));
    }

    void capacityCountsDrops()
    {
        TraceSink sink(1000, 3);
        for (int i = 0; i < 10; ++i)
            sink.record(TraceRecord{}, TraceSink::Clock::time_point{});
        TraceSink::Batch batch = sink.take();
        QCOMPARE(batch.records.size(), size_t(3));
        QCOMPARE(batch.dropped, quint64(7));
    }
};

QTEST_GUILESS_MAIN(tst_Trace)
#include "tst_trace.moc"
