// bench/python: what a Python event handler costs compared with the same view in C++.
//
// 1. inline: one thread calls handleEvent → assigns → incremental render → diff, N times.
// 2. actors: V views on an ActorSystem (2 executors), C closed-loop clients asking events:
//    - C++ view;
//    - Python view, handler run on the executor that owns the view (GIL taken per call) — the
//      design liveactor uses;
//    - Python view, handler forwarded to ONE dedicated Python thread (the executor waits), the
//      alternative the design had to measure.
// Prints events/s, µs/event and the share of wall time the GIL was held.

#include "../../pybridge/native/inprocessviewactor.h"
#include "core/actorsystem.h"
#include "python/gilguard.h"
#include "python/pythoninterpreter.h"
#include "python/pythonviewclass.h"
#include "python/pythonviewhandler.h"
#include "template/template.h"
#include "../nullviewcontext.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>

#include <pybind11/pybind11.h>

#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <latch>
#include <mutex>
#include <thread>

namespace py = pybind11;
using namespace LiveActor;
using namespace Qt::StringLiterals;

namespace {

const QString kTemplate = u"<h1>{{ count }}</h1><p>{{ label }}</p><button phx-click=\"inc\">+</button>"_s;

class CppCounter final : public ViewHandler
{
public:
    Result<void> mount(const QJsonObject &, const QJsonObject &, ViewContext &) override
    {
        m_template = *Template::compile(kTemplate);
        m_assigns.insert(u"count"_s, 0);
        m_assigns.insert(u"label"_s, u"c++"_s);
        return {};
    }
    Result<void> handleEvent(const QString &event, const QJsonObject &, ViewContext &) override
    {
        if (event == u"inc")
            m_assigns.insert(u"count"_s, ++m_count);
        m_changed = true;
        return {};
    }
    Template viewTemplate() const override { return m_template; }
    Result<ValueMap> assigns() override { return m_assigns; }
    std::optional<QSet<QString>> changedAssigns() override
    {
        if (!m_changed)
            return QSet<QString>{};
        m_changed = false;
        return QSet<QString>{u"count"_s};
    }

private:
    Template m_template;
    ValueMap m_assigns;
    qint64 m_count = 0;
    bool m_changed = false;
};

/// Runs every call of the wrapped handler on one shared Python thread; the caller blocks.
class PythonThread
{
public:
    PythonThread()
    {
        m_thread = std::thread([this] {
            for (;;) {
                std::function<void()> job;
                {
                    std::unique_lock lock(m_mutex);
                    m_cv.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
                    if (m_jobs.empty())
                        return;
                    job = std::move(m_jobs.front());
                    m_jobs.pop_front();
                }
                job();
            }
        });
    }
    ~PythonThread()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_cv.notify_all();
        m_thread.join();
    }
    template<typename F>
    auto run(F &&f)
    {
        using R = decltype(f());
        std::optional<R> result;
        std::mutex m;
        std::condition_variable done;
        {
            std::lock_guard lock(m_mutex);
            m_jobs.push_back([&] {
                auto r = f();
                std::lock_guard l(m);
                result.emplace(std::move(r));
                done.notify_one();
            });
        }
        m_cv.notify_one();
        std::unique_lock l(m);
        done.wait(l, [&] { return result.has_value(); });
        return std::move(*result);
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::function<void()>> m_jobs;
    bool m_stop = false;
    std::thread m_thread;
};

PythonThread *g_pythonThread = nullptr;

/// The view's context as the dedicated thread may use it: it cannot suspend the view from there
/// (that is the actor's), so callbacks run to the end on the Python thread.
class NoSuspendContext final : public ViewContext
{
public:
    explicit NoSuspendContext(ViewContext &c) : m_c(c) { }
    QString viewId() const override { return m_c.viewId(); }
    QString topic() const override { return m_c.topic(); }
    QUrl url() const override { return m_c.url(); }
    bool isConnected() const override { return m_c.isConnected(); }
    void pushEvent(const QString &n, const QJsonValue &p) override { m_c.pushEvent(n, p); }
    void pushPatch(const QString &to, bool r) override { m_c.pushPatch(to, r); }
    void pushNavigate(const QString &to, bool r) override { m_c.pushNavigate(to, r); }
    void redirect(const QString &to) override { m_c.redirect(to); }
    void setTitle(const QString &t) override { m_c.setTitle(t); }
    void replyEvent(const QJsonObject &r) override { m_c.replyEvent(r); }
    QJsonObject flash() const override { return m_c.flash(); }
    void carryFlash(const QJsonObject &f) override { m_c.carryFlash(f); }
    Result<void> subscribe(const QString &t) override { return m_c.subscribe(t); }
    void unsubscribe(const QString &t) override { m_c.unsubscribe(t); }
    int broadcast(const QString &t, const QVariant &p) override { return m_c.broadcast(t, p); }
    quint64 sendAfter(std::chrono::milliseconds d, const ViewInfo &i) override { return m_c.sendAfter(d, i); }
    bool cancelTimer(quint64 id) override { return m_c.cancelTimer(id); }

private:
    ViewContext &m_c;
};

class OnPythonThread final : public ViewHandler
{
public:
    explicit OnPythonThread(std::unique_ptr<ViewHandler> inner) : m_inner(std::move(inner)) { }
    Result<void> mount(const QJsonObject &p, const QJsonObject &s, ViewContext &c) override
    {
        return g_pythonThread->run([&] { NoSuspendContext nc(c); return m_inner->mount(p, s, nc); });
    }
    Result<void> handleParams(const QJsonObject &p, const QUrl &u, ViewContext &c) override
    {
        return g_pythonThread->run([&] { NoSuspendContext nc(c); return m_inner->handleParams(p, u, nc); });
    }
    Result<void> handleEvent(const QString &e, const QJsonObject &v, ViewContext &c) override
    {
        return g_pythonThread->run([&] { NoSuspendContext nc(c); return m_inner->handleEvent(e, v, nc); });
    }
    Template viewTemplate() const override { return m_inner->viewTemplate(); }
    Result<ValueMap> assigns() override { return m_inner->assigns(); }
    std::optional<QSet<QString>> changedAssigns() override { return m_inner->changedAssigns(); }

private:
    std::unique_ptr<ViewHandler> m_inner;
};

using NullContext = NullViewContext;

struct Row
{
    QString name;
    double eventsPerSec;
    double usPerEvent;
    double gilShare; // of wall time, 0..1 (-1: n/a)
    double gilWaitUs; // mean wait per event
};

void print(const Row &r)
{
    if (r.gilShare < 0)
        std::printf("| %-52s | %12.0f | %9.2f | %9s | %10s |\n", qPrintable(r.name), r.eventsPerSec, r.usPerEvent, "–", "–");
    else
        std::printf("| %-52s | %12.0f | %9.2f | %8.1f%% | %10.2f |\n", qPrintable(r.name), r.eventsPerSec,
                    r.usPerEvent, 100 * r.gilShare, r.gilWaitUs);
}

Row inlineRun(const QString &name, const ViewFactory &factory, int n)
{
    NullContext ctx;
    auto h = std::move(*factory());
    (void)h->mount({}, {}, ctx);
    RenderedTree last;
    {
        auto a = h->assigns();
        (void)h->changedAssigns();
        last = *h->viewTemplate().render(TemplateContext(*a));
    }
    const auto s0 = PythonCounters::global().snapshot();
    QElapsedTimer t;
    t.start();
    qsizetype bytes = 0;
    for (int i = 0; i < n; ++i) {
        (void)h->handleEvent(u"inc"_s, {}, ctx);
        auto a = h->assigns();
        auto changed = h->changedAssigns();
        auto tree = changed ? h->viewTemplate().render(TemplateContext(*a), last, *changed)
                            : h->viewTemplate().render(TemplateContext(*a));
        bytes += RenderedTree::diff(last, *tree).size();
        last = *tree;
    }
    const double ns = double(t.nsecsElapsed());
    const auto s1 = PythonCounters::global().snapshot();
    const double held = double(s1.gilHeldNs - s0.gilHeldNs);
    Q_UNUSED(bytes);
    return Row{name, n / (ns / 1e9), ns / n / 1e3, held > 0 ? held / ns : -1,
               held > 0 ? double(s1.gilWaitNs - s0.gilWaitNs) / n / 1e3 : -1};
}

Row actorRun(const QString &name, ActorSystem &system, const ViewFactory &factory, int views, int clients,
             int eventsPerClient)
{
    std::vector<std::shared_ptr<NativeViewShared>> shared;
    Router router;
    (void)router.addRoute(u"/"_s, factory);
    for (int v = 0; v < views; ++v) {
        auto s = std::make_shared<NativeViewShared>();
        s->key = u"b"_s + QString::number(v);
        s->router = &router;
        s->route = *router.match(u"/"_s);
        s->url = QUrl(u"http://localhost/"_s);
        s->restartLimit = 0;
        s->ref = system.spawn<InProcessViewActor>(SpawnOptions{.kind = u"view"_s, .name = s->key, .capacity = 1024}, s);
        shared.push_back(s);
    }
    // warm-up: every view answers once (mount done)
    {
        std::latch ready(views);
        for (auto &s : shared)
            s->ref.ask(NativeRender{}, std::chrono::seconds(10), nullptr, [&](Result<Message>) { ready.count_down(); });
        ready.wait();
    }
    const auto s0 = PythonCounters::global().snapshot();
    std::latch done(clients);
    std::atomic<int> failures{0};
    QElapsedTimer t;
    t.start();
    for (int c = 0; c < clients; ++c) {
        auto ref = shared[size_t(c % views)]->ref;
        auto remaining = std::make_shared<int>(eventsPerClient);
        auto step = std::make_shared<std::function<void()>>();
        *step = [ref, remaining, step, &done, &failures] {
            if ((*remaining)-- == 0) {
                done.count_down();
                *step = nullptr; // break the cycle
                return;
            }
            ref.ask(NativeEvent{u"inc"_s, {}}, std::chrono::seconds(30), nullptr, [step, &failures](Result<Message> r) {
                if (!r)
                    failures++;
                (*step)();
            });
        };
        (*step)();
    }
    done.wait();
    const double ns = double(t.nsecsElapsed());
    const auto s1 = PythonCounters::global().snapshot();
    for (auto &s : shared)
        system.kill(s->ref.id());
    const int n = clients * eventsPerClient;
    if (failures)
        std::fprintf(stderr, "%s: %d failed asks\n", qPrintable(name), failures.load());
    const double held = double(s1.gilHeldNs - s0.gilHeldNs);
    return Row{name, n / (ns / 1e9), ns / n / 1e3, held > 0 ? held / ns : -1,
               held > 0 ? double(s1.gilWaitNs - s0.gilWaitNs) / n / 1e3 : -1};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(u"liveactor.native.*=false"_s);
    const int n = argc > 1 ? std::atoi(argv[1]) : 20000;
    PythonConfig config;
    config.pythonPath = {QStringLiteral(LIVEACTOR_BENCH_DIR)};
    auto python = PythonInterpreter::start(config);
    if (!python) {
        std::fprintf(stderr, "%s\n", qPrintable(python.error().toString()));
        return 1;
    }
    auto cls = std::make_shared<PythonViewClass>();
    {
        GilGuard gil;
        py::object c = py::module_::import("benchviews").attr("Counter");
        cls->cls = PyObjectRef::borrow(c.ptr());
        cls->name = u"benchviews.Counter"_s;
    }
    const ViewFactory pyFactory = PythonViewHandler::factory(cls);
    const ViewFactory cppFactory = [] { return Result<std::unique_ptr<ViewHandler>>(std::make_unique<CppCounter>()); };
    PythonThread pythonThread;
    g_pythonThread = &pythonThread;
    const ViewFactory dedicatedFactory = [pyFactory]() -> Result<std::unique_ptr<ViewHandler>> {
        auto inner = pyFactory();
        if (!inner)
            return fail(inner.error());
        return std::unique_ptr<ViewHandler>(new OnPythonThread(std::move(*inner)));
    };

    std::printf("counter view, one event = handler + assigns + incremental render + diff; %d events per row\n\n", n);
    std::printf("| %-52s | %12s | %9s | %9s | %10s |\n", "run", "events/s", "µs/event", "GIL held", "GIL wait µs");
    std::printf("|%s|%s|%s|%s|%s|\n", "------------------------------------------------------", "-------------:",
                "----------:", "----------:", "-----------:");
    print(inlineRun(u"inline, C++ view"_s, cppFactory, n));
    print(inlineRun(u"inline, Python view"_s, pyFactory, n));
    {
        ActorSystem system({.executors = 2});
        for (int clients : {1, 8}) {
            const int views = clients;
            const int per = n / clients;
            const QString tag = u"actors, 2 executors, %1 view(s)+client(s): "_s.arg(clients);
            print(actorRun(tag + u"C++"_s, system, cppFactory, views, clients, per));
            print(actorRun(tag + u"Python on executors"_s, system, pyFactory, views, clients, per));
            print(actorRun(tag + u"Python on 1 thread"_s, system, dedicatedFactory, views, clients, per));
        }
        system.shutdown();
    }
    return 0;
}
