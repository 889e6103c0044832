# Every external dependency, found in one place. All come from Debian 12
# packages: libre2-dev, nlohmann-json3-dev, libcli11-dev, catch2.
find_package(RE2 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 2.1 REQUIRED)
if(ERRLENS_BUILD_TESTS)
  find_package(Catch2 2.13 REQUIRED)
  # valijson (libvalijson-dev, header-only) checks records against the JSON Schema.
  find_path(VALIJSON_INCLUDE_DIR NAMES valijson/validator.hpp REQUIRED)
  add_library(valijson INTERFACE)
  target_include_directories(valijson INTERFACE "${VALIJSON_INCLUDE_DIR}")
endif()

# Warnings as an INTERFACE target so they apply to our code only.
add_library(errlens_warnings INTERFACE)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(errlens_warnings INTERFACE -Wall -Wextra)
  # GCC 12 reports -Wrestrict inside libstdc++ for plain `"x" + std::string`
  # and `s = " "` at -O2 (GCC bug 105651, fixed in GCC 13): a false positive.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(errlens_warnings INTERFACE -Wno-restrict)
  endif()
  if(ERRLENS_WERROR)
    target_compile_options(errlens_warnings INTERFACE -Werror)
  endif()
endif()
