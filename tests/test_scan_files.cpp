// scan_files: parallel scanning gives exactly what one thread gives, on real
// logs cut into pieces at line ends; unreadable inputs are reported per file.
#include <filesystem>
#include <fstream>
#include <random>
#include <tuple>

#include "errlens/catalogue.hpp"
#include "errlens/matcher.hpp"
#include "test_support.hpp"

using namespace errlens;
namespace fs = std::filesystem;

namespace {

using Seen = std::vector<std::tuple<std::string, std::size_t, std::size_t, std::string>>;

Seen summary(const std::vector<Diagnosis>& ds) {
    Seen out;
    for (const auto& d : ds) {
        out.emplace_back(d.record->id, d.line, d.count, d.text);
    }
    return out;
}

struct TempDir {
    fs::path path;
    TempDir() {
        path = fs::temp_directory_path() /
               ("errlens-scan-files-" + std::to_string(std::random_device{}()));
        fs::create_directories(path);
    }
    ~TempDir() { fs::remove_all(path); }
};

/// A ~20 MB log of the real healthy logs, the embedded catalogue's examples
/// spread through it (also right at the 4 MiB marks where pieces may be cut),
/// CRLF and coloured lines, and a last line without a newline.
std::string big_log(const Catalogue& catalogue) {
    std::string healthy;
    for (const auto& e : fs::directory_iterator(fs::path(ERRLENS_SOURCE_DIR) / "tests/healthy")) {
        if (e.path().extension() == ".log") {
            healthy += errlens::test::read_file(e.path());
        }
    }
    std::vector<std::string> examples;
    for (const auto& r : catalogue.records()) {
        if (!r.examples.empty()) {
            examples.push_back(r.examples[0]);
        }
    }
    REQUIRE(!examples.empty());
    std::string log;
    std::size_t next_example = 0;
    while (log.size() < (20u << 20)) {
        std::size_t mark = (log.size() / (4u << 20) + 1) * (4u << 20);
        log += healthy;
        // An example line ending just before, and one starting just after, a 4 MiB mark.
        if (log.size() > mark) {
            log.resize(mark);
            log.resize(log.rfind('\n') + 1);
        }
        for (int i = 0; i < 3; ++i) {
            log += "\x1b[31m" + examples[next_example++ % examples.size()] + "\x1b[0m\r\n";
        }
    }
    log += examples[next_example % examples.size()];  // no newline at the end
    return log;
}

}  // namespace

TEST_CASE("scan_files with several jobs gives what one thread gives", "[scan_files]") {
    CatalogueLoad load = load_catalogue({true, {}});
    Matcher m(load.catalogue);
    TempDir dir;
    std::string text = big_log(load.catalogue);
    fs::path big = dir.path / "big.log";
    std::ofstream(big, std::ios::binary) << text;
    fs::path small = dir.path / "small.log";
    std::ofstream(small, std::ios::binary) << "error: externally-managed-environment\n";

    LogScanner whole(m, big.string());
    whole.feed(text);
    whole.finish();
    Seen expected = summary(whole.diagnoses());
    REQUIRE(expected.size() > 20);

    std::vector<std::string> files = {big.string(), small.string()};
    std::vector<std::pair<std::string, std::size_t>> streamed_one;
    auto one = scan_files(
        m, files, 1, [&](const Diagnosis& d) { streamed_one.emplace_back(d.record->id, d.line); });
    REQUIRE(one.size() == 2);
    CHECK(summary(one[0].diagnoses) == expected);
    CHECK(one[0].lines == whole.lines());
    for (unsigned jobs : {2u, 3u, 8u}) {
        CAPTURE(jobs);
        std::vector<std::pair<std::string, std::size_t>> streamed;
        auto many = scan_files(m, files, jobs, [&](const Diagnosis& d) {
            streamed.emplace_back(d.record->id, d.line);
        });
        REQUIRE(many.size() == 2);
        CHECK(summary(many[0].diagnoses) == expected);
        CHECK(many[0].lines == whole.lines());
        CHECK(summary(many[1].diagnoses) == summary(one[1].diagnoses));
        CHECK(streamed == streamed_one);  // the same records, in the order found
    }
}

TEST_CASE("scan_files reports what it cannot read, per file, and reads the rest", "[scan_files]") {
    CatalogueLoad load = load_catalogue({true, {}});
    Matcher m(load.catalogue);
    TempDir dir;
    fs::path log = dir.path / "ok.log";
    std::ofstream(log, std::ios::binary) << "x\nBack-off restarting failed container\n";
    fs::path empty = dir.path / "empty.log";
    std::ofstream(empty, std::ios::binary) << "";
    auto out = scan_files(
        m, {(dir.path / "missing.log").string(), dir.path.string(), log.string(), empty.string()},
        2);
    REQUIRE(out.size() == 4);
    CHECK(out[0].error == "No such file or directory");
    CHECK(out[1].error == "is a directory");
    CHECK(out[2].error.empty());
    REQUIRE(!out[2].diagnoses.empty());
    CHECK(out[2].diagnoses[0].line == 2);
    CHECK(out[3].error.empty());
    CHECK(out[3].lines == 0);
    CHECK(out[3].diagnoses.empty());
}
