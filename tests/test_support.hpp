// Shared by the test files: paths passed in by CMake, file reading, and the
// skip rule for tests that need ../shared/ (absent in a clone elsewhere).
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace errlens::test {

inline std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::filesystem::path fixtures() {
    return std::filesystem::path(ERRLENS_TEST_DATA_DIR) / "fixtures";
}
inline std::filesystem::path bad_records() {
    return std::filesystem::path(ERRLENS_TEST_DATA_DIR) / "bad";
}
inline std::filesystem::path shared_dir() {
    return std::filesystem::path(ERRLENS_SHARED_DIR);
}

/// True when ../shared/<sub> exists; otherwise records a visible skip message.
inline bool have_shared(const std::string& sub) {
    if (std::filesystem::exists(shared_dir() / sub)) {
        return true;
    }
    WARN("SKIPPED: " << (shared_dir() / sub).string()
                     << " is absent (only the project's own checkout has ../shared/); "
                        "the fixture tests still cover this loader");
    return false;
}

}  // namespace errlens::test
