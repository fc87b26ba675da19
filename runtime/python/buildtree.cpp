#include "python/buildtree.h"

#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace LiveActor {

std::optional<BuildTree> buildTree()
{
#if defined(LIVEACTOR_BUILD_DIR) && defined(LIVEACTOR_PYBRIDGE_DIR)
    // Canonical paths on both sides: the build dir may be reached through a symlink.
    const QString exe = QFileInfo(u"/proc/self/exe"_s).canonicalFilePath();
    const QString build = QFileInfo(QStringLiteral(LIVEACTOR_BUILD_DIR)).canonicalFilePath();
    if (exe.isEmpty() || build.isEmpty() || !exe.startsWith(build + u'/'))
        return std::nullopt;
    return BuildTree{QStringLiteral(LIVEACTOR_PYBRIDGE_DIR), build + u"/pybridge/liveactor"_s};
#else
    return std::nullopt;
#endif
}

} // namespace LiveActor
