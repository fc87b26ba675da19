// prometheusMetrics(): the text format and the numbers, against a deterministic ActorSystem.
#include "support/actors.h"

#include "core/actorsystem.h"
#include "telemetry/metrics.h"

#include <QRegularExpression>
#include <QTest>

using namespace LiveActor;
using namespace LiveActor::Test;
using namespace Qt::StringLiterals;

class tst_Metrics : public QObject
{
    Q_OBJECT
    static double value(const QByteArray &text, const QString &series)
    {
        const QStringList lines = QString::fromUtf8(text).split(u'\n');
        for (const QString &line : lines)
            if (line.startsWith(series + u' '))
                return line.mid(series.size() + 1).toDouble();
        return -1;
    }
private Q_SLOTS:
    void countsAndFill()
    {
        ActorSystem system(SystemConfig{.executors = 1, .deterministic = true});
        ActorRef sup = spawnSupervised(system, 2, u"view"_s, 10);
        ActorRef s1 = system.spawn<Worker>({.kind = u"session"_s, .capacity = 100});
        ActorRef s2 = system.spawn<Worker>({.kind = u"session"_s, .capacity = 100});
        system.runUntilIdle();
        for (int i = 0; i < 30; ++i) // queued, not run: length 30 of 100
            s1.tell(Sleep{0});
        const QByteArray text = prometheusMetrics(system.registry());
        QVERIFY(text.contains("# TYPE liveactor_sessions gauge"));
        QCOMPARE(value(text, u"liveactor_sessions"_s), 2.0);
        QCOMPARE(value(text, u"liveactor_views"_s), 2.0);
        QCOMPARE(value(text, u"liveactor_actors{kind=\"supervisor\"}"_s), 1.0);
        QCOMPARE(value(text, u"liveactor_mailbox_length{kind=\"session\"}"_s), 30.0);
        QCOMPARE(value(text, u"liveactor_mailbox_capacity{kind=\"session\"}"_s), 200.0);
        QCOMPARE(value(text, u"liveactor_mailbox_fill_ratio{kind=\"session\"}"_s), 0.15);
        QCOMPARE(value(text, u"liveactor_mailbox_fill_max_ratio{kind=\"session\"}"_s), 0.3);
        QCOMPARE(value(text, u"liveactor_restarts_total{kind=\"view\"}"_s), 0.0);
        QVERIFY(text.contains("# TYPE liveactor_restarts_total counter"));
        QVERIFY(text.contains("# TYPE liveactor_messages_processed_total counter"));
        QVERIFY(text.contains("liveactor_mailbox_wait_mean_seconds{kind=\"view\"}"));
        QVERIFY(text.contains("liveactor_message_processing_mean_seconds{kind=\"session\"}"));
        // Prometheus naming: no unit other than seconds, counters and only counters end in _total.
        QVERIFY(!text.contains("microseconds"));
        for (const QString &line : QString::fromUtf8(text).split(u'\n'))
            if (line.startsWith(u"# TYPE "_s))
                QVERIFY2(line.endsWith(u" counter"_s) == line.section(u' ', 2, 2).endsWith(u"_total"_s), qPrintable(line));
        // Every non-comment line is "name{labels} number".
        static const QRegularExpression sample(u"^[a-z_]+(\\{[^}]*\\})? -?[0-9.e+-]+$"_s);
        for (const QString &line : QString::fromUtf8(text).split(u'\n', Qt::SkipEmptyParts))
            if (!line.startsWith(u'#'))
                QVERIFY2(sample.match(line).hasMatch(), qPrintable(line));

        // Kill a view: its supervisor restarts it, the restart shows.
        const RegistrySnapshot snap = system.registry().snapshot();
        QUuid view;
        for (const ActorInfo &info : snap.actors)
            if (info.kind == u"view"_s)
                view = info.id;
        system.kill(view);
        system.runUntilIdle();
        QCOMPARE(value(prometheusMetrics(system.registry()), u"liveactor_restarts_total{kind=\"view\"}"_s), 1.0);
        system.runUntilIdle();
        Q_UNUSED(s2);

        // Counters never fall: what exited actors counted stays in the totals.
        const double processed = value(prometheusMetrics(system.registry()), u"liveactor_messages_processed_total{kind=\"session\"}"_s);
        QVERIFY2(processed >= 30, qPrintable(QString::number(processed)));
        s1.tell(StopNormal{});
        system.shutdownActor(sup.id(), std::chrono::milliseconds(1000)); // the views stop with it
        system.runUntilIdle();
        const QByteArray after = prometheusMetrics(system.registry());
        QCOMPARE(value(after, u"liveactor_sessions"_s), 1.0);
        QVERIFY(value(after, u"liveactor_messages_processed_total{kind=\"session\"}"_s) >= processed);
        QCOMPARE(value(after, u"liveactor_restarts_total{kind=\"view\"}"_s), 1.0);
        QCOMPARE(value(after, u"liveactor_views"_s), 0.0);
    }

