#pragma once

#include <QString>

#include <optional>

namespace LiveActor {

/// Where the development copy of the `liveactor` package lives, for an executable that runs from
/// the build tree it was built in. An installed liveactor (/usr/bin) gets nullopt and imports the
/// package from Debian's dist-packages like any python3 program; so does a copy of the binary
/// moved out of the build tree, which is what the packaging test relies on.
struct BuildTree
{
    QString packageDir; ///< holds liveactor/ (the source tree's pybridge/)
    QString nativeDir;  ///< holds liveactor/_native*.so (for $LIVEACTOR_NATIVE_PATH)
};

/// Decided from /proc/self/exe: the running executable lies inside the CMake build directory.
std::optional<BuildTree> buildTree();

} // namespace LiveActor
