#include "template/errorreport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace LiveActor {

namespace {

/// The text of the file the error names, looked up in places; null when none is readable.
QString findSource(const QString &name, const QStringList &places)
{
    if (name.isEmpty())
        return {};
    for (const QString &place : places) {
        const QFileInfo info(place);
        QString path;
        if (info.isDir())
            path = QDir(place).filePath(name);
        else if (place == name || place.endsWith(QLatin1Char('/') + name))
            path = place;
        QFile file(path);
        if (!path.isEmpty() && file.open(QIODevice::ReadOnly))
            return QString::fromUtf8(file.readAll());
    }
    return {};
}

} // namespace

QString describeTemplateError(const TemplateError &error, const QStringList &places, const QString &inlineSource)
{
    QString out = error.toString();
    if (error.line <= 0)
        return out;
    QString source = findSource(error.templateName, places);
    if (source.isNull())
        source = inlineSource;
    QStringList lines = source.split(QLatin1Char('\n'));
    if (source.endsWith(QLatin1Char('\n')))
        lines.removeLast(); // the file's last line ends with a newline: no empty line after it
    if (source.isEmpty() || error.line > lines.size())
        return out;
    const int first = std::max(1, error.line - 2);
    const int last = std::min<int>(lines.size(), error.line + 2);
    const int width = QString::number(last).size();
    for (int n = first; n <= last; ++n) {
        out += QStringLiteral("\n%1 %2 | %3").arg(n == error.line ? QStringLiteral(">") : QStringLiteral(" "))
                   .arg(n, width).arg(lines.at(n - 1));
        if (n == error.line && error.column > 0)
            out += QStringLiteral("\n  %1 | %2^").arg(QString(width, QLatin1Char(' ')), QString(error.column - 1, QLatin1Char(' ')));
    }
    return out;
}

} // namespace LiveActor
