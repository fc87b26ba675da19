#include "liveview/uploadstate.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace LiveActor;
using namespace Qt::StringLiterals;
using namespace std::chrono;

class tst_UploadState : public QObject
{
    Q_OBJECT
    const TokenSigner m_server{"0123456789abcdef0123456789abcdef"};
    const UploadTokenSigner m_signer{m_server, seconds(60)};
    QTemporaryDir m_dir;

    static QJsonObject entry(const QString &ref, const QString &name, qint64 size, const QString &type)
    {
        return {{u"ref"_s, ref}, {u"name"_s, name}, {u"size"_s, double(size)}, {u"type"_s, type}};
    }
    static UploadConfig avatar()
    {
        UploadConfig c;
        c.name = u"avatar"_s;
        c.accept = {u".png"_s, u"image/*"_s};
        c.maxEntries = 2;
        c.maxFileSize = 100;
        return c;
    }
    static Value upload(const UploadState &state) { return state.toValue().map()->value(u"avatar"_s); }
    static ValueMap firstEntry(const UploadState &state)
    {
        return *upload(state).map()->value(u"entries"_s).list()->at(0).map();
    }

private Q_SLOTS:
    void preflightGivesTokensAndOpensEntries()
    {
        UploadState state;
        auto ref = state.allow(avatar());
        QVERIFY(ref && ref->startsWith(u"phx-"_s));
        UploadFiles files;
        auto reply = state.preflight({{u"ref"_s, *ref}, {u"entries"_s, QJsonArray{entry(u"0"_s, u"a.png"_s, 10, u"image/png"_s)}}},
                                     m_signer, u"view-1"_s, &files);
        QVERIFY(reply);
        QCOMPARE(reply->value(u"ref"_s).toString(), *ref);
        QCOMPARE(reply->value(u"config"_s).toObject().value(u"max_entries"_s).toInt(), 2);
        const QString token = reply->value(u"entries"_s).toObject().value(u"0"_s).toString();
        auto claims = m_signer.verify(token.toLatin1(), u"view-1"_s);
        QVERIFY(claims);
        QCOMPARE(claims->configRef, *ref);
        QCOMPARE(claims->entryRef, u"0"_s);
        QCOMPARE(claims->maxSize, 10);
        QCOMPARE(claims->cid, -1); // the view's own upload
        QVERIFY(!reply->contains(u"error"_s));
        QVERIFY(files.isOpen(UploadFiles::key(*ref, u"0"_s)));
        const Value entries = upload(state).map()->value(u"entries"_s);
        QCOMPARE(entries.list()->size(), 1);
        QCOMPARE(entries.list()->at(0).map()->value(u"client_name"_s).toString(), u"a.png"_s);
        QVERIFY(entries.list()->at(0).map()->value(u"preflighted"_s).isTruthy());
        QVERIFY(state.takeDirty());
    }

    void aComponentsTokensCarryItsCidAndCloseAllClosesItsEntries()
    {
        UploadState state;
        const QString ref = *state.allow(avatar());
        UploadFiles files;
        const QJsonArray entries{entry(u"0"_s, u"a.png"_s, 10, u"image/png"_s)};
        auto reply = state.preflight({{u"ref"_s, ref}, {u"entries"_s, entries}}, m_signer, u"view-1"_s, &files, 7);
        QVERIFY(reply);
        const QString token = reply->value(u"entries"_s).toObject().value(u"0"_s).toString();
        auto claims = m_signer.verify(token.toLatin1(), u"view-1"_s);
        QVERIFY(claims);
        QCOMPARE(claims->cid, 7);
        QVERIFY(files.isOpen(UploadFiles::key(ref, u"0"_s)));
        state.closeAll(&files); // the component was freed
        QVERIFY(!files.isOpen(UploadFiles::key(ref, u"0"_s)));
        QCOMPARE(files.openCount(), 0);
    }

    void preflightErrorsAsPhoenixNamesThem()
    {
        UploadState state;
        const QString ref = *state.allow(avatar());
        UploadFiles files;
        auto reply = state.preflight({{u"ref"_s, ref},
                                      {u"entries"_s, QJsonArray{entry(u"0"_s, u"big.png"_s, 101, u"image/png"_s),
                                                                entry(u"1"_s, u"a.exe"_s, 1, u"application/x"_s)}}},
                                     m_signer, u"v"_s, &files);
        QVERIFY(reply);
        QVERIFY(reply->value(u"entries"_s).toObject().isEmpty());
        QCOMPARE(reply->value(u"errors"_s).toObject().value(u"0"_s).toArray().first().toString(), u"too_large"_s);
        QCOMPARE(reply->value(u"errors"_s).toObject().value(u"1"_s).toArray().first().toString(), u"not_accepted"_s);
        QCOMPARE(reply->value(u"error"_s).toArray().size(), 2);
        QVERIFY(files.openCount() == 0);

        UploadState many;
        const QString ref2 = *many.allow(avatar());
        QJsonArray three;
        for (int i = 0; i < 3; ++i)
            three.append(entry(QString::number(i), u"x.png"_s, 1, u"image/png"_s));
        auto tooMany = many.preflight({{u"ref"_s, ref2}, {u"entries"_s, three}}, m_signer, u"v"_s, &files);
        QVERIFY(tooMany);
        QCOMPARE(tooMany->value(u"error"_s).toArray().first().toArray(), (QJsonArray{ref2, u"too_many_files"_s}));
        QCOMPARE(upload(many).map()->value(u"errors"_s).list()->first().toString(), u"too_many_files"_s);
    }

