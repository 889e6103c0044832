// The embedded catalogue as data: every record fits the published JSON Schema
// (data/record.schema.json), every example is matched by its record and ranks
// it first, no near miss matches, and real healthy logs raise nothing.
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include <set>

#include "errlens/loaders.hpp"
#include "errlens/matcher.hpp"
#include "test_support.hpp"

using namespace errlens;

namespace {

struct Builtin {
    CatalogueLoad load = load_catalogue({true, {}});
    Matcher matcher{load.catalogue};
};

const Builtin& builtin() {
    static const Builtin b;
    return b;
}

/// data/record.schema.json, parsed once.
const valijson::Schema& record_schema() {
    // valijson::Schema is not copyable: built once in place.
    static const std::unique_ptr<valijson::Schema> schema = [] {
        auto doc = nlohmann::json::parse(errlens::test::read_file(
            std::filesystem::path(ERRLENS_SOURCE_DIR) / "data/record.schema.json"));
        auto s = std::make_unique<valijson::Schema>();
        valijson::SchemaParser parser;
        valijson::adapters::NlohmannJsonAdapter adapter(doc);
        parser.populateSchema(adapter, *s);
        return s;
    }();
    return *schema;
}

std::string join_context(const std::vector<std::string>& context) {
    std::string out;
    for (const auto& c : context) {
        out += c;
    }
    return out;
}

}  // namespace

TEST_CASE("data: the embedded catalogue loads without a problem", "[data]") {
    const auto& b = builtin();
    for (const auto& p : b.load.problems) {
        UNSCOPED_INFO(format_problem(p));
    }
    CHECK(b.load.problems.empty());
    CHECK(b.matcher.problems().empty());
    CHECK(b.load.counts.records_rejected == 0);
    CHECK(b.load.counts.records_overridden == 0);
}

TEST_CASE("data: every record fits data/record.schema.json", "[data][schema]") {
    const valijson::Schema& schema = record_schema();
    valijson::Validator validator;
    for (const auto& record : builtin().load.catalogue.records()) {
        // Text pages are checked through their JSON export, which is the same record.
        auto doc = nlohmann::json::parse(to_json(record));
        valijson::adapters::NlohmannJsonAdapter adapter(doc);
        valijson::ValidationResults results;
        bool ok = validator.validate(schema, adapter, &results);
        valijson::ValidationResults::Error error;
        while (results.popError(error)) {
            UNSCOPED_INFO(record.source << ": " << join_context(error.context) << ": "
                                        << error.description);
        }
        INFO(record.source);
        CHECK(ok);
    }
}

TEST_CASE("data: the schema rejects what the catalogue must not hold", "[data][schema]") {
    const valijson::Schema& schema = record_schema();
    valijson::Validator validator;
    const Record* any = builtin().load.catalogue.find("python/module-not-found");
    REQUIRE(any != nullptr);
    auto good = nlohmann::json::parse(to_json(*any));
    auto rejects = [&](nlohmann::json doc) {
        valijson::adapters::NlohmannJsonAdapter adapter(doc);
        return !validator.validate(schema, adapter, nullptr);
    };
    CHECK_FALSE(rejects(good));
    auto no_examples = good;
    no_examples.erase("examples");
    CHECK(rejects(no_examples));
    auto bad_tier = good;
    bad_tier["verification_tier"] = "verified";
    CHECK(rejects(bad_tier));
    auto bad_rate = good;
    bad_rate["workarounds"][0]["success_rate"] = 95;
    CHECK(rejects(bad_rate));
    auto reproduced_without_how = good;
    reproduced_without_how["verification_tier"] = "reproduced";
    reproduced_without_how.erase("reproduction");
    CHECK(rejects(reproduced_without_how));
}

TEST_CASE("data: each example ranks its own record first, no near miss matches it", "[data]") {
    const auto& b = builtin();
    const auto& records = b.load.catalogue.records();
    std::vector<std::size_t> hits;
    std::string cleaned;
    std::size_t examples = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const Record& r = records[i];
        INFO(r.source);
        CHECK(r.examples.size() >= 2);
        CHECK(r.non_examples.size() >= 1);
        for (const auto& example : r.examples) {
            INFO("example: " << example);
            auto ds = diagnose_message(b.matcher, example);
            REQUIRE_FALSE(ds.empty());
            CHECK(ds[0].kind == MatchKind::regex);
            CHECK(ds[0].record->id == r.id);
            ++examples;
        }
        for (const auto& near_miss : r.non_examples) {
            INFO("non-example: " << near_miss);
            hits.clear();
            clean_line(near_miss, cleaned);
            b.matcher.match_line(cleaned, hits);
            CHECK(std::find(hits.begin(), hits.end(), i) == hits.end());
        }
    }
    CHECK(examples >= 2 * records.size());
}

