#pragma once

#include <QStringList>

namespace LiveActor {

/// `liveactor new NAME`: creates the folder NAME with a working app — app.py (a counter and a
/// form), templates/, static/app.js, tests/ (pytest through liveactor.runtime), pytest.ini and a
/// README — from the skeleton compiled into the executable (runtime/app/skeleton/).
///
/// args are the arguments after the word "new". NAME may be a path; its last part names the
/// project. A liveactor running from its build tree writes that tree's package and extension
/// paths into tests/conftest.py, so `python3 -m pytest tests` works without installing; an
/// installed one writes none. Returns the exit code: 0 done, 1 the folder exists or cannot be
/// written, 2 usage error (messages on stderr).
int runNewCommand(const QStringList &args);

} // namespace LiveActor
