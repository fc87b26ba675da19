#include "liveview/uploadfile.h"

#include <QDir>
#include <QFileInfo>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace LiveActor;
using namespace Qt::StringLiterals;

class tst_UploadFile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void chunksLandOnDiskInOrder()
    {
        QTemporaryDir dir;
        auto entry = UploadEntryFile::create(dir.path(), 10, nullptr);
        QVERIFY(entry);
        UploadEntryFile &f = **entry;
        QVERIFY(f.path().startsWith(dir.path() + u'/'));
        QCOMPARE(*f.append("0123"), 4);
        QCOMPARE(f.progress(), 40);
        QVERIFY(!f.complete());
        QCOMPARE(*f.append("456789"), 10);
        QVERIFY(f.complete());
        QVERIFY(f.finish());
        QFile file(f.path());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), "0123456789");
    }

    void moreBytesThanDeclaredAreRefusedUnwritten()
    {
        QTemporaryDir dir;
        auto entry = UploadEntryFile::create(dir.path(), 5, nullptr);
        QVERIFY(entry);
        QVERIFY((*entry)->append("abc"));
        auto over = (*entry)->append("def");
        QVERIFY(!over);
        QCOMPARE(over.error().code, ErrorCode::InvalidArgument);
        QVERIFY(over.error().message.startsWith(u"file_size_limit_exceeded"_s));
        QCOMPARE((*entry)->received(), 3);
        QVERIFY((*entry)->finish());
        QCOMPARE(QFileInfo((*entry)->path()).size(), 3);
        // a chunk after completion is refused too
        auto done = UploadEntryFile::create(dir.path(), 2, nullptr);
        QVERIFY((*done)->append("ab"));
        QVERIFY(!(*done)->append("c"));
    }

    void fileIsRemovedWhenDropped()
    {
        QTemporaryDir dir;
        QString path;
        {
            auto entry = UploadEntryFile::create(dir.path(), 4, nullptr);
            QVERIFY(entry);
            QVERIFY((*entry)->append("ab"));
            path = (*entry)->path();
            QVERIFY(QFile::exists(path));
        }
        QVERIFY(!QFile::exists(path));
        QVERIFY(QDir(dir.path()).isEmpty());
    }

    void movedFileSurvives()
    {
        // consume_uploaded_entries' fn may move the file away: it must stay where it was moved to
        QTemporaryDir dir;
        const QString kept = dir.filePath(u"kept.bin"_s);
        {
            auto entry = UploadEntryFile::create(dir.filePath(u"uploads"_s), 2, nullptr);
            QVERIFY(entry);
            QVERIFY((*entry)->append("hi"));
            QVERIFY((*entry)->finish());
            QVERIFY(QFile::rename((*entry)->path(), kept));
        }
        QVERIFY(QFile::exists(kept));
    }

    void budgetBoundsBytesInFlight()
    {
        QTemporaryDir dir;
        UploadBudget budget(100);
        auto a = UploadEntryFile::create(dir.path(), 60, &budget);
        QVERIFY(a);
        QCOMPARE(budget.inFlight(), 60);
        auto b = UploadEntryFile::create(dir.path(), 50, &budget);
        QVERIFY(!b);
        QCOMPARE(b.error().code, ErrorCode::Full);
        QCOMPARE(budget.inFlight(), 60);
        a->reset();
        QCOMPARE(budget.inFlight(), 0);
        QVERIFY(UploadEntryFile::create(dir.path(), 100, &budget));
        QCOMPARE(budget.inFlight(), 0); // the temporary result died at the end of the statement
        QVERIFY(!budget.tryReserve(-1));
    }

    void leftoversAreRemovedAtStartUp()
    {
        QTemporaryDir dir;
        for (const QString &name : {u"lvupload-abc123.part"_s, u"lvupload-zzz.part"_s, u"other.txt"_s}) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        QCOMPARE(removeLeftoverUploads(dir.path()), 2);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{u"other.txt"_s});
        QCOMPARE(removeLeftoverUploads(dir.filePath(u"missing"_s)), 0);
    }

    void unwritableDirIsAnError()
    {
        QTemporaryDir dir;
        QFile blocker(dir.filePath(u"file"_s));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        auto entry = UploadEntryFile::create(dir.filePath(u"file/sub"_s), 1, nullptr);
        QVERIFY(!entry);
        QCOMPARE(entry.error().code, ErrorCode::Io);
    }
};

QTEST_GUILESS_MAIN(tst_UploadFile)
#include "tst_uploadfile.moc"
