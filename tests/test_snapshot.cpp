// Snapshots: every field round-trips, damaged bytes are refused, the embedded
// snapshot loads as parsing does, and the --catalog cache follows content.
#include "errlens/snapshot.hpp"

#include <cstring>
#include <limits>

#include "errlens/catalogue.hpp"
#include "test_support.hpp"

using namespace errlens;
namespace fs = std::filesystem;

namespace {

bool same_problem(const Problem& a, const Problem& b) {
    return a.severity == b.severity && a.source == b.source && a.line == b.line &&
           a.column == b.column && a.field == b.field && a.message == b.message &&
           a.snippet == b.snippet;
}

/// Checks that `actual` holds what `expected` does: every record's data and
/// where it was read from, every problem, records_seen.
void check_same_file(const LoadedFile& expected, const LoadedFile& actual) {
    INFO(expected.name);
    CHECK(actual.name == expected.name);
    CHECK(actual.result.records_seen == expected.result.records_seen);
    REQUIRE(actual.result.records.size() == expected.result.records.size());
    for (std::size_t i = 0; i < expected.result.records.size(); ++i) {
        const Record& e = expected.result.records[i];
        const Record& a = actual.result.records[i];
        INFO(e.id);
        CHECK(a.same_data(e));
        CHECK(a.source == e.source);
        CHECK(a.source_line == e.source_line);
        CHECK(a.format == e.format);
    }
    REQUIRE(actual.result.problems.size() == expected.result.problems.size());
    for (std::size_t i = 0; i < expected.result.problems.size(); ++i) {
        INFO(format_problem(expected.result.problems[i]));
        CHECK(same_problem(actual.result.problems[i], expected.result.problems[i]));
    }
}

std::vector<LoadedFile> round_trip(const std::vector<LoadedFile>& files) {
    std::vector<LoadedFile> back;
    std::string error;
    bool ok = read_snapshot(write_snapshot(files), back, error);
    INFO(error);
    REQUIRE(ok);
    REQUIRE(back.size() == files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
        check_same_file(files[i], back[i]);
    }
    return back;
}

/// Every field set, to a value unlike its default and unlike the other fields.
Record all_fields_record() {
    Record r;
    r.id = "all/fields";
    r.signature = "signature";
    r.signature_zh = "签名";
    r.regex = "re(g)ex";
    r.domain = "all";
    r.category = "category";
    r.subcategory = "subcategory";
    r.root_cause = "root cause";
    r.root_cause_type = "root cause type";
    r.root_cause_zh = "根本原因";
    r.versions = {
        {"1.0", "introduced", "deprecated", "removed", "behavior change", "status"},
        {std::nullopt, "only introduced", std::nullopt, std::nullopt, std::nullopt, std::nullopt}};
    r.os_specific_json = R"({"linux":"x"})";
    r.dead_ends = {{"action", "why fails", 0.75, "condition", {"s1", "s2"}, "动作", "原因", "条件"},
                   {"", "no action", std::nullopt, "", {}, "", "", ""}};
    r.workarounds = {{"w action", 0.125, "how", "w condition", {"w source"}, "w 条件"},
                     {"second", std::nullopt, "", "", {}, ""}};
    r.workarounds_zh = {"办法一", "办法二"};
    r.transition_graph.leads_to = {{"x/leads", 0.5, "leads condition", "leads distinction"}};
    r.transition_graph.preceded_by = {{"x/preceded", std::nullopt, "p condition", ""},
                                      {"x/preceded2", 0.25, "", "p distinction"}};
    r.transition_graph.frequently_confused_with = {{"x/confused", 1.0, "c", "d"}};
    r.official_doc_url = "https://example.org/doc";
    r.official_doc_section = "section";
    r.error_code = "E123";
    r.verification_tier = "reproduced";
    r.confidence = 0.3;
    r.fix_success_rate = 1e-300;
    r.resolvable = "partial";
    r.first_seen = "2020-01-01";
    r.last_confirmed = "2021-02-02";
    r.last_updated = "2022-03-03";
    r.evidence_count = std::numeric_limits<long long>::min();
    r.tags = {"tag1", "tag2"};
    r.locale = "zh";
    r.aliases = {"alias"};
    r.examples = {"example line", std::string("nul \0 inside", 12)};
    r.non_examples = {"non example"};
    r.reproduction = "false";
    r.source_url = "https://example.org/source";
    r.source = "dir/all-fields.txt";
    r.source_line = 1234567;
    r.format = RecordFormat::text_page;
    return r;
}

/// A record with every string empty, every optional absent, every list empty:
/// the smallest thing the reader must accept.
Record empty_record() {
    Record r;
    r.os_specific_json.clear();
    r.locale.clear();
    r.source_line = -1;
    r.format = RecordFormat::canon_json;
    return r;
}

/// A snapshot of `payload` with a valid header, so the checksum holds and only
/// the reader's own checks stand between the payload and the records.
std::string with_valid_header(const std::string& payload) {
    std::string out = "errlsnap";
    auto put = [&](std::uint64_t v, int bytes) {
        for (int i = 0; i < bytes; ++i) {
            out.push_back(static_cast<char>(v >> (8 * i)));
        }
    };
    put(k_snapshot_format_version, 4);
    put(payload.size(), 8);
    put(hash_bytes(payload, k_snapshot_format_version), 8);
    return out + payload;
}

std::vector<LoadedFile> small_files() {
    std::vector<LoadedFile> files(2);
    files[0].name = "a.json";
    files[0].result.records = {all_fields_record(), empty_record()};
    files[0].result.records_seen = 3;
    files[0].result.problems = {
        {Severity::error, "a.json", 3, 7, "/workarounds/0/success_rate", "not a number", "  x"}};
    files[1].name = "b.txt";
    files[1].result.records_seen = 1;
    files[1].result.problems = {{Severity::warning, "b.txt", 0, 0, "", "a warning", ""}};
    return files;
}

void check_same_load(const CatalogueLoad& expected, const CatalogueLoad& actual) {
    const auto& e = expected.counts;
    const auto& a = actual.counts;
    CHECK(a.files == e.files);
    CHECK(a.unreadable_files == e.unreadable_files);
    CHECK(a.records_seen == e.records_seen);
    CHECK(a.records_loaded == e.records_loaded);
    CHECK(a.records_rejected == e.records_rejected);
    CHECK(a.records_overridden == e.records_overridden);
    CHECK(actual.origins == expected.origins);
    REQUIRE(actual.catalogue.size() == expected.catalogue.size());
    for (std::size_t i = 0; i < expected.catalogue.size(); ++i) {
        const Record& er = expected.catalogue.records()[i];
        const Record& ar = actual.catalogue.records()[i];
        INFO(er.id);
        CHECK(ar.same_data(er));
        CHECK(ar.source == er.source);
        CHECK(ar.source_line == er.source_line);
        CHECK(ar.format == er.format);
    }
    REQUIRE(actual.problems.size() == expected.problems.size());
    for (std::size_t i = 0; i < expected.problems.size(); ++i) {
        INFO(format_problem(expected.problems[i]));
        CHECK(same_problem(actual.problems[i], expected.problems[i]));
    }
}

/// A fresh empty directory under the system's temporary directory.
fs::path fresh_dir(const std::string& name) {
    fs::path dir = fs::temp_directory_path() / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

std::vector<fs::path> cache_files(const fs::path& dir) {
    std::vector<fs::path> out;
    if (fs::exists(dir)) {
        for (const auto& e : fs::directory_iterator(dir)) {
            out.push_back(e.path());
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

void write_text(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

std::string record_json(const std::string& id, const std::string& signature) {
    return R"({"id": ")" + id + R"(", "signature": ")" + signature + R"("})";
}

}  // namespace

TEST_CASE("snapshot: XXH64 gives the reference values", "[snapshot]") {
    CHECK(hash_bytes("") == 0xEF46DB3751D8E999ULL);
    CHECK(hash_bytes("abc") == 0x44BC2CF5AD770999ULL);
    CHECK(hash_bytes("Nobody inspects the spammish repetition") == 0xFBCEA83C8A378BF1ULL);
    CHECK(hash_bytes("abc", 1) != hash_bytes("abc"));
}

TEST_CASE("snapshot: a record with every field set round-trips", "[snapshot]") {
    // Fails when a field is missed in write or read; a field added to Record
    // must be set here too (snapshot.cpp's size checks say so at compile time).
    Record full = all_fields_record();
    CHECK(!full.same_data(Record{}));
    auto back = round_trip(small_files());
    const Record& r = back[0].result.records[0];
    CHECK(r.same_data(full));
    CHECK(r.source == "dir/all-fields.txt");
    CHECK(r.source_line == 1234567);
    CHECK(r.format == RecordFormat::text_page);
    CHECK(r.examples[1].size() == 12);
    CHECK(back[0].result.records[1].same_data(empty_record()));
    CHECK(back[0].result.records[1].os_specific_json.empty());
}

TEST_CASE("snapshot: problems and empty files round-trip", "[snapshot]") {
    auto files = small_files();
    files.push_back({"empty.json", {}});
    round_trip(files);
    round_trip({});
}

TEST_CASE("snapshot: every embedded record round-trips", "[snapshot]") {
    std::vector<LoadedFile> files;
    for (const auto& f : builtin_files()) {
        files.push_back({std::string(f.name), load_records(f.name, f.text)});
    }
    REQUIRE(files.size() >= 6);
    round_trip(files);
}

TEST_CASE("snapshot: every public record round-trips", "[snapshot][shared]") {
    if (!errlens::test::have_shared("datasets/deadends/canons")) {
        return;
    }
    std::vector<LoadedFile> files;
    auto dir = errlens::test::shared_dir() / "datasets/deadends/canons";
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        if (e.is_regular_file() && e.path().extension() == ".json") {
            std::string text = errlens::test::read_file(e.path());
            files.push_back({e.path().string(), load_records(e.path().string(), text)});
        }
    }
    CHECK(files.size() >= 2500);
    round_trip(files);
}

namespace {

/// The fields read_snapshot_headers keeps (Catalogue::header lists them).
void check_same_header(const Record& header, const Record& whole) {
    INFO(whole.id);
    CHECK(header.id == whole.id);
    CHECK(header.signature == whole.signature);
    CHECK(header.signature_zh == whole.signature_zh);
    CHECK(header.regex == whole.regex);
    CHECK(header.domain == whole.domain);
    CHECK(header.category == whole.category);
    CHECK(header.aliases == whole.aliases);
    CHECK(header.source == whole.source);
    CHECK(header.source_line == whole.source_line);
    CHECK(header.format == whole.format);
}

/// Reads `bytes` in part and checks every record against the whole read,
/// and that its deferred bytes read it whole again.
void check_headers_and_deferred(const std::string_view bytes) {
    std::vector<LoadedFile> whole;
    std::vector<LoadedFile> headers;
    std::vector<std::vector<std::string_view>> deferred;
    std::string error;
    REQUIRE(read_snapshot(bytes, whole, error));
    REQUIRE(read_snapshot_headers(bytes, headers, deferred, error));
    REQUIRE(headers.size() == whole.size());
    REQUIRE(deferred.size() == whole.size());
    for (std::size_t f = 0; f < whole.size(); ++f) {
        const auto& records = whole[f].result.records;
        REQUIRE(headers[f].result.records.size() == records.size());
        REQUIRE(deferred[f].size() == records.size());
        CHECK(headers[f].name == whole[f].name);
        REQUIRE(headers[f].result.problems.size() == whole[f].result.problems.size());
        for (std::size_t p = 0; p < whole[f].result.problems.size(); ++p) {
            CHECK(same_problem(headers[f].result.problems[p], whole[f].result.problems[p]));
        }
        CHECK(headers[f].result.records_seen == whole[f].result.records_seen);
        for (std::size_t i = 0; i < records.size(); ++i) {
            check_same_header(headers[f].result.records[i], records[i]);
            Record again;
            REQUIRE(read_snapshot_record(deferred[f][i], again));
            CHECK(again.same_data(records[i]));
            check_same_header(again, records[i]);
        }
    }
}

}  // namespace

TEST_CASE("snapshot: records read in part keep the header fields and are read whole later",
          "[snapshot]") {
    std::string bytes = write_snapshot(small_files());
    check_headers_and_deferred(bytes);
    check_headers_and_deferred(builtin_snapshot());

    // What is left out is left out: the record with every field set.
    std::vector<LoadedFile> headers;
    std::vector<std::vector<std::string_view>> deferred;
    std::string error;
    REQUIRE(read_snapshot_headers(bytes, headers, deferred, error));
    const Record& header = headers[0].result.records[0];
    CHECK(header.root_cause.empty());
    CHECK(header.workarounds.empty());
    CHECK(header.examples.empty());
    CHECK(!header.reproduction);

    // Bytes that are not exactly one record are refused, the output untouched.
    std::string_view one = deferred[0][0];
    Record out;
    out.id = "untouched";
    CHECK_FALSE(read_snapshot_record(one.substr(0, one.size() - 1), out));
    CHECK_FALSE(read_snapshot_record(std::string(one) + "x", out));
    CHECK(out.id == "untouched");
}

TEST_CASE("snapshot: a record read in part, then whole through the catalogue, has every field",
          "[snapshot]") {
    // Fails when Catalogue's reading a record whole misses a field.
    std::string bytes = write_snapshot(small_files());
    std::vector<LoadedFile> headers;
    std::vector<std::vector<std::string_view>> deferred;
    std::string error;
    REQUIRE(read_snapshot_headers(bytes, headers, deferred, error));
    Catalogue c;
    for (std::size_t i = 0; i < headers[0].result.records.size(); ++i) {
        c.add_deferred(headers[0].result.records[i], deferred[0][i]);
    }
    CHECK(c.header(0).root_cause.empty());
    const Record& whole = c.record(0);
    CHECK(whole.same_data(all_fields_record()));
    CHECK(whole.source == "dir/all-fields.txt");
    CHECK(whole.source_line == 1234567);
    CHECK(whole.format == RecordFormat::text_page);
    CHECK(c.records()[1].same_data(empty_record()));
}

TEST_CASE("snapshot: truncated, corrupted or foreign bytes are refused with a reason",
          "[snapshot]") {
    std::string good = write_snapshot(small_files());
    std::vector<LoadedFile> out;
    std::string error;
    REQUIRE(read_snapshot(good, out, error));

    SECTION("every truncation") {
        for (std::size_t n = 0; n < good.size(); ++n) {
            error.clear();
            CHECK(!read_snapshot(std::string_view(good).substr(0, n), out, error));
            CHECK(!error.empty());
            CHECK(out.empty());
        }
    }
    SECTION("every flipped byte") {
        for (std::size_t i = 0; i < good.size(); ++i) {
            std::string bad = good;
            bad[i] = static_cast<char>(bad[i] ^ 0x20);
            error.clear();
            CHECK(!read_snapshot(bad, out, error));
            CHECK(!error.empty());
        }
    }
    SECTION("a wrong checksum: refused when verified, read when trusted") {
        std::string bad = good;
        bad[20] = static_cast<char>(bad[20] ^ 0x01);  // the checksum's first byte
        std::vector<std::vector<std::string_view>> deferred;
        CHECK(!read_snapshot_headers(bad, out, deferred, error));
        CHECK(error.find("checksum") != std::string::npos);
        error.clear();
        REQUIRE(read_snapshot_headers(bad, out, deferred, error, Checksum::trust));
        CHECK(out.size() == small_files().size());
        // Trusted, the payload is still checked field by field.
        std::string truncated = with_valid_header(good.substr(28, good.size() - 29));
        truncated[20] = static_cast<char>(truncated[20] ^ 0x01);
        CHECK(!read_snapshot_headers(truncated, out, deferred, error, Checksum::trust));
        CHECK(!error.empty());
    }
    SECTION("another format version") {
        std::string bad = good;
        bad[8] = static_cast<char>(k_snapshot_format_version + 1);
        CHECK(!read_snapshot(bad, out, error));
        CHECK(error.find("format version") != std::string::npos);
    }
    SECTION("not a snapshot") {
        CHECK(!read_snapshot(R"({"id": "x/y"})", out, error));
        CHECK(!read_snapshot("", out, error));
        CHECK(error.find("truncated") != std::string::npos);
    }
    SECTION("a payload with a valid checksum is still checked field by field") {
        // A huge count must be refused before anything is reserved for it.
        CHECK(
            !read_snapshot(with_valid_header("\xff\xff\xff\xff\xff\xff\xff\xff\x7f"), out, error));
        CHECK(error.find("count") != std::string::npos);
        // One file whose name runs past the end.
        CHECK(!read_snapshot(with_valid_header("\x01\x7f"
                                               "abc"),
                             out, error));
        // The small files with a byte too many after them.
        std::string payload = good.substr(28) + "x";
        CHECK(!read_snapshot(with_valid_header(payload), out, error));
        CHECK(error.find("unread bytes") != std::string::npos);
        // Every byte of the payload changed in turn, the header kept valid: a
        // refusal or a different result, never a crash (run under ASan to see).
        std::string base = good.substr(28);
        for (std::size_t i = 0; i < base.size(); ++i) {
            std::string p = base;
            p[i] = static_cast<char>(0xff);
            std::vector<LoadedFile> any;
            std::string why;
            if (!read_snapshot(with_valid_header(p), any, why)) {
                CHECK(!why.empty());
            }
        }
    }
}

TEST_CASE("snapshot: the embedded snapshot loads exactly what parsing the embedded files does",
          "[snapshot]") {
    REQUIRE(!builtin_snapshot().empty());
    std::vector<LoadedFile> files;
    std::string error;
    REQUIRE(read_snapshot(builtin_snapshot(), files, error));
    CHECK(files.size() == builtin_files().size());

    CatalogueLoad parsed;
    for (const auto& f : builtin_files()) {
        add_source(parsed, f.name, f.text, 0);
    }
    CatalogueLoad from_snapshot = load_catalogue({true, {}});
    check_same_load(parsed, from_snapshot);
    CHECK(from_snapshot.counts.files == builtin_files().size());
}

TEST_CASE("snapshot: a --catalog path is cached by content", "[snapshot][cache]") {
    fs::path dir = fresh_dir("errlens-test-cache-records");
    fs::path cache = fresh_dir("errlens-test-cache-dir") / "errlens";  // created on first write
    write_text(dir / "one.json", record_json("x/one", "first error"));
    write_text(dir / "two.json", record_json("x/two", "second error"));
    CatalogueOptions options{false, {dir.string()}, cache.string()};
    CatalogueOptions no_cache{false, {dir.string()}};

    CatalogueLoad parsed = load_catalogue(no_cache);
    CHECK(cache_files(cache).empty());
    CatalogueLoad first = load_catalogue(options);
    auto written = cache_files(cache);
    REQUIRE(written.size() == 1);
    CHECK(written[0].filename().string().starts_with("catalogue-"));
    CHECK(written[0].extension() == ".bin");
    check_same_load(parsed, first);

    SECTION("the second load reads the cache file") {
        CatalogueLoad second = load_catalogue(options);
        check_same_load(parsed, second);
        CHECK(cache_files(cache) == written);
        // Proof that it is read: a cache file saying something else is believed.
        std::vector<LoadedFile> files;
        std::string error;
        REQUIRE(read_snapshot(errlens::test::read_file(written[0]), files, error));
        files[0].result.records[0].signature = "from the cache";
        write_text(written[0], write_snapshot(files));
        CHECK(load_catalogue(options).catalogue.find("x/one")->signature == "from the cache");
    }
    SECTION("an edited file gets a new cache file, and its new content loads") {
        write_text(dir / "one.json", record_json("x/one", "edited error"));
        CatalogueLoad edited = load_catalogue(options);
        CHECK(edited.catalogue.find("x/one")->signature == "edited error");
        CHECK(cache_files(cache).size() == 2);
        check_same_load(load_catalogue(no_cache), edited);
    }
    SECTION("a renamed file is a new key: record sources stay right") {
        fs::rename(dir / "two.json", dir / "three.json");
        CatalogueLoad renamed = load_catalogue(options);
        CHECK(renamed.catalogue.find("x/two")->source == (dir / "three.json").string());
        CHECK(cache_files(cache).size() == 2);
    }
    SECTION("a corrupted or truncated cache file is ignored, then replaced") {
        std::string bytes = errlens::test::read_file(written[0]);
        for (const std::string& bad :
             {bytes.substr(0, bytes.size() / 2), std::string("garbage"), std::string()}) {
            write_text(written[0], bad);
            check_same_load(parsed, load_catalogue(options));
            CHECK(errlens::test::read_file(written[0]) == bytes);
        }
    }
    SECTION("an unwritable cache dir only costs the cache") {
        write_text(cache.parent_path() / "file", "x");
        CatalogueOptions bad{false, {dir.string()}, (cache.parent_path() / "file" / "x").string()};
        check_same_load(parsed, load_catalogue(bad));
    }
    fs::remove_all(dir);
    fs::remove_all(cache.parent_path());
}

TEST_CASE("snapshot: cached and parsed loads agree on problems, duplicates and overrides",
          "[snapshot][cache]") {
    fs::path cache = fresh_dir("errlens-test-cache-problems");
    fs::path dup = fresh_dir("errlens-test-cache-duplicates");
    write_text(dup / "a.json", record_json("x/one", "first"));
    write_text(dup / "b.json", record_json("x/one", "second"));
    write_text(dup / "c.json", "not a record");
    std::vector<std::string> paths{errlens::test::fixtures().string(),
                                   errlens::test::bad_records().string(), dup.string(),
                                   "/nonexistent/errlens.json", errlens::test::fixtures().string()};
    CatalogueLoad parsed = load_catalogue({true, paths});
    CHECK(parsed.counts.unreadable_files == 1);
    CHECK(!parsed.problems.empty());
    for (int run = 0; run < 2; ++run) {
        INFO("run " << run << (run == 0 ? " (writes the cache)" : " (reads it)"));
        check_same_load(parsed, load_catalogue({true, paths, cache.string()}));
    }
    // The fixtures path is given twice: one cache file serves both.
    CHECK(cache_files(cache).size() == 3);
    fs::remove_all(cache);
    fs::remove_all(dup);
}
