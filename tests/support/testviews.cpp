#include "support/testviews.h"

#include <QHash>
#include <QJsonArray>
#include <QSemaphore>
#include <QThread>
#include <QUuid>

#include <memory>
#include <mutex>
#include <thread>

using namespace Qt::StringLiterals;
using namespace std::chrono;

namespace LiveActor::Test {

namespace {

QSemaphore g_stuckGate;

/// Compiled once per source and shared by every instance, as TemplateEngine does for Python
/// views (views are constructed on several executor threads).
Template compileOnce(const QString &source)
{
    static std::mutex mutex;
    static QHash<QString, Template> cache;
    std::lock_guard lock(mutex);
    if (auto it = cache.constFind(source); it != cache.cend())
        return *it;
    auto t = Template::compile(source);
    if (!t)
        qFatal("test view template does not compile: %s", qPrintable(t.error().toString()));
    cache.insert(source, *t);
    return *t;
}

/// Shared plumbing: a template, an assigns map and a per-mount id.
class SimpleView : public ViewHandler
{
public:
    explicit SimpleView(Template t) : m_template(std::move(t))
    {
        set(u"mount"_s, QUuid::createUuid().toString(QUuid::WithoutBraces).left(8));
    }
    Template viewTemplate() const override { return m_template; }
    Result<ValueMap> assigns() override { return m_assigns; }
    Result<ValueMap> inspectAssigns() const override { return m_assigns; }
    Result<void> handleEvent(const QString &event, const QJsonObject &, ViewContext &) override
    {
        return fail(ErrorCode::NotFound, u"no handler for event "_s + event); // refused, not a crash
    }

protected:
    void set(const QString &k, const Value &v) { m_assigns.insert(k, v); }
    Value get(const QString &k) const { return m_assigns.value(k); }
    Template m_template;
    ValueMap m_assigns;
};

// count / inc / crash / slow / ask (replies to a hook)
class CounterView : public SimpleView
{
public:
    CounterView()
        : SimpleView(compileOnce(
            u"<div id=\"counter\"><h1 id=\"count\">{{ count }}</h1>"
            "<button id=\"inc\" phx-click=\"inc\">+</button>"
            "<button id=\"inc5\" phx-click=\"inc\" phx-value-by=\"5\">+5</button>"
            "<button id=\"crash\" phx-click=\"crash\">crash</button>"
            "<span id=\"mount\">{{ mount }}</span><span id=\"connected\">{{ connected }}</span></div>"_s))
    {
    }
    Result<void> mount(const QJsonObject &params, const QJsonObject &, ViewContext &ctx) override
    {
        set(u"count"_s, params.value(u"start"_s).toString().toInt());
        set(u"connected"_s, ctx.isConnected() ? u"yes"_s : u"no"_s);
        return {};
    }
    Result<void> handleEvent(const QString &event, const QJsonObject &value, ViewContext &ctx) override
    {
        if (event == u"inc") {
            const int by = value.value(u"by"_s).toString().toInt();
            set(u"count"_s, get(u"count"_s).toInt() + (by > 0 ? by : 1));
            return {};
        }
        if (event == u"crash")
            return fail(ErrorCode::Crashed, u"crash requested by the client"_s);
        if (event == u"slow") {
            QThread::msleep(ulong(value.value(u"ms"_s).toInt(5)));
            set(u"count"_s, get(u"count"_s).toInt() + 1);
            return {};
        }
        if (event == u"stuck") {
            (void)g_stuckGate.tryAcquire(1, 60000);
            return {};
        }
        if (event == u"away") {
            // Work on another thread (as a blocking Python handler on a worker does): the view
            // suspends, the thread resumes it after ms; resume() then counts it.
            ViewResume resume = ctx.suspend(u"CounterView.away"_s);
            if (!resume)
                return fail(ErrorCode::NotSupported, u"this context cannot wait"_s);
            std::thread([resume, ms = value.value(u"ms"_s).toString().toInt()] {
                std::this_thread::sleep_for(milliseconds(ms));
                resume();
            }).detach();
            m_away = true;
            return {};
        }
        if (event == u"ask") { // a hook's pushEvent: the reply carries the count and the question
            set(u"count"_s, get(u"count"_s).toInt() + 1);
            ctx.replyEvent({{u"count"_s, get(u"count"_s).toInt()}, {u"q"_s, value.value(u"q"_s)}});
            return {};
        }
        if (event == u"title") {
            ctx.setTitle(value.value(u"title"_s).toString());
            ctx.pushEvent(u"titled"_s, QJsonObject{{u"title"_s, value.value(u"title"_s)}});
            return {};
        }
        return SimpleView::handleEvent(event, value, ctx);
    }
    Result<void> resume(ViewContext &) override
    {
        if (std::exchange(m_away, false))
            set(u"count"_s, get(u"count"_s).toInt() + 100);
        return {};
    }

private:
    bool m_away = false;
};

// phx-change / phx-submit
class FormView : public SimpleView
{
public:
    FormView()
        : SimpleView(compileOnce(
            u"<div id=\"form\"><form id=\"f\" phx-change=\"validate\" phx-submit=\"save\">"
            "<input id=\"name\" name=\"user[name]\" type=\"text\" value=\"{{ echo }}\"/>"
            "<input id=\"tag1\" name=\"user[tags][]\" type=\"checkbox\" value=\"a\"{% if tag_a %} checked{% endif %}/>"
            "<input id=\"tag2\" name=\"user[tags][]\" type=\"checkbox\" value=\"b\"{% if tag_b %} checked{% endif %}/>"
            "<button id=\"save\" type=\"submit\">Save</button></form>"
            "<p id=\"echo\">{{ echo }}</p><p id=\"target\">{{ target }}</p><p id=\"tags\">{{ tags }}</p>"
            "<p id=\"saved\">{{ saved }}</p><span id=\"mount\">{{ mount }}</span></div>"_s))
    {
    }
    Result<void> mount(const QJsonObject &, const QJsonObject &, ViewContext &) override
    {
        set(u"echo"_s, u""_s);
        set(u"target"_s, u""_s);
        set(u"tags"_s, u""_s);
        set(u"saved"_s, u""_s);
        set(u"tag_a"_s, false);
        set(u"tag_b"_s, false);
        return {};
    }
    Result<void> handleEvent(const QString &event, const QJsonObject &value, ViewContext &ctx) override
    {
        const QJsonObject user = value.value(u"user"_s).toObject();
        QStringList tags;
        for (const auto &t : user.value(u"tags"_s).toArray())
            tags.append(t.toString());
        if (event == u"validate") {
            set(u"echo"_s, user.value(u"name"_s).toString());
            QStringList path;
            for (const auto &p : value.value(u"_target"_s).toArray())
                path.append(p.toString());
            set(u"target"_s, path.join(u'.'));
            set(u"tags"_s, tags.join(u','));
            set(u"tag_a"_s, tags.contains(u"a"_s));
            set(u"tag_b"_s, tags.contains(u"b"_s));
            return {};
        }
        if (event == u"save") {
            set(u"saved"_s, QString(u"saved:"_s + user.value(u"name"_s).toString()));
            return {};
        }
        return SimpleView::handleEvent(event, value, ctx);
    }
};

// server push: a tick every 50 ms
class TimerView : public SimpleView
{
public:
    TimerView()
        : SimpleView(compileOnce(u"<div id=\"timer\"><p id=\"ticks\">{{ ticks }}</p><span id=\"mount\">{{ mount }}</span></div>"_s))
    {
    }
    Result<void> mount(const QJsonObject &, const QJsonObject &, ViewContext &ctx) override
    {
        set(u"ticks"_s, 0);
        if (ctx.isConnected())
            ctx.sendAfter(milliseconds(50), ViewInfo{u"tick"_s, {}});
        return {};
    }
    Result<void> handleInfo(const ViewInfo &info, ViewContext &ctx) override
    {
        if (info.name == u"tick") {
            set(u"ticks"_s, get(u"ticks"_s).toInt() + 1);
            ctx.sendAfter(milliseconds(50), ViewInfo{u"tick"_s, {}});
        }
        return {};
    }
};

// keyed list
class ListView : public SimpleView
{
public:
    ListView()
        : SimpleView(compileOnce(
            u"<div id=\"list\"><ul id=\"items\">{% for item in items key item.id %}"
            "<li id=\"item-{{ item.id }}\">{{ item.name }}</li>{% endfor %}</ul>"
            "<button id=\"add\" phx-click=\"add\">add</button>"
            "<button id=\"reverse\" phx-click=\"reverse\">reverse</button>"
            "<button id=\"remove-first\" phx-click=\"remove_first\">remove first</button>"
            "<span id=\"mount\">{{ mount }}</span></div>"_s))
    {
    }
    Result<void> mount(const QJsonObject &, const QJsonObject &, ViewContext &) override
    {
        m_items = {{1, u"one"_s}, {2, u"two"_s}, {3, u"three"_s}};
        m_next = 4;
        publish();
        return {};
    }
    Result<void> handleEvent(const QString &event, const QJsonObject &value, ViewContext &ctx) override
    {
        if (event == u"add") {
            const QString name = value.value(u"name"_s).toString();
            m_items.append({m_next, name.isEmpty() ? u"item%1"_s.arg(m_next) : name});
            ++m_next;
        } else if (event == u"reverse") {
            std::reverse(m_items.begin(), m_items.end());
        } else if (event == u"remove_first") {
            if (!m_items.isEmpty())
                m_items.removeFirst();
        } else if (event == u"remove") {
            const int id = value.value(u"id"_s).toString().toInt();
            m_items.removeIf([id](const auto &i) { return i.first == id; });
        } else {
            return SimpleView::handleEvent(event, value, ctx);
        }
        publish();
        return {};
    }

private:
    void publish()
    {
        ValueList list;
        for (const auto &[id, name] : std::as_const(m_items))
            list.append(ValueMap{{u"id"_s, id}, {u"name"_s, name}});
        set(u"items"_s, list);
    }
    QList<std::pair<int, QString>> m_items;
    int m_next = 1;
};

// route params + push_patch
class ItemView : public SimpleView
{
public:
    ItemView()
        : SimpleView(compileOnce(
            u"<div id=\"item\"><p id=\"id\">{{ id }}</p><p id=\"q\">{{ q }}</p>"
            "<button id=\"next\" phx-click=\"next\">next</button>"
            "<span id=\"mount\">{{ mount }}</span></div>"_s))
    {
    }
    Result<void> mount(const QJsonObject &, const QJsonObject &, ViewContext &) override { return {}; }
    Result<void> handleParams(const QJsonObject &params, const QUrl &, ViewContext &ctx) override
    {
        set(u"id"_s, params.value(u"id"_s).toString());
        set(u"q"_s, params.value(u"q"_s).toString());
        ctx.setTitle(u"Item "_s + params.value(u"id"_s).toString());
        return {};
    }
    Result<void> handleEvent(const QString &event, const QJsonObject &value, ViewContext &ctx) override
    {
        if (event == u"next") {
            ctx.pushPatch(u"/items/%1?q=patched"_s.arg(get(u"id"_s).toString().toInt() + 1));
            return {};
        }
        if (event == u"elsewhere") {
            ctx.redirect(u"/"_s);
            return {};
        }
        return SimpleView::handleEvent(event, value, ctx);
    }
};

// pub/sub
class ChatView : public SimpleView
{
public:
    ChatView()
        : SimpleView(compileOnce(
            u"<div id=\"chat\"><p id=\"last\">{{ last }}</p><p id=\"received\">{{ received }}</p>"
            "<span id=\"mount\">{{ mount }}</span></div>"_s))
    {
    }
    Result<void> mount(const QJsonObject &, const QJsonObject &, ViewContext &ctx) override
    {
        set(u"last"_s, u""_s);
        set(u"received"_s, 0);
        if (ctx.isConnected())
            return ctx.subscribe(u"chat"_s);
        return {};
    }
    Result<void> handleEvent(const QString &event, const QJsonObject &value, ViewContext &ctx) override
    {
        if (event == u"say") {
            ctx.broadcast(u"chat"_s, value.value(u"text"_s).toString());
            return {};
        }
        return SimpleView::handleEvent(event, value, ctx);
    }
    Result<void> handleInfo(const ViewInfo &info, ViewContext &) override
    {
        set(u"last"_s, info.payload.toString());
        set(u"received"_s, get(u"received"_s).toInt() + 1);
        return {};
    }
};

// flash: shown, cleared by lv:clear-flash, carried by live navigation and full redirects
class FlashView : public SimpleView
{
public:
    FlashView()
        : SimpleView(compileOnce(
            u"<div id=\"flashview\">{% if flash.info %}<p id=\"flash-info\" phx-click=\"lv:clear-flash\" "
            "phx-value-key=\"info\">{{ flash.info }}</p>{% endif %}<p id=\"from\">{{ from }}</p>"
            "<button id=\"save\" phx-click=\"save\">save</button>"
            "<button id=\"go-live\" phx-click=\"go_live\">live</button>"
            "<button id=\"go-full\" phx-click=\"go_full\">full</button>"
            "<span id=\"mount\">{{ mount }}</span></div>"_s))
    {
    }
    Result<void> mount(const QJsonObject &params, const QJsonObject &, ViewContext &ctx) override
    {
        m_flash = ctx.flash();
        set(u"from"_s, params.value(u"from"_s).toString());
        if (params.contains(u"bounce"_s)) // the dead render redirects with a flash: a cookie
            return leave(ctx, u"Bounced"_s, [&] { ctx.redirect(u"/flash?from=bounce"_s); });
        publish();
        return {};
    }
    Result<void> handleEvent(const QString &event, const QJsonObject &value, ViewContext &ctx) override
    {
        if (event == u"save") {
            m_flash.insert(u"info"_s, u"Saved"_s);
        } else if (event == u"lv:clear-flash") {
            m_flash.remove(value.value(u"key"_s).toString());
        } else if (event == u"go_live") {
            return leave(ctx, u"Moved live"_s, [&] { ctx.pushNavigate(u"/flash?from=live"_s); });
        } else if (event == u"go_full") {
            return leave(ctx, u"Moved fully"_s, [&] { ctx.redirect(u"/flash?from=full"_s); });
        } else {
            return SimpleView::handleEvent(event, value, ctx);
        }
        publish();
        return {};
    }

private:
    template<typename Go>
    Result<void> leave(ViewContext &ctx, const QString &message, Go &&go)
    {
        m_flash.insert(u"info"_s, message);
        ctx.carryFlash(m_flash);
        go();
        return {};
    }
    void publish() { set(u"flash"_s, Value::fromJson(m_flash)); }
    QJsonObject m_flash;
};

template<typename T>
ViewFactory factory()
{
    return [] { return Result<std::unique_ptr<ViewHandler>>(std::make_unique<T>()); };
}

} // namespace

// Live components: cards (a component each) with their own likes; "remove" drops the last card.
class LikeCard final : public ComponentHandler
{
public:
    Result<void> mount(ViewContext &) override
    {
        m_assigns.insert(u"likes"_s, Value(0));
        return {};
    }
    Result<void> update(const ValueMap &assigns, ViewContext &) override
    {
        for (qsizetype i = 0; i < assigns.size(); ++i)
            m_assigns.insert(assigns.keys()[i], assigns.values()[i]);
        return {};
    }
    Result<void> handleEvent(const QString &event, const QJsonObject &, ViewContext &) override
    {
        if (event != u"like")
            return fail(ErrorCode::InvalidArgument, u"unknown component event "_s + event);
        m_assigns.insert(u"likes"_s, Value(m_assigns.value(u"likes"_s).toInt() + 1));
        return {};
    }
    Template componentTemplate() const override
    {
        return compileOnce(u"<li id=\"card-{{ id }}\">{{ id }}: {{ likes }} "
                           "<button phx-click=\"like\" phx-target=\"{{ myself }}\">+</button></li>"_s);
    }
    Result<ValueMap> assigns() override { return m_assigns; }

private:
    ValueMap m_assigns;
};

class CardsView : public SimpleView
{
public:
    CardsView()
        : SimpleView(compileOnce(u"<ul id=\"cards\">{% for c in cards %}{% live_component LikeCard id=c %}{% endfor %}</ul>"_s))
    {
    }
    Result<void> mount(const QJsonObject &, const QJsonObject &, ViewContext &) override
    {
        set(u"cards"_s, Value(ValueList{Value(1), Value(2)}));
        return {};
    }
    Result<void> handleEvent(const QString &event, const QJsonObject &, ViewContext &) override
    {
        if (event != u"remove")
            return fail(ErrorCode::InvalidArgument, u"unknown event "_s + event);
        set(u"cards"_s, Value(ValueList{Value(1)}));
        return {};
    }
    Result<std::unique_ptr<ComponentHandler>> createComponent(const QString &name) override
    {
        if (name != u"LikeCard")
            return SimpleView::createComponent(name);
        return std::unique_ptr<ComponentHandler>(new LikeCard);
    }
};

void releaseStuck()
{
    g_stuckGate.release();
}

Result<void> registerTestViews(LiveViewServer &server)
{
    for (auto r : {server.addRoute(u"/"_s, factory<CounterView>()), server.addRoute(u"/form"_s, factory<FormView>()),
                   server.addRoute(u"/timer"_s, factory<TimerView>()), server.addRoute(u"/list"_s, factory<ListView>()),
                   server.addRoute(u"/items/:id"_s, factory<ItemView>()), server.addRoute(u"/chat"_s, factory<ChatView>()),
                   server.addRoute(u"/cards"_s, factory<CardsView>()),
                   server.addRoute(u"/flash"_s, factory<FlashView>())})
        if (!r)
            return r;
    return {};
}

} // namespace LiveActor::Test