TEST_CASE("data: at least 10% of the records are text pages", "[data]") {
    std::size_t pages = 0;
    for (const auto& r : builtin().load.catalogue.records()) {
        pages += r.format == RecordFormat::text_page ? 1 : 0;
    }
    CHECK(pages * 10 >= builtin().load.catalogue.size());
}

TEST_CASE("data: real healthy logs raise nothing", "[data][precision]") {
    auto dir = std::filesystem::path(ERRLENS_SOURCE_DIR) / "tests/healthy";
    REQUIRE(std::filesystem::is_directory(dir));
    std::size_t files = 0;
    std::size_t lines = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".log") {
            continue;
        }
        ++files;
        LogScanner scanner(builtin().matcher, entry.path().filename().string());
        scanner.feed(errlens::test::read_file(entry.path()));
        scanner.finish();
        lines += scanner.lines();
        for (const auto& d : scanner.diagnoses()) {
            FAIL_CHECK(d.source << ":" << d.line << ": `" << d.record->id
                                << "` fired on a healthy line: " << d.text);
        }
    }
    CHECK(files >= 10);
    WARN("healthy logs: " << files << " files, " << lines << " lines");
}

namespace {

/// Lowercase 10-grams of alphabetic words (tokens with digits dropped, so
/// shared command lines like `2>/dev/null | openssl x509` do not count): two
/// texts sharing one share a phrase of prose, not just vocabulary.
void add_shingles(std::string_view text, std::set<std::string>& out) {
    std::vector<std::string> words;
    std::string w;
    bool digit = false;
    auto flush = [&] {
        if (!w.empty() && !digit) {
            words.push_back(w);
        }
        w.clear();
        digit = false;
    };
    for (char c : text) {
        if (std::isalpha(static_cast<unsigned char>(c))) {
            w += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        } else if (std::isdigit(static_cast<unsigned char>(c))) {
            digit = true;
        } else {
            flush();
        }
    }
    flush();
    constexpr std::size_t k_n = 10;
    for (std::size_t i = 0; i + k_n <= words.size(); ++i) {
        std::string s;
        for (std::size_t k = 0; k < k_n; ++k) {
            s += words[i + k] + ' ';
        }
        out.insert(std::move(s));
    }
}

/// Text with `code spans` removed: standard commands (`aws ecr get-login-password
/// | docker login ...`) are shared by everyone who documents a tool.
std::string without_code(std::string_view text) {
    std::string out;
    bool code = false;
    for (char c : text) {
        if (c == '`') {
            code = !code;
        } else if (!code) {
            out += c;
        }
    }
    return out;
}

/// The prose of a record. `how` is left out: it holds the commands and
/// settings, which are facts of the tool rather than anybody's sentences.
std::vector<std::string> prose_of(const Record& r) {
    std::vector<std::string> out{without_code(r.root_cause)};
    for (const auto& w : r.workarounds) {
        out.push_back(without_code(w.action));
    }
    for (const auto& d : r.dead_ends) {
        out.push_back(without_code(d.action));
        out.push_back(without_code(d.why_fails));
    }
    return out;
}

}  // namespace

TEST_CASE("data: no sentence is copied from the public dataset", "[data][provenance]") {
    if (!errlens::test::have_shared("datasets/deadends/canons")) {
        return;
    }
    CatalogueLoad pub = load_catalogue(
        {false, {(errlens::test::shared_dir() / "datasets/deadends/canons").string()}});
    std::set<std::string> theirs;
    for (const auto& r : pub.catalogue.records()) {
        for (const auto& text : prose_of(r)) {
            add_shingles(text, theirs);
        }
    }
    CHECK(theirs.size() > 10000);
    for (const auto& r : builtin().load.catalogue.records()) {
        std::set<std::string> ours;
        for (const auto& text : prose_of(r)) {
            add_shingles(text, ours);
        }
        for (const auto& s : ours) {
            if (theirs.count(s)) {
                FAIL_CHECK(r.source << " shares a 10-word phrase with the public dataset: \"" << s
                                    << "\"");
            }
        }
    }
}
