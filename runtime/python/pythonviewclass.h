#pragma once

#include "python/pyobjectref.h"

#include <QString>
#include <QStringList>

namespace LiveActor {

/// A LiveView subclass as the runtime knows it: the class object plus where its template files
/// are looked up. Immutable and shared (std::shared_ptr<const PythonViewClass>) by every handler
/// of that view; a reload creates new PythonViewClass objects. Any thread.
struct PythonViewClass
{
    PyObjectRef cls;           ///< the Python class (a liveactor.LiveView subclass)
    QString name;              ///< its qualified name, for logs ("counter.app.Counter")
    QStringList templateDirs;  ///< search path for template_name (see liveactor._loader)
    QString layout;            ///< the page layout's template name; empty: none (liveactor._loader)
};

} // namespace LiveActor
