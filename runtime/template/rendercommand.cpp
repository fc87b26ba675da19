#include "template/rendercommand.h"

#include "template/templateengine.h"

#include <QFile>
#include <QFileInfo>

#include <cstdio>

namespace LiveActor {

static void printErr(const QString &s)
{
    const QByteArray b = s.toUtf8() + '\n';
    std::fwrite(b.constData(), 1, size_t(b.size()), stderr);
}

int runRenderCommand(const QStringList &argsIn)
{
    QStringList args = argsIn;
    if (!args.isEmpty() && args.first() == u"render")
        args.removeFirst();
    QString templateFile, contextFile;
    bool tree = false;
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args[i];
        if (a == u"--tree") {
            tree = true;
        } else if (a == u"--context") {
            if (i + 1 >= args.size()) {
                printErr(QStringLiteral("render: --context needs a file"));
                return 2;
            }
            contextFile = args[++i];
        } else if (a.startsWith(u"--context=")) {
            contextFile = a.mid(10);
        } else if (a.startsWith(u"-")) {
            printErr(QStringLiteral("render: unknown option %1").arg(a));
            return 2;
        } else if (templateFile.isEmpty()) {
            templateFile = a;
        } else {
            printErr(QStringLiteral("render: unexpected argument %1").arg(a));
            return 2;
        }
    }
    if (templateFile.isEmpty()) {
        printErr(QStringLiteral("usage: liveactor render TEMPLATE_FILE [--context CONTEXT.json] [--tree]"));
        return 2;
    }
    TemplateContext context;
    if (!contextFile.isEmpty()) {
        QFile f(contextFile);
        if (!f.open(QIODevice::ReadOnly)) {
            printErr(QStringLiteral("%1: cannot read: %2").arg(contextFile, f.errorString()));
            return 1;
        }
        QString error;
        auto v = Value::fromJson(f.readAll(), &error);
        if (!v) {
            printErr(QStringLiteral("%1: invalid JSON: %2").arg(contextFile, error));
            return 1;
        }
        if (!v->map()) {
            printErr(QStringLiteral("%1: the context must be a JSON object").arg(contextFile));
            return 1;
        }
        context = TemplateContext(*v->map());
    }
    const QFileInfo info(templateFile);
    if (!info.isFile()) {
        printErr(QStringLiteral("%1: no such file").arg(templateFile));
        return 1;
    }
    TemplateEngine engine({info.absolutePath()});
    auto t = engine.load(info.fileName());
    if (!t) {
        TemplateError e = t.error();
        if (e.templateName == info.fileName())
            e.templateName = templateFile;
        printErr(e.toString());
        return 1;
    }
    auto r = t->render(context);
    if (!r) {
        TemplateError e = r.error();
        if (e.templateName == info.fileName())
            e.templateName = templateFile;
        printErr(e.toString());
        return 1;
    }
    const QByteArray out = tree ? r->toJson() + '\n' : r->toHtml();
    std::fwrite(out.constData(), 1, size_t(out.size()), stdout);
    std::fflush(stdout);
    return 0;
}

} // namespace LiveActor
