#pragma once

#include "template/template.h"

#include <QString>
#include <QStringList>

#include <memory>

namespace LiveActor {

namespace TemplateDetail {
struct LoaderState;
}

/// Compiles and caches templates, and loads them by name for `include` and `extends`.
///
/// Names resolve first against templates registered with addTemplate(), then against the files
/// in directories() in order (like Django's filesystem loader). Each name is compiled once and
/// cached; in dev mode every load() checks the modification times of the file and of everything
/// it includes or extends and recompiles when one changed. fromString() caches by source text.
/// Thread-safe: all methods may be called from any thread (an internal mutex guards the cache);
/// the returned Templates are immutable. Templates keep the loader alive for dynamic includes.
class TemplateEngine
{
public:
    TemplateEngine();
    explicit TemplateEngine(const QStringList &directories);
    ~TemplateEngine();
    TemplateEngine(const TemplateEngine &) = delete;
    TemplateEngine &operator=(const TemplateEngine &) = delete;

    void setDirectories(const QStringList &directories);
    QStringList directories() const;

    /// Dev mode: recompile templates whose files changed since they were compiled.
    void setDevMode(bool on);
    bool devMode() const;

    /// Registers an in-memory template under name (for include/extends and load()).
    void addTemplate(const QString &name, const QString &source);

    /// Compiles source (cached by name and text). Includes resolve through this engine.
    TemplateResult<Template> fromString(const QString &source,
                                        const QString &name = QStringLiteral("<string>"));
    /// Loads a template by name (registered or from the directories), compiled and cached.
    TemplateResult<Template> load(const QString &name);

    /// Drops every cached compilation.
    void clearCache();

private:
    std::shared_ptr<TemplateDetail::LoaderState> m_state;
};

} // namespace LiveActor
