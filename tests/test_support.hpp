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

/// Compares `actual` with tests/golden/<name> byte for byte. A mismatch writes
/// <name>.actual beside it and fails; tests/approve-golden.sh approves it.
inline void check_golden(const std::string& name, const std::string& actual) {
    auto path = std::filesystem::path(ERRLENS_GOLDEN_DIR) / name;
    auto actual_path = path;
    actual_path += ".actual";
    std::string expected = std::filesystem::exists(path) ? read_file(path) : "";
    if (expected != actual) {
        std::ofstream(actual_path, std::ios::binary) << actual;
        FAIL_CHECK("golden mismatch: " << path.string() << "\n  compare with: diff -u "
                                       << path.string() << " " << actual_path.string()
                                       << "\n  approve with: tests/approve-golden.sh");
    } else {
        std::filesystem::remove(actual_path);
    }
}

}  // namespace errlens::test
