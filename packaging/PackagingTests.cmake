# Tests of what the packages install (included from packaging/CMakeLists.txt).
if(NOT TARGET liveactor OR NOT TARGET liveactor-monitor OR NOT TARGET liveactor_native)
  return()
endif()
# Builds the packages with cpack from this tree (the three targets must be built: CI builds all),
# unpacks them into a temporary root and runs the installed files. Needs dpkg-dev, lintian,
# systemd, desktop-file-utils and appstream (packaging/debian-packages.txt).
add_test(NAME packaging_debs
  COMMAND "${CMAKE_CURRENT_SOURCE_DIR}/tests/test_packages.sh" "${PROJECT_BINARY_DIR}" "${PROJECT_VERSION}")
set_tests_properties(packaging_debs PROPERTIES LABELS integration TIMEOUT 600
  ENVIRONMENT "QT_NO_GLIB=1;PYTHONDONTWRITEBYTECODE=1")
