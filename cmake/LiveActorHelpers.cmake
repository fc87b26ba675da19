# Shared build settings and one helper per kind of target.

# Every liveactor target links this INTERFACE target for language level, warnings and Qt defines.
add_library(liveactor_flags INTERFACE)
add_library(LiveActor::Flags ALIAS liveactor_flags)
target_compile_features(liveactor_flags INTERFACE cxx_std_23)
# -Wno-missing-field-initializers: designated initialisers that leave fields at their defaults
# ({.kind = u"view"_s, .capacity = 50}) are the house style; GCC 12 warns on each.
target_compile_options(liveactor_flags INTERFACE -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers)
target_compile_definitions(liveactor_flags INTERFACE
  QT_NO_KEYWORDS            # pybind11 and Qt both want `slots`
  QT_NO_CAST_FROM_ASCII
  QT_NO_CAST_TO_ASCII
  QT_NO_URL_CAST_FROM_STRING
  QT_USE_QSTRINGBUILDER
  QT_NO_FOREACH)
if(LIVEACTOR_SANITIZE)
  target_compile_options(liveactor_flags INTERFACE -fsanitize=${LIVEACTOR_SANITIZE} -fno-omit-frame-pointer)
  target_link_options(liveactor_flags INTERFACE -fsanitize=${LIVEACTOR_SANITIZE})
endif()
if(LIVEACTOR_FUZZ)
  # Coverage for libFuzzer plus ASan and UBSan on every library; the fuzz executables add
  # -fsanitize=fuzzer (libFuzzer's main). A UB report stops the run like a crash.
  # tests/fuzz/compat first: std::expected for clang 14 (see the header).
  target_include_directories(liveactor_flags SYSTEM BEFORE INTERFACE "${PROJECT_SOURCE_DIR}/tests/fuzz/compat")
  target_compile_options(liveactor_flags INTERFACE -fsanitize=fuzzer-no-link,address,undefined
    -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(liveactor_flags INTERFACE -fsanitize=address,undefined)
endif()

# liveactor_add_library(<name> ALIAS <Ns::Name> SOURCES ... [PUBLIC_LINK ...] [PRIVATE_LINK ...])
# A static library whose include root is the folder above it, so users write
# #include "core/actor.h" for runtime/core/actor.h.
function(liveactor_add_library name)
  cmake_parse_arguments(ARG "" "ALIAS;INCLUDE_ROOT" "SOURCES;PUBLIC_LINK;PRIVATE_LINK" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  if(ARG_ALIAS)
    add_library(${ARG_ALIAS} ALIAS ${name})
  endif()
  if(NOT ARG_INCLUDE_ROOT)
    get_filename_component(ARG_INCLUDE_ROOT "${CMAKE_CURRENT_SOURCE_DIR}/.." ABSOLUTE)
  endif()
  target_include_directories(${name} PUBLIC "${ARG_INCLUDE_ROOT}")
  set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
  target_link_libraries(${name} PUBLIC liveactor_flags ${ARG_PUBLIC_LINK} PRIVATE ${ARG_PRIVATE_LINK})
endfunction()

# liveactor_add_test(<name> SOURCES ... LINK ... [LABELS unit|integration|e2e] [TIMEOUT s])
# One QtTest executable per class, registered with CTest under its labels.
function(liveactor_add_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LINK;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE liveactor_flags Qt6::Test ${ARG_LINK})
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QT_NO_GLIB=1")
endfunction()

# liveactor_npm_ci(<target> COMMENT text)
# Installs the current folder's package.json + package-lock.json with `npm ci` (integrity-checked,
# no install scripts) into ${CMAKE_CURRENT_BINARY_DIR}/node_modules, whose last step touches
# node_modules/.liveactor-stamp. Adds an ALL target <target> for it.
function(liveactor_npm_ci target)
  cmake_parse_arguments(ARG "" "COMMENT" "" ${ARGN})
  set(_stamp "${CMAKE_CURRENT_BINARY_DIR}/node_modules/.liveactor-stamp")
  add_custom_command(
    OUTPUT "${_stamp}"
    COMMAND ${CMAKE_COMMAND} -E copy_if_different
            "${CMAKE_CURRENT_SOURCE_DIR}/package.json" "${CMAKE_CURRENT_SOURCE_DIR}/package-lock.json"
            "${CMAKE_CURRENT_BINARY_DIR}/"
    COMMAND npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    COMMAND ${CMAKE_COMMAND} -E touch "${_stamp}"
    DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/package.json" "${CMAKE_CURRENT_SOURCE_DIR}/package-lock.json"
    WORKING_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}"
    COMMENT "npm ci: ${ARG_COMMENT}"
    VERBATIM)
  add_custom_target(${target} ALL DEPENDS "${_stamp}")
endfunction()
