// The template compiler (lexer, parser, flattening into statics and dynamics) and the renderer.
// The input is a template source; it is compiled, rendered against a fixed small context, to
// HTML and to the LiveView wire form, and re-rendered as after an event that changed one assign.
// Two sibling templates make {% include %} and {% extends %} reachable.

#include "fuzzsupport.h"

#include "template/templateengine.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace LiveActor;
using namespace Qt::StringLiterals;

namespace {

Value assigns(int count)
{
    const QByteArray json = R"({"name": "Ann <b>&amp;</b>", "n": 3, "price": 12.5, "flag": true, "none": null,
        "tags": ["a", "b", "c"], "nested": {"x": {"y": [1, 2, {"z": "deep"}]}},
        "items": [{"id": 1, "title": "one", "done": false}, {"id": 2, "title": "two", "done": true}]})";
    Value v = Value::fromJson(QJsonDocument::fromJson(json).object());
    ValueMap map = *v.map();
    map.insert(u"count"_s, Value(count));
    map.insert(u"when"_s, Value(QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC)));
    return Value(map);
}

TemplateContext context(int count)
{
    TemplateContext ctx(*assigns(count).map());
    ctx.setNow(QDateTime(QDate(2026, 12, 5), QTime(14, 0), Qt::UTC));
    ctx.setCsrfToken(u"csrf-token"_s);
    return ctx;
}

bool isJson(const QByteArray &text)
{
    QJsonParseError error;
    QJsonDocument::fromJson(text, &error);
    return error.error == QJsonParseError::NoError;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    Fuzz::silenceQtLogging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static TemplateEngine *engine = [] {
        auto *e = new TemplateEngine;
        e->addTemplate(u"row.html"_s, u"<li>{{ item.title|upper }} {% if item.done %}done{% endif %}</li>"_s);
        e->addTemplate(u"base.html"_s, u"<main>{% block content %}base{% endblock %}</main>{{ name }}"_s);
        return e;
    }();
    const QString source = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    auto compiled = engine->fromString(source, u"fuzz.html"_s);
    if (!compiled)
        return 0;
    const TemplateContext first = context(1);
    auto tree = compiled->render(first);
    if (!tree)
        return 0;
    const QByteArray html = tree->toHtml();
    Fuzz::require(isJson(tree->toJson()), "the rendered object is JSON");
    // `random` is the one filter whose output changes between two renders.
    if (!source.contains(u"random"_s)) {
        auto direct = compiled->renderHtml(first);
        Fuzz::require(direct.has_value() && *direct == html, "renderHtml() is render()->toHtml()");
    }
    auto next = compiled->render(context(2), *tree, {u"count"_s});
    if (next)
        Fuzz::require(isJson(RenderedTree::diff(*tree, *next)), "the diff is JSON");
    return 0;
}
