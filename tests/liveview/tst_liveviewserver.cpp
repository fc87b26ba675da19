// Protocol tests over real sockets: the server on 127.0.0.1:<free port>, a QWebSocket client
// speaking Phoenix Channels V2 like phoenix.js does.
#include "core/actorsystem.h"
#include "liveview/liveviewserver.h"
#include "liveview/tokensigner.h"
#include "support/channelclient.h"
#include "support/serverfixture.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QWebSocket>

using namespace LiveActor;
using namespace Qt::StringLiterals;
using namespace std::chrono;

using namespace LiveActor::Test;
using Fixture = ServerFixture;

class tst_LiveViewServer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void deadRenderAndAssets()
    {
        Fixture f;
        QVERIFY(f.ok);
        Page p = httpGet(f.port(), "/items/5?q=x");
        QCOMPARE(p.status, 200);
        QVERIFY(p.body.contains("<title>Item 5</title>"));
        // not framable, and a default CSP that allows only the page's own origin
        QVERIFY2(p.head.contains("\r\nX-Frame-Options: DENY"), p.head.constData());
        QVERIFY2(p.head.contains("\r\nContent-Security-Policy: default-src 'self'; script-src 'self';"), p.head.constData());
        QVERIFY(p.head.contains("frame-ancestors 'none'"));
        QVERIFY(p.body.contains("<p id=\"id\">5</p><p id=\"q\">x</p>"));
        QVERIFY(!p.id.isEmpty() && !p.session.isEmpty() && !p.csrf.isEmpty());
        QCOMPARE(p.id.size(), 20); // phx- + 16
        QVERIFY(p.body.contains("/assets/phoenix_live_view.min.js?vsn="));

        Page missing = httpGet(f.port(), "/nope");
        QCOMPARE(missing.status, 404);
        QVERIFY(missing.body.contains("<title>404"));

        Page js = httpGet(f.port(), "/assets/phoenix_live_view.min.js");
        QCOMPARE(js.status, 200);
        QVERIFY(js.body.size() > 50000);
        QVERIFY(js.head.contains("Cache-Control: public, max-age=31536000, immutable"));
        const auto etag = QRegularExpression(u"ETag: (\"[0-9a-f]+\")"_s).match(QString::fromLatin1(js.head)).captured(1);
        QVERIFY(!etag.isEmpty());
        Page cached = httpGet(f.port(), "/assets/phoenix_live_view.min.js", "If-None-Match: " + etag.toLatin1() + "\r\n");
        QCOMPARE(cached.status, 304);
        QVERIFY(cached.body.isEmpty());
    }

    void extraEndpoints()
    {
        // The app wires /metrics this way; the handler runs per request, so the body is fresh.
        QTemporaryDir dir;
        ActorSystem system(SystemConfig{.executors = 1});
        ServerConfig c;
        c.port = 0;
        c.stateDir = dir.path();
        c.secret = "test-secret-test-secret-test-secret";
        LiveViewServer server(c, system);
        int calls = 0;
        server.addEndpoint(u"/metrics"_s, "text/plain; version=0.0.4", [&calls]() -> QByteArray {
            return "requests " + QByteArray::number(++calls) + "\n";
        });
        QVERIFY(bool(server.listen()));
        Page first = httpGet(server.port(), "/metrics");
        QCOMPARE(first.status, 200);
        QCOMPARE(first.body, QByteArray("requests 1\n"));
        QVERIFY(first.head.contains("Content-Type: text/plain; version=0.0.4"));
        QCOMPARE(httpGet(server.port(), "/metrics").body, QByteArray("requests 2\n"));
        QCOMPARE(httpGet(server.port(), "/metrics/other").status, 404);
        server.shutdown(milliseconds(3000));
        system.shutdown(milliseconds(3000));
    }

    void reusePortSharesThePort_data()
    {
        QTest::addColumn<QString>("host");
        QTest::newRow("ipv4") << u"127.0.0.1"_s;
        QTest::newRow("ipv6") << u"::1"_s;
    }

    void reusePortSharesThePort()
    {
        // SO_REUSEPORT: two servers on one port both listen (the kernel spreads connections, see
        // tests/pybridge/test_reuseport.py); one without it on that port fails with a clear error.
        QFETCH(QString, host);
        if (host == u"::1" && !QTcpServer().listen(QHostAddress(host), 0))
            QSKIP("no IPv6 loopback here");
        QTemporaryDir dir;
        ActorSystem system(SystemConfig{.executors = 1});
        ServerConfig c;
        c.host = QHostAddress(host);
        c.port = 0;
        c.stateDir = dir.path();
        c.secret = "test-secret-test-secret-test-secret";
        c.reusePort = true;
        LiveViewServer first(c, system);
        QVERIFY(bool(first.listen()));
        c.port = first.port();
        LiveViewServer second(c, system);
        QVERIFY(bool(second.listen()));
        QCOMPARE(second.port(), first.port());
        QVERIFY(second.baseUrl().endsWith(u":"_s + QString::number(c.port)));
        c.reusePort = false;
        LiveViewServer plain(c, system);
        auto refused = plain.listen();
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Io);
        QVERIFY2(refused.error().message.contains(u"--reuse-port"_s), qPrintable(refused.error().message));
        first.shutdown(milliseconds(3000));
        second.shutdown(milliseconds(3000));
        plain.shutdown(milliseconds(3000));
        system.shutdown(milliseconds(3000));
    }

    void badUpgrades()
    {
        Fixture f;
        QVERIFY(f.ok);
        auto upgrade = [&](const QByteArray &query, const QByteArray &origin) {
            return httpGet(f.port(), "/live/websocket?" + query,
                           "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + origin).status;
        };
        QCOMPARE(upgrade("vsn=1.0.0", {}), 403);
        QCOMPARE(upgrade("_csrf_token=x", {}), 403); // no vsn = 1.0.0
        QCOMPARE(upgrade("vsn=2.0.0", "Origin: http://evil.example\r\n"), 403);
        QCOMPARE(f.server->stats().connectionsRejected, 3u);
        Client ok(f.port(), u"vsn=2.0.0&_mounts=0&_track_static%5B0%5D=x&_live_referer=undefined"_s);
        QVERIFY(ok.waitConnected()); // unknown params ignored
    }

    void joinHeartbeatEventLeave()
    {
        Fixture f;
        QVERIFY(f.ok);
        Page p = httpGet(f.port(), "/");
        Client c(f.port(), u"vsn=2.0.0&_csrf_token="_s + p.csrf);
        QVERIFY(c.waitConnected());
        const QString topic = u"lv:"_s + p.id;
        const QString jr = c.join(p, f.url(u"/"_s));
        QJsonArray r = c.reply(jr);
        QCOMPARE(status(r), u"ok"_s);
        QCOMPARE(r.at(0).toString(), jr);
        QCOMPARE(r.at(2).toString(), topic);
        const QJsonObject rendered = response(r).value(u"rendered"_s).toObject();
        QCOMPARE(response(r).value(u"liveview_version"_s).toString(), u"1.1.32"_s);
        QVERIFY2(rendered.value(u"s"_s).isArray() || rendered.contains(u"p"_s),
                 QJsonDocument(rendered).toJson(QJsonDocument::Compact).constData());
        QCOMPARE(rendered.value(u"0"_s).toString(), u"0"_s);      // numbers as strings
        QCOMPARE(rendered.value(u"2"_s).toString(), u"yes"_s);    // connected mount

        const QString hb = c.push({}, u"phoenix"_s, u"heartbeat"_s, {});
        QJsonArray hr = c.reply(hb);
        QCOMPARE(QJsonDocument(hr).toJson(QJsonDocument::Compact),
                 QByteArray(R"([null,")" + hb.toUtf8() + R"(","phoenix","phx_reply",{"response":{},"status":"ok"}])"));

        QJsonArray e = c.reply(c.click(jr, topic, u"inc"_s));
        QCOMPARE(status(e), u"ok"_s);
        QCOMPARE(QJsonDocument(response(e)).toJson(QJsonDocument::Compact), QByteArray(R"({"diff":{"0":"1"}})"));
        e = c.reply(c.click(jr, topic, u"inc"_s, {{u"by"_s, u"5"_s}}));
        QCOMPARE(response(e).value(u"diff"_s).toObject().value(u"0"_s).toString(), u"6"_s);
        // unknown client pushes are still answered
        QCOMPARE(status(c.reply(c.push(jr, topic, u"cids_will_destroy"_s, {{u"cids"_s, QJsonArray{1}}}))), u"ok"_s);
        // title + pushEvent ride on the reply
        e = c.reply(c.click(jr, topic, u"title"_s, {{u"title"_s, u"T<1>"_s}}));
        QCOMPARE(response(e).value(u"diff"_s).toObject().value(u"t"_s).toString(), u"T<1>"_s);
        QCOMPARE(response(e).value(u"diff"_s).toObject().value(u"e"_s).toArray().at(0).toArray().at(0).toString(), u"titled"_s);
        QCOMPARE(f.server->stats().activeViews, 1);

        const QString lr = c.push(jr, topic, u"phx_leave"_s, {});
        QCOMPARE(status(c.reply(lr)), u"ok"_s);
        QVERIFY(QTest::qWaitFor([&] { return !c.events(u"phx_close"_s).isEmpty(); }, 3000));
        QCOMPARE(c.events(u"phx_close"_s).first().at(0).toString(), jr);
        QVERIFY(QTest::qWaitFor([&] { return f.server->stats().activeViews == 0; }, 3000));
        QJsonArray after = c.reply(c.click(jr, topic, u"inc"_s));
        QCOMPARE(response(after).value(u"reason"_s).toString(), u"unmatched topic"_s);
        QVERIFY(after.at(0).isNull());
    }

    void hookReplyAndEventWithoutHandler()
    {
        Fixture f;
        QVERIFY(f.ok);
        Client c(f.port());
        QVERIFY(c.waitConnected());
        const auto j = c.joinPage(f.port(), f.url(u"/"_s), "/");
        QVERIFY(!j.joinRef.isEmpty());
        // The handler's reply rides in the diff as "r", next to what it changed.
        QJsonArray e = c.reply(c.push(j.joinRef, j.topic, u"event"_s,
                                      {{u"type"_s, u"hook"_s}, {u"event"_s, u"ask"_s}, {u"value"_s, QJsonObject{{u"q"_s, u"why"_s}}}}));
        QCOMPARE(status(e), u"ok"_s);
        QCOMPARE(QJsonDocument(response(e)).toJson(QJsonDocument::Compact),
                 QByteArray(R"({"diff":{"0":"1","r":{"count":1,"q":"why"}}})"));
        // No handler: an error reply that says so; the view is not crashed and answers the next.
        e = c.reply(c.click(j.joinRef, j.topic, u"nope"_s));
        QCOMPARE(status(e), u"error"_s);
        QCOMPARE(response(e).value(u"reason"_s).toString(), u"no handler for event nope"_s);
        e = c.reply(c.click(j.joinRef, j.topic, u"inc"_s));
        QCOMPARE(QJsonDocument(response(e)).toJson(QJsonDocument::Compact), QByteArray(R"({"diff":{"0":"2"}})"));
        QVERIFY(c.events(u"phx_error"_s).isEmpty());
        QCOMPARE(f.server->stats().viewCrashes, 0u);
    }

    void flashShownClearedAndCarried()
    {
        Fixture f;
        QVERIFY(f.ok);
        Client c(f.port());
        QVERIFY(c.waitConnected());
        auto compact = [](const QJsonValue &v) {
            return v.isObject() ? QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact) : QByteArray();
        };
        const auto j = c.joinPage(f.port(), f.url(u"/flash"_s), "/flash");
        QVERIFY(!j.joinRef.isEmpty());
        QJsonArray e = c.reply(c.click(j.joinRef, j.topic, u"save"_s));
        QVERIFY2(compact(response(e)).contains("Saved"), compact(response(e)).constData());
        // lv:clear-flash is an ordinary event for the view
        e = c.reply(c.click(j.joinRef, j.topic, u"lv:clear-flash"_s, {{u"key"_s, u"info"_s}}));
        QCOMPARE(status(e), u"ok"_s);
        QVERIFY(!compact(response(e)).contains("Saved"));

        // Live navigation: the live_redirect carries a flash token; the next join sends it back.
        e = c.reply(c.click(j.joinRef, j.topic, u"go_live"_s));
        const QJsonObject live = response(e).value(u"live_redirect"_s).toObject();
        QCOMPARE(live.value(u"to"_s).toString(), u"/flash?from=live"_s);
        const QString token = live.value(u"flash"_s).toString();
        QVERIFY(!token.isEmpty());
        // A join of page's container as the client sends it: by "url" (a page load) or "redirect"
        // (live navigation), with the client's mount count and a flash token.
        auto joinAs = [&](const Page &page, const QString &how, const QString &path, int mounts, const QString &flash) {
            const QString r = QString::number(c.ref + 1);
            return c.reply(c.push(r, u"lv:"_s + page.id, u"phx_join"_s,
                                  {{how, f.url(path)},
                                   {u"params"_s, QJsonObject{{u"_csrf_token"_s, page.csrf}, {u"_mounts"_s, mounts}}},
                                   {u"session"_s, page.session}, {u"flash"_s, flash}}));
        };
        auto joinRedirect = [&](const QString &flash) { return joinAs(j.page, u"redirect"_s, u"/flash?from=live"_s, 0, flash); };
        QJsonArray joined = joinRedirect(token);
        QCOMPARE(status(joined), u"ok"_s);
        QVERIFY2(compact(response(joined)).contains("Moved live"), compact(response(joined)).constData());
        // A tampered or foreign token carries nothing (and is no error); a session token is no flash token.
        QString tampered = token;
        tampered[5] = tampered[5] == u'A' ? u'B' : u'A';
        for (const QString &bad : {tampered, j.page.session}) {
            joined = joinRedirect(bad);
            QCOMPARE(status(joined), u"ok"_s);
            QVERIFY(!compact(response(joined)).contains("Moved"));
        }

        // A full redirect: the token goes in the redirect; the client stores it in the
        // __phoenix_flash__ cookie, which the next dead render reads once and deletes.
        const auto k = c.joinPage(f.port(), f.url(u"/flash"_s), "/flash");
        e = c.reply(c.click(k.joinRef, k.topic, u"go_full"_s));
        const QJsonObject full = response(e).value(u"redirect"_s).toObject();
        QCOMPARE(full.value(u"to"_s).toString(), u"/flash?from=full"_s);
        const QByteArray cookie = full.value(u"flash"_s).toString().toLatin1();
        QVERIFY(!cookie.isEmpty());
        Page p = httpGet(f.port(), "/flash?from=full", "Cookie: a=b; __phoenix_flash__=" + cookie + "\r\n");
        QCOMPARE(p.status, 200);
        QVERIFY(p.body.contains("<p id=\"flash-info\" phx-click=\"lv:clear-flash\" phx-value-key=\"info\">Moved fully</p>"));
        QVERIFY2(p.head.contains("\r\nSet-Cookie: __phoenix_flash__=; Max-Age=0; Path=/"), p.head.constData());
        // The page's first mount shows the dead render's flash; a rejoin (_mounts > 0) does not.
        QJsonArray first = c.reply(c.join(p, f.url(u"/flash?from=full"_s)));
        QVERIFY2(compact(response(first)).contains("Moved fully"), compact(response(first)).constData());
        QJsonArray again = joinAs(p, u"url"_s, u"/flash?from=full"_s, 1, {});
        QCOMPARE(status(again), u"ok"_s);
        QVERIFY(!compact(response(again)).contains("Moved"));
        QVERIFY(!httpGet(f.port(), "/flash", "Cookie: __phoenix_flash__=garbage\r\n").body.contains("flash-info"));

        // A connected mount that redirects answers the join with the redirect and its flash token.
        QJsonArray bounced = joinAs(p, u"url"_s, u"/flash?bounce=1"_s, 0, {});
        QCOMPARE(status(bounced), u"error"_s);
        const QJsonObject redirect = response(bounced).value(u"redirect"_s).toObject();
        QCOMPARE(redirect.value(u"to"_s).toString(), u"/flash?from=bounce"_s);
        QVERIFY(httpGet(f.port(), "/flash?from=bounce", "Cookie: __phoenix_flash__=" + redirect.value(u"flash"_s).toString().toLatin1() + "\r\n")
                    .body.contains(">Bounced</p>"));

        // The dead render itself redirecting with a flash sets the cookie.
        Page bounce = httpGet(f.port(), "/flash?bounce=1");
        QCOMPARE(bounce.status, 302);
        QVERIFY(bounce.head.contains("\r\nLocation: /flash?from=bounce"));
        const auto set = QRegularExpression(u"Set-Cookie: __phoenix_flash__=([^;]+); Max-Age=60; Path=/"_s)
                             .match(QString::fromLatin1(bounce.head));
        QVERIFY2(set.hasMatch(), bounce.head.constData());
        QVERIFY(httpGet(f.port(), "/flash?from=bounce", "Cookie: __phoenix_flash__=" + set.captured(1).toLatin1() + "\r\n")
                    .body.contains(">Bounced</p>"));
        QVERIFY(c.events(u"phx_error"_s).isEmpty());
    }

    void appStaticFiles()
    {
        QTemporaryDir outside;
        const QString root = outside.path() + u"/static"_s;
        QVERIFY(QDir().mkpath(root + u"/sub"_s));
        auto write = [](const QString &path, const QByteArray &content) {
            QFile file(path);
            return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
        };
        QVERIFY(write(root + u"/app.js"_s, "window.liveactorHooks = {};\n"));
        QVERIFY(write(root + u"/app.css"_s, "body { color: red }\n"));
        QVERIFY(write(root + u"/sub/note.txt"_s, "inside"));
        QVERIFY(write(root + u"/.env"_s, "SECRET=1"));
        QVERIFY(write(root + u"/big.bin"_s, QByteArray(2048, 'x')));
        QVERIFY(write(outside.path() + u"/secret.txt"_s, "outside"));
        QVERIFY(QFile::link(outside.path() + u"/secret.txt"_s, root + u"/leak.txt"_s));
        QVERIFY(QFile::link(outside.path(), root + u"/up"_s));
        QVERIFY(QFile::link(root + u"/sub/note.txt"_s, root + u"/alias.txt"_s)); // stays inside: fine
        Fixture f([&](ServerConfig &c) {
            c.staticDir = root;
            c.maxStaticFileBytes = 1024;
        });
        QVERIFY(f.ok);

        // The page includes the app's css and js, the js before the bootstrap that connects.
        Page page = httpGet(f.port(), "/");
        const qsizetype appJs = page.body.indexOf("<script defer src=\"/static/app.js?vsn=");
        QVERIFY2(appJs > 0, page.body.constData());
        QVERIFY(appJs < page.body.indexOf("<script defer src=\"/assets/app.js?vsn="));
        QVERIFY(page.body.indexOf("<script defer src=\"/assets/phoenix_live_view.min.js") < appJs);
        QVERIFY(page.body.contains("<link rel=\"stylesheet\" href=\"/static/app.css?vsn="));

        Page js = httpGet(f.port(), "/static/app.js");
        QCOMPARE(js.status, 200);
        QCOMPARE(js.body, QByteArray("window.liveactorHooks = {};\n"));
        QVERIFY(js.head.contains("Content-Type: text/javascript; charset=utf-8"));
        QVERIFY(js.head.contains("Cache-Control: public, max-age=0, must-revalidate"));
        const QByteArray etag = QRegularExpression(u"ETag: (\"[0-9a-f]{20}\")"_s)
                                    .match(QString::fromLatin1(js.head)).captured(1).toLatin1();
        QVERIFY(!etag.isEmpty());
        Page cached = httpGet(f.port(), "/static/app.js", "If-None-Match: " + etag + "\r\n");
        QCOMPARE(cached.status, 304);
        QVERIFY(cached.body.isEmpty());
        QVERIFY(httpGet(f.port(), "/static/app.js?vsn=1").head.contains("Cache-Control: public, max-age=31536000, immutable"));
        // An edit changes the ETag: the old one no longer gets 304.
        QVERIFY(write(root + u"/app.js"_s, "window.liveactorHooks = {Edited: {}};\n"));
        QFile(root + u"/app.js"_s).setFileTime(QDateTime::currentDateTime().addSecs(5), QFileDevice::FileModificationTime);
        Page edited = httpGet(f.port(), "/static/app.js", "If-None-Match: " + etag + "\r\n");
        QCOMPARE(edited.status, 200);
        QCOMPARE(edited.body, QByteArray("window.liveactorHooks = {Edited: {}};\n")); // not the kept copy
        QCOMPARE(httpGet(f.port(), "/static/sub/note.txt").body, QByteArray("inside"));
        QCOMPARE(httpGet(f.port(), "/static/alias.txt").body, QByteArray("inside"));

        // No listing, no dotfiles, nothing outside the folder, nothing too large.
        for (const char *path : {"/static/", "/static/sub", "/static/sub/", "/static/.env", "/static/leak.txt",
                                 "/static/up/secret.txt", "/static/../secret.txt", "/static/%2e%2e/secret.txt",
                                 "/static/sub/..%2f..%2fsecret.txt", "/static/sub//note.txt", "/static/big.bin",
                                 "/static/missing.js", "/static/app.js%00.txt"}) {
            Page p = httpGet(f.port(), path);
            QVERIFY2(p.status == 404, path);
            QVERIFY2(!p.body.contains("outside") && !p.body.contains("SECRET"), path);
        }

        // Without a static folder pages include nothing of it and /static/ is empty.
        Fixture bare;
        QVERIFY(bare.ok);
        QVERIFY(!httpGet(bare.port(), "/").body.contains("/static/"));
        QCOMPARE(httpGet(bare.port(), "/static/app.js").status, 404);
    }

    void tricklingRequestGets408()
    {
        // A byte every 200 ms keeps the idle timer (1 s here) from ever firing; the request
        // deadline does not restart with each byte.
        Fixture f([](ServerConfig &c) {
            c.httpIdleTimeout = milliseconds(1000);
            c.requestTimeout = milliseconds(800);
        });
        QVERIFY(f.ok);
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, f.port());
        QVERIFY(s.waitForConnected(2000));
        const QByteArray slow = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        QElapsedTimer t;
        t.start();
        QByteArray answer;
        for (qsizetype i = 0; i < slow.size() && s.state() == QAbstractSocket::ConnectedState; ++i) {
            s.write(slow.mid(i, 1));
            s.flush();
            QTest::qWait(200);
            answer += s.readAll();
        }
        QVERIFY(QTest::qWaitFor([&] {
            answer += s.readAll();
            return s.state() == QAbstractSocket::UnconnectedState;
        }, 3000));
        answer += s.readAll();
        QVERIFY2(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer.constData());
        QVERIFY2(t.elapsed() < 2500, qPrintable(QString::number(t.elapsed())));
        // a complete request right away is not affected, nor the next one on a kept-alive socket
        QCOMPARE(httpGet(f.port(), "/").status, 200);
    }

    void badFramingIsAnsweredOnceAndClosed_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<QByteArray>("status");
        QTest::newRow("two Content-Length") << QByteArray("Content-Length: 0\r\nContent-Length: 38\r\n") << QByteArray("400");
        QTest::newRow("signed Content-Length") << QByteArray("Content-Length: +5\r\n") << QByteArray("400");
        QTest::newRow("Content-Length list") << QByteArray("Content-Length: 5, 5\r\n") << QByteArray("400");
        QTest::newRow("HTTP/1.9") << QByteArray("HTTP/1.9") << QByteArray("505");
    }
    void badFramingIsAnsweredOnceAndClosed()
    {
        // What follows a request whose framing is in doubt must never be read as a second
        // request (smuggling): one error response, then the connection closes.
        QFETCH(QByteArray, head);
        QFETCH(QByteArray, status);
        Fixture f;
        QVERIFY(f.ok);
        const QByteArray smuggled = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
        const QByteArray request = head.startsWith("HTTP/")
            ? QByteArray("GET / " + head + "\r\nHost: x\r\n\r\n" + smuggled)
            : QByteArray("POST / HTTP/1.1\r\nHost: x\r\n" + head + "\r\n" + smuggled);
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, f.port());
        QVERIFY(s.waitForConnected(5000));
        s.write(request);
        QByteArray answer;
        QVERIFY(QTest::qWaitFor([&] {
            answer += s.readAll();
            return s.state() == QAbstractSocket::UnconnectedState;
        }, 10000));
        answer += s.readAll();
        QVERIFY2(answer.startsWith(QByteArray("HTTP/1.1 " + status + ' ')), answer.constData());
        QCOMPARE(answer.count("HTTP/1.1 "), 1);
        QVERIFY(answer.contains("\r\nConnection: close\r\n"));
        QCOMPARE(f.server->stats().httpRequests, 0u);
    }

    void contentSecurityPolicyIsASetting()
    {
        Fixture custom([](ServerConfig &c) { c.contentSecurityPolicy = u"default-src 'none'"_s; });
        QVERIFY(custom.ok);
        QVERIFY(httpGet(custom.port(), "/").head.contains("\r\nContent-Security-Policy: default-src 'none'\r\n"));
        Fixture none([](ServerConfig &c) { c.contentSecurityPolicy.clear(); });
        QVERIFY(none.ok);
        const Page p = httpGet(none.port(), "/");
        QVERIFY(!p.head.contains("Content-Security-Policy"));
        QVERIFY(p.head.contains("X-Frame-Options: DENY"));
    }

    void formEvents()
    {
        Fixture f;
        QVERIFY(f.ok);
        Client c(f.port());
        QVERIFY(c.waitConnected());
        const auto [p, topic, jr] = c.joinPage(f.port(), f.url(u"/form"_s), "/form");
        QVERIFY(!jr.isEmpty());
        QJsonArray e = c.reply(c.push(jr, topic, u"event"_s,
            {{u"type"_s, u"form"_s}, {u"event"_s, u"validate"_s},
             {u"value"_s, u"user%5Bname%5D=Ann&_unused_user%5Bx%5D=&user%5Btags%5D%5B%5D=a&user%5Btags%5D%5B%5D=b"_s},
             {u"meta"_s, QJsonObject{{u"_target"_s, u"user[name]"_s}}}, {u"uploads"_s, QJsonObject{}}}));
        const QJsonObject diff = response(e).value(u"diff"_s).toObject();
        // dynamics: 0 the name input's value, 1/2 the checkboxes' {% if %} nodes, 3 echo,
        // 4 target, 5 tags, 6 saved
        QCOMPARE(diff.value(u"0"_s).toString(), u"Ann"_s);
        QVERIFY(diff.value(u"1"_s).isObject() && diff.value(u"2"_s).isObject()); // both now checked
        QCOMPARE(diff.value(u"3"_s).toString(), u"Ann"_s);
        QCOMPARE(diff.value(u"4"_s).toString(), u"user.name"_s);
        QCOMPARE(diff.value(u"5"_s).toString(), u"a,b"_s);
        e = c.reply(c.push(jr, topic, u"event"_s, {{u"type"_s, u"form"_s}, {u"event"_s, u"save"_s},
                                                   {u"value"_s, u"user%5Bname%5D=Bob"_s}, {u"meta"_s, QJsonObject{}}}));
        QCOMPARE(response(e).value(u"diff"_s).toObject().value(u"6"_s).toString(), u"saved:Bob"_s);
        // a malformed form is an error reply, not a crash
        e = c.reply(c.push(jr, topic, u"event"_s, {{u"type"_s, u"form"_s}, {u"event"_s, u"save"_s},
                                                   {u"value"_s, u"a=1&a%5Bb%5D=2"_s}}));
        QCOMPARE(status(e), u"error"_s);
        QVERIFY(c.events(u"phx_error"_s).isEmpty());
    }

    void serverPushes()
    {
        Fixture f;
        QVERIFY(f.ok);
        Page p = httpGet(f.port(), "/timer");
        Client c(f.port());
        QVERIFY(c.waitConnected());
        const QString jr = c.join(p, f.url(u"/timer"_s));
        QCOMPARE(status(c.reply(jr)), u"ok"_s);
        QVERIFY(QTest::qWaitFor([&] { return c.events(u"diff"_s).size() >= 3; }, 5000));
        const QJsonArray d = c.events(u"diff"_s).at(2);
        QCOMPARE(d.at(0).toString(), jr);   // the current join_ref
        QVERIFY(d.at(1).isNull());          // no ref
        QCOMPARE(d.at(4).toObject().value(u"0"_s).toString(), u"3"_s);
    }

    void livePatch()
    {
        Fixture f;
        QVERIFY(f.ok);
        Client c(f.port());
        QVERIFY(c.waitConnected());
        const auto [p, topic, jr] = c.joinPage(f.port(), f.url(u"/items/1"_s), "/items/1");
        QVERIFY(!jr.isEmpty());
        QJsonObject r = response(c.reply(c.click(jr, topic, u"next"_s)));
        QCOMPARE(r.value(u"live_patch"_s).toObject().value(u"to"_s).toString(), u"/items/2?q=patched"_s);
        QCOMPARE(r.value(u"diff"_s).toObject().value(u"0"_s).toString(), u"2"_s);
        QCOMPARE(r.value(u"diff"_s).toObject().value(u"t"_s).toString(), u"Item 2"_s);
        r = response(c.reply(c.push(jr, topic, u"live_patch"_s, {{u"url"_s, f.url(u"/items/9"_s)}})));
        QCOMPARE(r.value(u"diff"_s).toObject().value(u"0"_s).toString(), u"9"_s);
        r = response(c.reply(c.push(jr, topic, u"live_patch"_s, {{u"url"_s, f.url(u"/form"_s)}})));
        QCOMPARE(r.value(u"link_redirect"_s).toBool(), true);
    }

    void rejoinAndTwoViews()
    {
        Fixture f;
        QVERIFY(f.ok);
        Page a = httpGet(f.port(), "/");
        Page b = httpGet(f.port(), "/list");
        Client c(f.port());
        QVERIFY(c.waitConnected());
        const QString ta = u"lv:"_s + a.id, tb = u"lv:"_s + b.id;
        const QString ja = c.join(a, f.url(u"/"_s));
        const QString jb = c.join(b, f.url(u"/list"_s));
        QCOMPARE(status(c.reply(ja)), u"ok"_s);
        QCOMPARE(status(c.reply(jb)), u"ok"_s);
        QCOMPARE(f.server->stats().activeViews, 2);
        QCOMPARE(response(c.reply(c.click(ja, ta, u"inc"_s))).value(u"diff"_s).toObject().value(u"0"_s).toString(), u"1"_s);
        const QJsonObject ld = response(c.reply(c.click(jb, tb, u"reverse"_s))).value(u"diff"_s).toObject();
        QCOMPARE(QJsonDocument(ld).toJson(QJsonDocument::Compact),
                 QByteArray(R"({"0":{"k":{"0":2,"2":0,"kc":3,"km":true}}})"));
        // join the same topic again: the old join is closed first, the new one mounts fresh
        const QString ja2 = c.join(a, f.url(u"/"_s));
        QJsonArray r = c.reply(ja2);
        QCOMPARE(status(r), u"ok"_s);
        QCOMPARE(response(r).value(u"rendered"_s).toObject().value(u"0"_s).toString(), u"0"_s);
        const auto closes = c.events(u"phx_close"_s);
        QCOMPARE(closes.size(), 1);
        QCOMPARE(closes.first().at(0).toString(), ja);
        // a late leave for the old join must not stop the new view
        QCOMPARE(status(c.reply(c.push(ja, ta, u"phx_leave"_s, {}))), u"ok"_s);
        QCOMPARE(status(c.reply(c.click(ja2, ta, u"inc"_s))), u"ok"_s);
        QVERIFY(QTest::qWaitFor([&] { return f.server->stats().activeViews == 2; }, 3000));
    }

    void joinRefusals()
    {
        Fixture f([](ServerConfig &c) { c.tokenMaxAge = seconds(1); });
        QVERIFY(f.ok);
        Page p = httpGet(f.port(), "/");
        Client c(f.port());
        QVERIFY(c.waitConnected());
        Page tampered = p;
        tampered.session[5] = tampered.session[5] == u'A' ? u'B' : u'A';
        QCOMPARE(response(c.reply(c.join(tampered, f.url(u"/"_s)))).value(u"reason"_s).toString(), u"stale"_s);
        QCOMPARE(response(c.reply(c.join(p, f.url(u"/"_s), u"wrong-csrf"_s))).value(u"reason"_s).toString(), u"unauthorized"_s);
        QCOMPARE(response(c.reply(c.join(p, f.url(u"/"_s), {}, u"phx-other"_s))).value(u"reason"_s).toString(), u"stale"_s);
        QCOMPARE(response(c.reply(c.join(p, f.url(u"/nowhere"_s)))).value(u"reason"_s).toString(), u"stale"_s);
        const QString rj = c.push(u"77"_s, u"lv:"_s + p.id, u"phx_join"_s,
                                  {{u"redirect"_s, f.url(u"/nowhere"_s)}, {u"params"_s, QJsonObject{{u"_csrf_token"_s, p.csrf}}},
                                   {u"session"_s, p.session}});
        QCOMPARE(response(c.reply(rj)).value(u"reason"_s).toString(), u"unauthorized"_s);
        QJsonArray other = c.reply(c.push(u"9"_s, u"room:lobby"_s, u"phx_join"_s, {}));
        QCOMPARE(response(other).value(u"reason"_s).toString(), u"unmatched topic"_s);
        QVERIFY(other.at(0).isNull());
        QTest::qWait(2100); // token expiry
        QCOMPARE(response(c.reply(c.join(p, f.url(u"/"_s)))).value(u"reason"_s).toString(), u"stale"_s);
        QCOMPARE(f.server->stats().activeViews, 0);
    }

    void tokenBoundToItsView()
    {
        Fixture f;
        QVERIFY(f.ok);
        const Page counter = httpGet(f.port(), "/");
        const Page item = httpGet(f.port(), "/items/5");
        Client c(f.port());
        QVERIFY(c.waitConnected());
        auto reason = [&](const QString &joinRef) { return response(c.reply(joinRef)).value(u"reason"_s).toString(); };
        // A page's token joins its own view only, whatever URL the join names.
        QCOMPARE(reason(c.join(counter, f.url(u"/items/5"_s))), u"unauthorized"_s);
        QCOMPARE(reason(c.join(item, f.url(u"/"_s))), u"unauthorized"_s);
        QCOMPARE(f.server->stats().activeViews, 0);
        // Its own view at another URL of the same route (a rejoin after a live patch) is fine.
        QCOMPARE(status(c.reply(c.join(item, f.url(u"/items/6"_s)))), u"ok"_s);
        // A live navigation (redirect) mounts the route it names, as Phoenix's client sends it.
        const QString nav = c.push(u"90"_s, u"lv:"_s + counter.id, u"phx_join"_s,
                                   {{u"redirect"_s, f.url(u"/list"_s)},
                                    {u"params"_s, QJsonObject{{u"_csrf_token"_s, counter.csrf}}},
                                    {u"session"_s, counter.session}});
        QCOMPARE(status(c.reply(nav)), u"ok"_s);
    }

    void defaultTokenLifeIsShort()
    {
        // The default server refuses a page token that is two days old (it used to take two weeks).
        Fixture f;
        QVERIFY(f.ok);
        const Page p = httpGet(f.port(), "/");
        const QJsonObject claims = QJsonDocument::fromJson(QByteArray::fromBase64(
            p.session.section(u'.', 0, 0).toLatin1(), QByteArray::Base64UrlEncoding)).object();
        QCOMPARE(claims.value(u"id"_s).toString(), p.id);
        const TokenSigner signer("test-secret-test-secret-test-secret");
        Page old = p;
        old.session = QString::fromLatin1(signer.sign(claims, QDateTime::currentDateTimeUtc().addDays(-2)));
        Page fresh = p;
        fresh.session = QString::fromLatin1(signer.sign(claims));
        Client c(f.port());
        QVERIFY(c.waitConnected());
        QCOMPARE(response(c.reply(c.join(old, f.url(u"/"_s)))).value(u"reason"_s).toString(), u"stale"_s);
        QCOMPARE(status(c.reply(c.join(fresh, f.url(u"/"_s)))), u"ok"_s); // the re-signing itself is sound
    }

    void malformedAndOversized_data()
    {
        QTest::addColumn<QString>("frame");
        QTest::addColumn<int>("closeCode");
        QTest::newRow("not json") << u"garbage"_s << int(QWebSocketProtocol::CloseCodeProtocolError);
        QTest::newRow("object") << u"{\"a\":1}"_s << int(QWebSocketProtocol::CloseCodeProtocolError);
        QTest::newRow("short array") << u"[null,\"1\",\"phoenix\"]"_s << int(QWebSocketProtocol::CloseCodeProtocolError);
        QTest::newRow("oversized") << (u"[null,\"1\",\"phoenix\",\"heartbeat\",{\"x\":\""_s + QString(5000, u'a') + u"\"}]"_s)
                                   << int(QWebSocketProtocol::CloseCodeTooMuchData);
    }
    void malformedAndOversized()
    {
        QFETCH(QString, frame);
        QFETCH(int, closeCode);
        Fixture f([](ServerConfig &c) { c.maxFrameBytes = 4096; });
        QVERIFY(f.ok);
        Client c(f.port());
        QVERIFY(c.waitConnected());
        c.ws.sendTextMessage(frame);
        QVERIFY(QTest::qWaitFor([&] { return c.ws.state() == QAbstractSocket::UnconnectedState; }, 5000));
        QCOMPARE(int(c.ws.closeCode()), closeCode);
        // the server survives and serves the next client
        Client next(f.port());
        QVERIFY(next.waitConnected());
        QCOMPARE(status(next.reply(next.push({}, u"phoenix"_s, u"heartbeat"_s, {}))), u"ok"_s);
    }

    void floodIsOverloadedNotDropped()
    {
        Fixture f;
        QVERIFY(f.ok);
        Client c(f.port());
        QVERIFY(c.waitConnected());
        const auto [p, topic, jr] = c.joinPage(f.port(), f.url(u"/"_s), "/");
        QVERIFY(!jr.isEmpty());
        const int n = 400;
        QStringList refs;
        for (int i = 0; i < n; ++i)
            refs.append(c.click(jr, topic, u"slow"_s, {{u"ms"_s, 2}}));
        c.ws.flush();
        auto replies = [&] { return c.events(u"phx_reply"_s).size() - 1; };
        QVERIFY2(QTest::qWaitFor([&] { return replies() >= n; }, 30000), qPrintable(QString::number(replies())));
        int ok = 0, overloaded = 0;
        for (const auto &fr : c.events(u"phx_reply"_s)) {
            if (fr.at(1).toString() == jr)
                continue;
            if (status(fr) == u"ok")
                ++ok;
            else if (response(fr).value(u"reason"_s).toString() == u"overloaded")
                ++overloaded;
        }
        QCOMPARE(ok + overloaded, n);   // every push answered
        QVERIFY(overloaded > 0);        // the bounded mailboxes pushed back
        QVERIFY(ok >= 50);
        QCOMPARE(f.server->stats().overloaded, quint64(overloaded));
        // the counter equals the number of increments the view really did
        const QJsonArray last = c.reply(c.click(jr, topic, u"inc"_s));
        QCOMPARE(response(last).value(u"diff"_s).toObject().value(u"0"_s).toString(), QString::number(ok + 1));
    }

    void suspendedViewKeepsOrderOthersAnswer()
    {
        // A view whose callback waits on another thread takes no other message meanwhile (they
        // queue, in order); another view of the same session (same executor) answers at once.
        Fixture f([](ServerConfig &c) { c.suspendTimeout = milliseconds(5000); });
        QVERIFY(f.ok);
        Page slowPage = httpGet(f.port(), "/"), fastPage = httpGet(f.port(), "/");
        Client c(f.port());
        QVERIFY(c.waitConnected());
        const QString slow = u"lv:"_s + slowPage.id, fast = u"lv:"_s + fastPage.id;
        const QString slowJr = c.join(slowPage, f.url(u"/"_s));
        QCOMPARE(status(c.reply(slowJr)), u"ok"_s);
        const QString fastJr = c.join(fastPage, f.url(u"/"_s));
        QCOMPARE(status(c.reply(fastJr)), u"ok"_s);
        QElapsedTimer t;
        t.start();
        const QString away = c.click(slowJr, slow, u"away"_s, {{u"ms"_s, u"600"_s}});
        const QString after = c.click(slowJr, slow, u"inc"_s);
        const QJsonArray quick = c.reply(c.click(fastJr, fast, u"inc"_s));
        QVERIFY2(t.elapsed() < 500, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(response(quick).value(u"diff"_s).toObject().value(u"0"_s).toString(), u"1"_s);
        auto waiting = [&] {
            QStringList out;
            for (const ActorInfo &a : f.system.registry().snapshot().actors)
                if (a.kind == u"view" && a.detail.contains(u"waiting"_s))
                    out << a.detail.value(u"waiting"_s).toString();
            return out;
        };
        QCOMPARE(waiting().size(), 1); // what the monitor's detail pane shows
        QVERIFY2(waiting().first().startsWith(u"CounterView.away since "_s), qPrintable(waiting().first()));
        const QJsonArray awayReply = c.reply(away);
        QVERIFY(t.elapsed() >= 600);
        QCOMPARE(response(awayReply).value(u"diff"_s).toObject().value(u"0"_s).toString(), u"100"_s);
        QCOMPARE(response(c.reply(after)).value(u"diff"_s).toObject().value(u"0"_s).toString(), u"101"_s);
        auto position = [&](const QString &ref) {
            for (qsizetype i = 0; i < c.frames.size(); ++i)
                if (c.frames.at(i).at(3).toString() == u"phx_reply" && c.frames.at(i).at(1).toString() == ref)
                    return i;
            return qsizetype(-1);
        };
        QVERIFY(position(away) < position(after)); // answered in the order sent
        QVERIFY(QTest::qWaitFor([&] { return waiting().isEmpty(); }, 2000));
    }

    void liveComponents()
    {
        // Events by cid, the two-phase removal, bad cids answered with an error while the view
        // goes on, and the components in the view's registry detail (the monitor shows it).
        Fixture f;
        QVERIFY(f.ok);
        Page page = httpGet(f.port(), "/cards");
        QVERIFY(page.body.contains("data-phx-component=\"2\""));
        Client c(f.port());
        QVERIFY(c.waitConnected());
        const QString topic = u"lv:"_s + page.id;
        const QString jr = c.join(page, f.url(u"/cards"_s));
        const QJsonObject rendered = response(c.reply(jr)).value(u"rendered"_s).toObject();
        const QJsonObject comps = rendered.value(u"c"_s).toObject();
        QCOMPARE(comps.keys(), (QStringList{u"1"_s, u"2"_s}));
        QVERIFY(comps.value(u"1"_s).toObject().value(u"s"_s).isArray());
        QCOMPARE(comps.value(u"2"_s).toObject().value(u"s"_s).toInt(), 1);
        auto event = [&](const QJsonValue &cid, const QString &name) {
            QJsonObject payload{{u"type"_s, u"click"_s}, {u"event"_s, name}, {u"value"_s, QJsonObject()}};
            if (!cid.isNull())
                payload.insert(u"cid"_s, cid);
            return c.reply(c.push(jr, topic, u"event"_s, payload));
        };
        const QJsonArray liked = event(2, u"like"_s);
        QCOMPARE(status(liked), u"ok"_s);
        QCOMPARE(QJsonDocument(response(liked).value(u"diff"_s).toObject()).toJson(QJsonDocument::Compact),
                 QByteArray(R"({"c":{"2":{"2":"1"}}})"));
        auto detail = [&] {
            for (const ActorInfo &a : f.system.registry().snapshot().actors)
                if (a.kind == u"view")
                    return a.detail.value(u"components"_s).toString();
            return QString();
        };
        QCOMPARE(detail(), u"2: LikeCard#1 (id 1), LikeCard#2 (id 2)"_s);
        QCOMPARE(status(event(QJsonValue(), u"remove"_s)), u"ok"_s);
        auto removal = [&](const QString &phase, const QJsonValue &cids) {
            return c.reply(c.push(jr, topic, phase, {{u"cids"_s, cids}}));
        };
        QCOMPARE(status(removal(u"cids_will_destroy"_s, QJsonArray{2})), u"ok"_s);
        QCOMPARE(response(removal(u"cids_destroyed"_s, QJsonArray{2, 7})).value(u"cids"_s).toArray(), QJsonArray{2});
        QCOMPARE(detail(), u"1: LikeCard#1 (id 1)"_s);
        // bad input: clear error replies, the view keeps working
        for (const QJsonValue &bad : {QJsonValue(2), QJsonValue(99), QJsonValue(u"x"_s), QJsonValue(-1)}) {
            const QJsonArray r = event(bad, u"like"_s);
            QCOMPARE(status(r), u"error"_s);
            QVERIFY(!response(r).value(u"reason"_s).toString().isEmpty());
        }
        QCOMPARE(status(removal(u"cids_destroyed"_s, u"nope"_s)), u"error"_s);
        QCOMPARE(QJsonDocument(response(event(1, u"like"_s)).value(u"diff"_s).toObject()).toJson(QJsonDocument::Compact),
                 QByteArray(R"({"c":{"1":{"2":"1"}}})"));
    }

    void suspendedPastTheTimeoutCrashes()
    {
        Fixture f([](ServerConfig &c) { c.suspendTimeout = milliseconds(200); });
        QVERIFY(f.ok);
        Client c(f.port());
        QVERIFY(c.waitConnected());
        const auto [p, topic, jr] = c.joinPage(f.port(), f.url(u"/"_s), "/");
        QVERIFY(!jr.isEmpty());
        const QJsonArray r = c.reply(c.click(jr, topic, u"away"_s, {{u"ms"_s, u"1500"_s}}));
        QCOMPARE(status(r), u"error"_s);
        QCOMPARE(response(r).value(u"reason"_s).toString(), u"crash"_s);
        QVERIFY(QTest::qWaitFor([&] { return c.events(u"phx_error"_s).size() == 1; }, 3000));
        QList<ActorInfo> views;
        for (const ActorInfo &a : f.system.registry().snapshot().actors)
            if (a.kind == u"view")
                views.append(a);
        QCOMPARE(views.size(), 1);
        QVERIFY2(views.first().lastExit.message.contains(u"handler timeout"), qPrintable(views.first().lastExit.toString()));
        QTest::qWait(1500); // the late resume finds the actor gone: dropped
        QVERIFY(f.server->isListening());
        // the rejoin mounts afresh
        QCOMPARE(status(c.reply(c.join(p, f.url(u"/"_s)))), u"ok"_s);
    }

    void crashGivesPhxErrorThenRejoin()
    {
        Fixture f([](ServerConfig &c) { c.viewCrashIntensity = 2; });
        QVERIFY(f.ok);
        Page p = httpGet(f.port(), "/");
        Client c(f.port());
        QVERIFY(c.waitConnected());
        const QString topic = u"lv:"_s + p.id;
        QString jr = c.join(p, f.url(u"/"_s));
        QCOMPARE(status(c.reply(jr)), u"ok"_s);
        c.reply(c.click(jr, topic, u"inc"_s));
        QJsonArray cr = c.reply(c.click(jr, topic, u"crash"_s));
        QCOMPARE(status(cr), u"error"_s);
        QVERIFY(QTest::qWaitFor([&] { return c.events(u"phx_error"_s).size() == 1; }, 3000));
        const QJsonArray err = c.events(u"phx_error"_s).first();
        QCOMPARE(err.at(0).toString(), jr);
        QCOMPARE(err.at(1).toString(), jr);
        QCOMPARE(err.at(2).toString(), topic);
        QCOMPARE(f.server->stats().viewCrashes, 1u);
        auto views = [&] {
            QList<ActorInfo> out;
            for (const ActorInfo &a : f.system.registry().snapshot().actors)
                if (a.kind == u"view")
                    out.append(a);
            return out;
        };
        // Until the rejoin the crashed view waits in the registry as "restarting", with its reason.
        QCOMPARE(views().size(), 1);
        const QUuid viewId = views().first().id;
        QCOMPARE(views().first().state, ActorState::Restarting);
        QVERIFY2(views().first().lastExit.message.contains(u"crash"_s), qPrintable(views().first().lastExit.toString()));
        // the client rejoins: a fresh mount, by the same actor restarted (next incarnation)
        jr = c.join(p, f.url(u"/"_s));
        QJsonArray r = c.reply(jr);
        QCOMPARE(status(r), u"ok"_s);
        QCOMPARE(response(r).value(u"rendered"_s).toObject().value(u"0"_s).toString(), u"0"_s);
        QCOMPARE(views().size(), 1);
        QCOMPARE(views().first().id, viewId);
        QCOMPARE(views().first().incarnation, 1u);
        QCOMPARE(views().first().restartCount, 1);
        // The restart preview of a kill: the session's own rule (rejoin, crash 2 of 2)
        const auto preview = [&](const QUuid &id) {
            std::optional<Result<QList<PreviewStep>>> out;
            f.system.previewExit(id, ChildExit::Crash, nullptr, [&](Result<QList<PreviewStep>> r) { out = r; });
            QTest::qWaitFor([&] { return out.has_value(); }, 3000);
            return out.value_or(fail(ErrorCode::Timeout));
        };
        auto steps = preview(viewId);
        QVERIFY(steps && steps->size() == 1);
        QCOMPARE(steps->first().parentKind, u"session"_s);
        QCOMPARE(steps->first().plan.stops, QList<QUuid>{viewId});
        QCOMPARE(steps->first().plan.restarts, QList<QUuid>{viewId});
        QVERIFY(!steps->first().plan.escalates);
        QVERIFY2(steps->first().plan.note.contains(u"view crash 2 of 2"_s), qPrintable(steps->first().plan.note));
        // killed from outside (the monitor's Kill) → phx_error as well, and restart 2 on rejoin
        f.system.kill(viewId);
        QVERIFY(QTest::qWaitFor([&] { return c.events(u"phx_error"_s).size() == 2; }, 3000));
        QCOMPARE(c.events(u"phx_error"_s).at(1).at(0).toString(), jr);
        QVERIFY(QTest::qWaitFor([&] { return views().size() == 1 && views().first().state == ActorState::Restarting; }, 3000));
        QCOMPARE(views().first().lastExit.kind, ExitReason::Kind::Killed);
        // The session reports its budget for the control plane and the monitor: 2 of 2 spent.
        const auto sessionBudget = [&]() -> std::optional<SupervisionInfo> {
            for (const ActorInfo &a : f.system.registry().snapshot().actors)
                if (a.kind == u"session")
                    return a.supervision;
            return std::nullopt;
        };
        QVERIFY(sessionBudget());
        QCOMPARE(sessionBudget()->strategy, u"session"_s);
        QCOMPARE(sessionBudget()->intensity, 2);
        QCOMPARE(sessionBudget()->restartsInWindow, 2);
        QVERIFY(sessionBudget()->windowEndsAtMs > QDateTime::currentMSecsSinceEpoch());
        // a third crash within the period exceeds intensity 2: the session ends, socket closed
        jr = c.join(p, f.url(u"/"_s));
        QCOMPARE(status(c.reply(jr)), u"ok"_s);
        QCOMPARE(views().first().id, viewId);
        QCOMPARE(views().first().restartCount, 2);
        // now the preview says the session ends, and its own parent does not restart it (temporary)
        steps = preview(viewId);
        QVERIFY(steps && steps->size() == 2);
        QVERIFY(steps->first().plan.escalates);
        QVERIFY(steps->first().plan.restarts.isEmpty());
        QCOMPARE(steps->at(1).plan.stops.size(), 1);
        QVERIFY(steps->at(1).plan.restarts.isEmpty());
        QVERIFY2(steps->at(1).plan.note.contains(u"temporary"_s), qPrintable(steps->at(1).plan.note));
        c.click(jr, topic, u"crash"_s);
        QVERIFY(QTest::qWaitFor([&] { return c.ws.state() == QAbstractSocket::UnconnectedState; }, 5000));
        QCOMPARE(c.ws.closeCode(), QWebSocketProtocol::CloseCodeBadOperation);
        QVERIFY(QTest::qWaitFor([&] { return f.server->stats().activeSessions == 0; }, 3000));
        // nothing is left waiting for a restart once its session is gone
        QVERIFY(QTest::qWaitFor([&] { return views().isEmpty(); }, 3000));
    }

    void crashedViewNotRejoinedIsForgotten()
    {
        Fixture f([](ServerConfig &c) { c.sessionTtl = milliseconds(300); });
        QVERIFY(f.ok);
        Page p = httpGet(f.port(), "/");
        Client c(f.port());
        QVERIFY(c.waitConnected());
        const QString jr = c.join(p, f.url(u"/"_s));
        QCOMPARE(status(c.reply(jr)), u"ok"_s);
        c.click(jr, u"lv:"_s + p.id, u"crash"_s);
        QVERIFY(QTest::qWaitFor([&] { return c.events(u"phx_error"_s).size() == 1; }, 3000));
        auto views = [&] {
            int n = 0;
            for (const ActorInfo &a : f.system.registry().snapshot().actors)
                n += a.kind == u"view" ? 1 : 0;
            return n;
        };
        QCOMPARE(views(), 1); // "restarting", waiting for the rejoin
        // No rejoin (the page went away, its socket did not): forgotten after sessionTtl, while
        // the session itself lives on.
        c.push({}, u"phoenix"_s, u"heartbeat"_s, {});
        QVERIFY(QTest::qWaitFor([&] { return views() == 0; }, 3000));
        QCOMPARE(f.server->stats().activeSessions, 1);
    }

    void ttlReaping()
    {
        Fixture f([](ServerConfig &c) { c.sessionTtl = milliseconds(600); });
        QVERIFY(f.ok);
        Page p = httpGet(f.port(), "/");
        {
            Client c(f.port());
            QVERIFY(c.waitConnected());
            QCOMPARE(status(c.reply(c.join(p, f.url(u"/"_s)))), u"ok"_s);
            c.ws.close();
            QVERIFY(QTest::qWaitFor([&] { return c.ws.state() == QAbstractSocket::UnconnectedState; }, 3000));
        }
        QTest::qWait(250);
        QCOMPARE(f.server->stats().activeSessions, 1); // kept during the TTL
        QCOMPARE(f.server->stats().activeViews, 1);
        QVERIFY(QTest::qWaitFor([&] { return f.server->stats().activeSessions == 0; }, 3000));
        QVERIFY(QTest::qWaitFor([&] { return f.server->stats().activeViews == 0; }, 3000)); // children stop after
        QCOMPARE(f.server->stats().sessionsReaped, 1u);
    }

    void closedSocketsFreeTheirSlots()
    {
        // A client that opens and politely closes maxConnections sockets must not lock everyone
        // else out for the session TTL: the slot goes with the socket, the session lives on.
        constexpr int max = 5;
        Fixture f([](ServerConfig &c) {
            c.maxConnections = max;
            c.sessionTtl = milliseconds(60000);
        });
        QVERIFY(f.ok);
        for (int i = 0; i < max; ++i) {
            Client c(f.port());
            QVERIFY(c.waitConnected());
            c.ws.close();
            QVERIFY(QTest::qWaitFor([&] { return c.ws.state() == QAbstractSocket::UnconnectedState; }, 3000));
        }
        QVERIFY2(QTest::qWaitFor([&] { return f.server->stats().openSockets == 0; }, 1000),
                 qPrintable(u"openSockets = %1"_s.arg(f.server->stats().openSockets)));
        QCOMPARE(f.server->stats().activeSessions, max); // still within their TTL
        Client next(f.port());
        QVERIFY(QTest::qWaitFor([&] { return next.ws.state() == QAbstractSocket::ConnectedState; }, 1000));
        const auto [p, topic, jr] = next.joinPage(f.port(), f.url(u"/"_s), "/");
        QVERIFY(!jr.isEmpty());
        QCOMPARE(f.server->stats().openSockets, 1);
        QCOMPARE(f.server->stats().connectionsRejected, 0u);
    }

    void connectionsPerAddressAreCapped()
    {
        Fixture f([](ServerConfig &c) { c.maxConnectionsPerIp = 2; });
        QVERIFY(f.ok);
        auto first = std::make_unique<Client>(f.port());
        Client second(f.port());
        QVERIFY(first->waitConnected() && second.waitConnected());
        Client third(f.port()); // the same address (127.0.0.1) a third time: refused before the 101
        QVERIFY(QTest::qWaitFor([&] { return third.ws.state() == QAbstractSocket::UnconnectedState; }, 3000));
        QCOMPARE(f.server->stats().connectionsRejected, 1u);
        first.reset(); // one closes: its slot for this address is free again
        QVERIFY(QTest::qWaitFor([&] { return f.server->stats().openSockets == 1; }, 3000));
        Client fourth(f.port());
        QVERIFY(fourth.waitConnected());
        const auto [p, topic, jr] = fourth.joinPage(f.port(), f.url(u"/"_s), "/");
        QVERIFY(!jr.isEmpty());
    }

    void killedSessionSupervisorIsReplaced()
    {
        // ctl kill (or the monitor) may kill the session supervisor: its sessions end, the
        // clients reconnect, and the server must take them under a fresh supervisor.
        Fixture f;
        QVERIFY(f.ok);
        Client before(f.port());
        QVERIFY(before.waitConnected());
        QVERIFY(!before.joinPage(f.port(), f.url(u"/"_s), "/").joinRef.isEmpty());
        const ActorRef first = f.server->sessionSupervisor();
        bool killed = false;
        f.system.kill(first.id(), f.server.get(), [&](Result<void>) { killed = true; });
        QVERIFY(QTest::qWaitFor([&] { return killed; }, 3000));
        // Right away (the replacement may not be there yet): a new socket joins a view.
        Client after(f.port());
        QVERIFY(after.waitConnected());
        const auto joined = after.joinPage(f.port(), f.url(u"/"_s), "/");
        QVERIFY2(!joined.joinRef.isEmpty(), "a new socket joins a view after the supervisor was killed");
        QVERIFY(after.ws.state() == QAbstractSocket::ConnectedState);
        const ActorRef second = f.server->sessionSupervisor();
        QVERIFY(!second.isNull() && !(second == first));
        // The killed supervisor's session ended with it; its client is told to reconnect.
        QVERIFY(QTest::qWaitFor([&] { return before.ws.state() == QAbstractSocket::UnconnectedState; }, 3000));
        QCOMPARE(before.ws.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
        QCOMPARE(httpGet(f.port(), "/health").status, 200);
        // The replacement is supervised the same way: a second kill is survived too.
        killed = false;
        f.system.kill(second.id(), f.server.get(), [&](Result<void>) { killed = true; });
        QVERIFY(QTest::qWaitFor([&] { return killed; }, 3000));
        Client third(f.port());
        QVERIFY(third.waitConnected());
        QVERIFY(!third.joinPage(f.port(), f.url(u"/"_s), "/").joinRef.isEmpty());
        QCOMPARE(httpGet(f.port(), "/health").status, 200);
    }

    void sessionStartedAsItsSupervisorDiesGoesToTheNext()
    {
        // A socket upgraded while the supervisor is being killed: its start command reaches the
        // dead supervisor (dropped), and the session must start under the replacement instead.
        Fixture f;
        QVERIFY(f.ok);
        const ActorRef first = f.server->sessionSupervisor();
        // Hold the supervisor's thread so that the kill is queued before the session's start.
        (void)first.call([](Actor &) { QThread::msleep(300); });
        f.system.kill(first.id());
        Client c(f.port());
        QVERIFY(c.waitConnected());
        QVERIFY(!c.joinPage(f.port(), f.url(u"/"_s), "/").joinRef.isEmpty());
        QVERIFY(!(f.server->sessionSupervisor() == first));
        QCOMPARE(httpGet(f.port(), "/health").status, 200);
    }

    void sessionSupervisorRestartsExhausted()
    {
        // Killed again and again within the restart period, the session supervisor is given up
        // on (OTP restart intensity): the service cannot take sessions and /health says so.
        Fixture f;
        QVERIFY(f.ok);
        int kills = 0;
        while (httpGet(f.port(), "/health").status == 200 && kills < 10) {
            const ActorRef sup = f.server->sessionSupervisor();
            QVERIFY(!sup.isNull());
            bool killed = false;
            f.system.kill(sup.id(), f.server.get(), [&](Result<void>) { killed = true; });
            QVERIFY(QTest::qWaitFor([&] { return killed; }, 3000));
            ++kills;
            // Replaced, or given up on (null).
            QVERIFY(QTest::qWaitFor([&] { return !(f.server->sessionSupervisor() == sup); }, 3000));
        }
        QVERIFY2(kills >= 2, "at least one restart before giving up");
        QVERIFY(kills < 10);
        const Page health = httpGet(f.port(), "/health");
        QCOMPARE(health.status, 503);
        QVERIFY2(health.body.contains("restart"), health.body.constData());
        // Upgrades are refused before the 101, not accepted and then closed.
        const Page upgrade = httpGet(f.port(), "/live/websocket?vsn=2.0.0",
                                     "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
        QCOMPARE(upgrade.status, 503);
    }

    void idleSocketClosed()
    {
        Fixture f([](ServerConfig &c) { c.idleTimeout = milliseconds(400); });
        QVERIFY(f.ok);
        Client c(f.port());
        QVERIFY(c.waitConnected());
        QVERIFY(QTest::qWaitFor([&] { return c.ws.state() == QAbstractSocket::UnconnectedState; }, 3000));
        QCOMPARE(c.ws.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    }

    void shutdownWithAWaitingViewIsBounded()
    {
        // A view waiting on another thread (a stuck blocking call) does not hold the shutdown:
        // the session's 2 s per-view timeout kills it and the socket still closes with 1001.
        Fixture f([](ServerConfig &c) { c.suspendTimeout = milliseconds(60000); });
        QVERIFY(f.ok);
        Client c(f.port());
        QVERIFY(c.waitConnected());
        const auto [p, topic, jr] = c.joinPage(f.port(), f.url(u"/"_s), "/");
        QVERIFY(!jr.isEmpty());
        c.click(jr, topic, u"away"_s, {{u"ms"_s, u"20000"_s}});
        c.ws.flush();
        QTest::qWait(100);
        QElapsedTimer t;
        t.start();
        f.server->shutdown(milliseconds(5000));
        QVERIFY(QTest::qWaitFor([&] { return c.ws.state() == QAbstractSocket::UnconnectedState; }, 5000));
        QVERIFY2(t.elapsed() < 4500, qPrintable(QString::number(t.elapsed())));
        QCOMPARE(c.ws.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    }

    void shutdownWithAStuckHandlerSaysGoingAway()
    {
        // A handler blocking its executor thread (a Python time.sleep in an inline handler): the
        // session cannot close its socket, and the client must still be told 1001 when the
        // shutdown's time is up, not be left to a socket that dies with the process.
        Fixture f;
        QVERIFY(f.ok);
        const auto unstick = qScopeGuard([] { releaseStuck(); }); // before the fixture stops the executors
        Client c(f.port());
        QVERIFY(c.waitConnected());
        const auto [p, topic, jr] = c.joinPage(f.port(), f.url(u"/"_s), "/");
        QVERIFY(!jr.isEmpty());
        c.click(jr, topic, u"stuck"_s);
        c.ws.flush();
        QVERIFY(QTest::qWaitFor([&] { return f.server->stats().events == 1; }, 5000)); // in the handler now
        QVERIFY(!f.server->shutdown(milliseconds(300))); // not clean: a session did not stop
        QVERIFY(QTest::qWaitFor([&] { return c.ws.state() == QAbstractSocket::UnconnectedState; }, 10000));
        QCOMPARE(c.ws.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    }

    void gracefulShutdown()
    {
        Fixture f;
        QVERIFY(f.ok);
        Client c(f.port());
        QVERIFY(c.waitConnected());
        const auto [p, topic, jr] = c.joinPage(f.port(), f.url(u"/"_s), "/");
        QVERIFY(!jr.isEmpty());
        // in-flight events are answered before the socket closes
        QStringList refs;
        for (int i = 0; i < 20; ++i)
            refs.append(c.click(jr, topic, u"slow"_s, {{u"ms"_s, 5}}));
        c.ws.flush();
        QTest::qWait(30);
        QVERIFY(f.server->shutdown(milliseconds(5000)));
        QVERIFY(QTest::qWaitFor([&] { return c.ws.state() == QAbstractSocket::UnconnectedState; }, 3000));
        QCOMPARE(c.ws.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
        int answered = 0;
        for (const QString &r : refs)
            for (const auto &fr : std::as_const(c.frames))
                if (fr.at(3).toString() == u"phx_reply" && fr.at(1).toString() == r)
                    ++answered;
        QVERIFY2(answered > 0, "events received before shutdown were answered");
        QCOMPARE(f.server->stats().openSockets, 0);
        QVERIFY(!f.server->isListening());
        QCOMPARE(httpGet(f.port(), "/").status, 0); // no longer accepting
    }
};

QTEST_MAIN(tst_LiveViewServer)
#include "tst_liveviewserver.moc"

