#include "app/newcommand.h"

#include "python/buildtree.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace LiveActor {

namespace {

const auto skeletonRoot = u":/liveactor/skeleton"_s;

void printErr(const QString &s)
{
    std::fputs(qPrintable(s + u'\n'), stderr);
}

// What replaces @DEV_PATHS@ in tests/conftest.py: nothing for an installed liveactor (its
// package is in dist-packages), the build tree's paths for one run from there.
QString devPaths()
{
    const auto tree = buildTree();
    if (!tree)
        return {};
    return u"# Made by a liveactor in its build tree: use that tree's package (an installed liveactor\n"
           "# needs none of this; delete these lines once it is installed).\n"
           "sys.path.insert(0, %1)\n"
           "os.environ.setdefault(\"LIVEACTOR_NATIVE_PATH\", %2)\n"_s
        .arg(u"\"%1\""_s.arg(tree->packageDir), u"\"%1\""_s.arg(tree->nativeDir));
}

} // namespace

int runNewCommand(const QStringList &args)
{
    if (args.size() != 1 || args.first().startsWith(u'-')) {
        const bool help = !args.isEmpty() && (args.first() == u"--help" || args.first() == u"-h");
        std::fputs("usage: liveactor new NAME\n"
                   "Creates the folder NAME with an app (a counter and a form), templates/, static/,\n"
                   "tests/ (pytest through liveactor.runtime) and a README.\n",
                   help ? stdout : stderr);
        return help ? 0 : 2;
    }
    const QString target = QDir::cleanPath(args.first());
    const QString name = QFileInfo(target).fileName();
    static const QRegularExpression valid(u"^[A-Za-z0-9][A-Za-z0-9_.-]*$"_s);
    if (!valid.match(name).hasMatch()) {
        printErr(u"liveactor new: \"%1\" is not a usable project name (letters, digits, '_', '-', '.')"_s.arg(name));
        return 2;
    }
    if (QFileInfo::exists(target)) {
        printErr(u"liveactor new: %1 already exists; pick another name"_s.arg(target));
        return 1;
    }

    QDirIterator it(skeletonRoot, QDir::Files, QDirIterator::Subdirectories);
    QStringList written;
    while (it.hasNext()) {
        const QString source = it.next();
        const QString relative = source.mid(skeletonRoot.size() + 1);
        QFile in(source);
        if (!in.open(QIODevice::ReadOnly)) {
            printErr(u"liveactor new: cannot read the skeleton file %1"_s.arg(relative));
            return 1;
        }
        QString text = QString::fromUtf8(in.readAll());
        text.replace(u"@NAME@"_s, name);
        text.replace(u"@DEV_PATHS@\n"_s, devPaths());
        const QString path = target + u'/' + relative;
        QFile out(path);
        if (!QDir().mkpath(QFileInfo(path).path()) || !out.open(QIODevice::WriteOnly | QIODevice::NewOnly)
            || out.write(text.toUtf8()) < 0) {
            printErr(u"liveactor new: cannot write %1: %2"_s.arg(path, out.errorString()));
            return 1;
        }
        written << relative;
    }
    written.sort();
    std::printf("Created %s/ with %s.\n\n", qPrintable(target), qPrintable(written.join(u", "_s)));
    std::printf("  cd %s\n  liveactor serve app.py        # http://127.0.0.1:4000\n"
                "  python3 -m pytest tests       # the tests\n",
                qPrintable(target));
    return 0;
}

} // namespace LiveActor
