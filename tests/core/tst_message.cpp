#include "core/message.h"

#include <QTest>

#include <memory>
#include <string>

using namespace LiveActor;

namespace {
struct Small { int a; };
struct Big { char pad[200]; int v; };
struct Counted
{
    static inline int alive = 0;
    Counted() { ++alive; }
    Counted(const Counted &) { ++alive; }
    Counted(Counted &&) noexcept { ++alive; }
    ~Counted() { --alive; }
};
} // namespace

/// Message: exact type matching, inline vs heap storage, move, clone, destruction.
class tst_Message : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void typeMatch()
    {
        Message m(Small{7});
        QVERIFY(m.is<Small>());
        QVERIFY(!m.is<Big>());
        QCOMPARE(m.as<Small>()->a, 7);
        QCOMPARE(m.as<Big>(), nullptr);
        QVERIFY(Message().isEmpty());
        QCOMPARE(Message().as<Small>(), nullptr);
    }
    void storage_data()
    {
        QTest::addColumn<bool>("big");
        QTest::newRow("inline") << false;
        QTest::newRow("heap") << true;
    }
    void storage()
    {
        QFETCH(bool, big);
        Message m = big ? Message(Big{{}, 42}) : Message(Small{42});
        Message moved = std::move(m);
        QVERIFY(m.isEmpty());
        QCOMPARE(big ? moved.as<Big>()->v : moved.as<Small>()->a, 42);
        Message copy = moved.clone();
        QCOMPARE(big ? copy.as<Big>()->v : copy.as<Small>()->a, 42);
    }
    void moveOnlyCannotClone()
    {
        Message m(std::make_unique<int>(5));
        QCOMPARE(**m.as<std::unique_ptr<int>>(), 5);
        QVERIFY(m.clone().isEmpty());
    }
    void destroysValue()
    {
        {
            Message m{Counted{}};
            Message c = m.clone();
            QCOMPARE(Counted::alive, 2);
            m.reset();
            QCOMPARE(Counted::alive, 1);
        }
        QCOMPARE(Counted::alive, 0);
    }
    void strings()
    {
        Message m(std::string("hello"));
        QCOMPARE(QString::fromStdString(*m.as<std::string>()), QStringLiteral("hello"));
        QVERIFY(QByteArray(m.typeName()).contains("string"));
    }
};

QTEST_GUILESS_MAIN(tst_Message)
#include "tst_message.moc"
