# Finds RE2 and exposes re2::re2.
# Debian 12 ships RE2 with a pkg-config file only (re2.pc, version 0.0.0), no
# CMake package; newer RE2 releases install re2Config.cmake. Try that first.
find_package(re2 CONFIG QUIET)
if(TARGET re2::re2)
  set(RE2_FOUND TRUE)
  return()
endif()

find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(PC_RE2 QUIET IMPORTED_TARGET re2)
endif()

find_path(RE2_INCLUDE_DIR NAMES re2/re2.h HINTS ${PC_RE2_INCLUDE_DIRS})
find_library(RE2_LIBRARY NAMES re2 HINTS ${PC_RE2_LIBRARY_DIRS})

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(RE2 REQUIRED_VARS RE2_LIBRARY RE2_INCLUDE_DIR)

if(RE2_FOUND AND NOT TARGET re2::re2)
  if(TARGET PkgConfig::PC_RE2)
    add_library(re2::re2 ALIAS PkgConfig::PC_RE2)
  else()
    find_package(Threads REQUIRED)
    add_library(re2::re2 UNKNOWN IMPORTED)
    set_target_properties(re2::re2 PROPERTIES
      IMPORTED_LOCATION "${RE2_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${RE2_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES Threads::Threads)
  endif()
endif()
mark_as_advanced(RE2_INCLUDE_DIR RE2_LIBRARY)