    void histograms()
    {
        ActorSystem system(SystemConfig{.executors = 1, .deterministic = true});
        LatencyHistogram h;
        h.observe(std::chrono::microseconds(50));   // le 0.0001
        h.observe(std::chrono::microseconds(300));  // le 0.0005
        h.observe(std::chrono::milliseconds(1));    // le 0.001 (bounds are inclusive)
        h.observe(std::chrono::seconds(7));         // +Inf
        const QByteArray text = prometheusMetrics(system.registry(), {}, {{"liveactor_event_duration_seconds", "Events.", h.snapshot()}});
        QVERIFY(text.contains("# TYPE liveactor_event_duration_seconds histogram\n"));
        QCOMPARE(value(text, u"liveactor_event_duration_seconds_bucket{le=\"0.0001\"}"_s), 1.0);
        QCOMPARE(value(text, u"liveactor_event_duration_seconds_bucket{le=\"0.00025\"}"_s), 1.0);
        QCOMPARE(value(text, u"liveactor_event_duration_seconds_bucket{le=\"0.0005\"}"_s), 2.0);
        QCOMPARE(value(text, u"liveactor_event_duration_seconds_bucket{le=\"0.001\"}"_s), 3.0);
        QCOMPARE(value(text, u"liveactor_event_duration_seconds_bucket{le=\"5\"}"_s), 3.0);
        QCOMPARE(value(text, u"liveactor_event_duration_seconds_bucket{le=\"+Inf\"}"_s), 4.0);
        QCOMPARE(value(text, u"liveactor_event_duration_seconds_count"_s), 4.0);
        QCOMPARE(value(text, u"liveactor_event_duration_seconds_sum"_s), 7.00135);
    }

    void extraSamples()
    {
        ActorSystem system(SystemConfig{.executors = 1, .deterministic = true});
        const QByteArray text = prometheusMetrics(system.registry(), {
            {"liveactor_events_total", "Client events handled by views.", 42},
            {"liveactor_websockets_open", "WebSockets open now.", 3, false},
        });
        QVERIFY(text.contains("# HELP liveactor_events_total Client events handled by views.\n"
                              "# TYPE liveactor_events_total counter\nliveactor_events_total 42\n"));
        QVERIFY(text.contains("# TYPE liveactor_websockets_open gauge\nliveactor_websockets_open 3\n"));
    }

    void labelledExtraSamplesShareOneFamily()
    {
        ActorSystem system(SystemConfig{.executors = 1, .deterministic = true});
        const QByteArray text = prometheusMetrics(system.registry(), {
            {"liveactor_upload_errors_total", "Uploads refused.", 2, true, R"(reason="too_large")"},
            {"liveactor_upload_errors_total", "Uploads refused.", 0, true, R"(reason="protocol")"},
        });
        QCOMPARE(text.count("# TYPE liveactor_upload_errors_total counter\n"), 1);
        QVERIFY(text.contains("# TYPE liveactor_upload_errors_total counter\n"
                              "liveactor_upload_errors_total{reason=\"too_large\"} 2\n"
                              "liveactor_upload_errors_total{reason=\"protocol\"} 0\n"));
    }

    void labelEscaping()
    {
        ActorSystem system(SystemConfig{.executors = 1, .deterministic = true});
        system.spawn<Worker>({.kind = u"we\"ird\\kind"_s});
        system.runUntilIdle();
        const QByteArray text = prometheusMetrics(system.registry());
        QVERIFY(text.contains("liveactor_actors{kind=\"we\\\"ird\\\\kind\"} 1"));
    }
};

QTEST_GUILESS_MAIN(tst_Metrics)
#include "tst_metrics.moc"