    void unknownRefIsAClientError()
    {
        UploadState state;
        auto reply = state.preflight({{u"ref"_s, u"phx-nope"_s}}, m_signer, u"v"_s, nullptr);
        QVERIFY(!reply);
        QCOMPARE(reply.error().code, ErrorCode::InvalidArgument);
        QVERIFY(!state.progress({{u"ref"_s, u"phx-nope"_s}, {u"entry_ref"_s, u"0"_s}, {u"progress"_s, 5}}, nullptr));
    }

    void doneOnlyWhenTheFileArrived()
    {
        UploadState state;
        const QString ref = *state.allow(avatar());
        UploadFiles files;
        QVERIFY(state.preflight({{u"ref"_s, ref}, {u"entries"_s, QJsonArray{entry(u"0"_s, u"a.png"_s, 3, u"image/png"_s)}}},
                                m_signer, u"v"_s, &files));
        const QJsonObject hundred{{u"ref"_s, ref}, {u"entry_ref"_s, u"0"_s}, {u"progress"_s, 100}};
        QVERIFY(state.progress(hundred, &files));
        ValueMap e = firstEntry(state);
        QVERIFY(!e.value(u"done"_s).isTruthy()); // the client says 100, the disk does not

        auto file = UploadEntryFile::create(m_dir.path(), 3, nullptr);
        QVERIFY(file);
        QVERIFY((*file)->append("abc"));
        QVERIFY((*file)->finish());
        const QString path = (*file)->path();
        files.putComplete(UploadFiles::key(ref, u"0"_s), std::move(*file));
        QVERIFY(state.progress(hundred, &files));
        e = firstEntry(state);
        QVERIFY(e.value(u"done"_s).isTruthy());
        QCOMPARE(e.value(u"progress"_s).toInt(), 100);

        auto consumed = state.consume(u"avatar"_s, &files);
        QVERIFY(consumed);
        QCOMPARE(consumed->size(), size_t(1));
        QCOMPARE(consumed->at(0).path, path);
        QVERIFY(QFile::exists(path));
        consumed->clear(); // the consumer did not move it: gone
        QVERIFY(!QFile::exists(path));
        QVERIFY(files.openCount() == 0);
        QCOMPARE(upload(state).map()->value(u"entries"_s).list()->size(), 0);
    }

    void cancelClosesTheEntry()
    {
        UploadState state;
        const QString ref = *state.allow(avatar());
        UploadFiles files;
        QVERIFY(state.preflight({{u"ref"_s, ref}, {u"entries"_s, QJsonArray{entry(u"0"_s, u"a.png"_s, 3, u"image/png"_s)}}},
                                m_signer, u"v"_s, &files));
        QVERIFY(state.cancel(u"avatar"_s, u"9"_s, &files)); // already gone: nothing to do
        QCOMPARE(state.cancel(u"nope"_s, u"0"_s, &files).error().code, ErrorCode::NotFound);
        QVERIFY(state.cancel(u"avatar"_s, u"0"_s, &files));
        QVERIFY(files.openCount() == 0);
        QVERIFY(state.disallow(u"avatar"_s, &files));
        QVERIFY(state.isEmpty());
        QCOMPARE(state.disallow(u"avatar"_s, &files).error().code, ErrorCode::NotFound);
    }

    void formEntriesAreValidated()
    {
        UploadState state;
        const QString ref = *state.allow(avatar());
        state.putEntries({{ref, QJsonArray{entry(u"0"_s, u"big.png"_s, 500, u"image/png"_s)}}});
        ValueMap e = firstEntry(state);
        QVERIFY(!e.value(u"valid"_s).isTruthy());
        QCOMPARE(e.value(u"errors"_s).list()->first().toString(), u"too_large"_s);
        state.putEntries({{ref, QJsonArray{}}}); // the user picked nothing now
        QCOMPARE(upload(state).map()->value(u"entries"_s).list()->size(), 0);
    }

    void badConfigsAreRefused()
    {
        UploadState state;
        UploadConfig c = avatar();
        c.maxEntries = 0;
        QVERIFY(!state.allow(c));
        c.name.clear();
        QVERIFY(state.allow(avatar()));
        QVERIFY(!state.allow(c));
    }
};

QTEST_GUILESS_MAIN(tst_UploadState)
#include "tst_uploadstate.moc"
