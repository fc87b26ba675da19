#include "template/templateengine.h"

#include "template/compiled_p.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace LiveActor {

using namespace TemplateDetail;

TemplateResult<std::pair<QString, QString>> LoaderState::source(const QString &name) const
{
    QStringList dirsCopy;
    {
        QMutexLocker lock(&mutex);
        auto it = strings.constFind(name);
        if (it != strings.constEnd())
            return std::make_pair(*it, QString());
        dirsCopy = dirs;
    }
    if (name.isEmpty() || name.contains(u"..") || QDir::isAbsolutePath(name))
        return std::unexpected(TemplateError{TemplateError::Kind::NotFound, name, 0, 0,
                                             QStringLiteral("template '%1' not found").arg(name)});
    for (const QString &dir : dirsCopy) {
        const QString path = QDir(dir).filePath(name);
        QFile f(path);
        if (f.exists() && f.open(QIODevice::ReadOnly))
            return std::make_pair(QString::fromUtf8(f.readAll()), QFileInfo(path).absoluteFilePath());
    }
    return std::unexpected(TemplateError{TemplateError::Kind::NotFound, name, 0, 0,
                                         QStringLiteral("template '%1' not found in %2")
                                             .arg(name, dirsCopy.join(QStringLiteral(", ")))});
}

TemplateEngine::TemplateEngine() : m_state(std::make_shared<LoaderState>()) { }

TemplateEngine::TemplateEngine(const QStringList &directories) : TemplateEngine()
{
    m_state->dirs = directories;
}

TemplateEngine::~TemplateEngine() = default;

void TemplateEngine::setDirectories(const QStringList &directories)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->dirs = directories;
    m_state->cache.clear();
}

QStringList TemplateEngine::directories() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->dirs;
}

void TemplateEngine::setDevMode(bool on)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->devMode = on;
}

bool TemplateEngine::devMode() const
{
    QMutexLocker lock(&m_state->mutex);
    return m_state->devMode;
}

void TemplateEngine::addTemplate(const QString &name, const QString &source)
{
    QMutexLocker lock(&m_state->mutex);
    m_state->strings.insert(name, source);
    m_state->cache.clear(); // anything may include it
    m_state->stringCache.clear();
}

TemplateResult<Template> TemplateEngine::fromString(const QString &source, const QString &name)
{
    const QString key = name + u'\n' + source;
    {
        QMutexLocker lock(&m_state->mutex);
        auto it = m_state->stringCache.constFind(key);
        if (it != m_state->stringCache.constEnd())
            return Template(*it);
    }
    auto c = compileTemplate(source, name, m_state, QString());
    if (!c)
        return std::unexpected(c.error());
    QMutexLocker lock(&m_state->mutex);
    m_state->stringCache.insert(key, *c);
    return Template(*c);
}

QHash<QString, QDateTime> LoaderState::fileTimes(const QStringList &files)
{
    QHash<QString, QDateTime> out;
    for (const QString &f : files)
        out.insert(f, QFileInfo(f).lastModified());
    return out;
}

namespace TemplateDetail {

TemplateResult<std::shared_ptr<const Compiled>> loadCompiled(const std::shared_ptr<LoaderState> &state,
                                                             const QString &name)
{
    {
        QMutexLocker lock(&state->mutex);
        auto it = state->cache.constFind(name);
        if (it != state->cache.constEnd()) {
            if (!state->devMode || LoaderState::fileTimes(it->compiled->files) == it->mtimes)
                return it->compiled;
        }
    }
    auto src = state->source(name);
    if (!src)
        return std::unexpected(src.error());
    auto c = compileTemplate(src->first, name, state, src->second);
    if (!c)
        return std::unexpected(c.error());
    QMutexLocker lock(&state->mutex);
    state->cache.insert(name, LoaderState::Entry{*c, LoaderState::fileTimes((*c)->files)});
    return *c;
}

} // namespace TemplateDetail

TemplateResult<Template> TemplateEngine::load(const QString &name)
{
    auto c = loadCompiled(m_state, name);
    if (!c)
        return std::unexpected(c.error());
    return Template(*c);
}

void TemplateEngine::clearCache()
{
    QMutexLocker lock(&m_state->mutex);
    m_state->cache.clear();
    m_state->stringCache.clear();
}

} // namespace LiveActor
