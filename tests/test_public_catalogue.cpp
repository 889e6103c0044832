// The public deadends.dev catalogue (../shared/datasets/deadends): 2,522
// records in the canon layout, loaded at real scale. Skips with a message
// where ../shared/ is absent.
#include <nlohmann/json.hpp>

#include "errlens/matcher.hpp"
#include "test_support.hpp"

using namespace errlens;

TEST_CASE("public catalogue: every record is loaded or reported, the counts add up", "[public]") {
    if (!errlens::test::have_shared("datasets/deadends/canons")) {
        return;
    }
    auto dir = errlens::test::shared_dir() / "datasets/deadends/canons";
    std::size_t files_on_disk = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
        files_on_disk += e.is_regular_file() && e.path().extension() == ".json" ? 1 : 0;
    }
    CHECK(files_on_disk == 2522);
    CatalogueLoad load = load_catalogue({false, {dir.string()}});
    const auto& n = load.counts;
    CHECK(n.files == files_on_disk);
    CHECK(n.records_seen == files_on_disk);
    CHECK(n.records_loaded + n.records_rejected == n.records_seen);
    std::size_t errors = 0;
    for (const auto& p : load.problems) {
        errors += p.severity == Severity::error ? 1 : 0;
        if (p.severity == Severity::error) {
            UNSCOPED_INFO(format_problem(p));
        }
    }
    // Every rejected record has at least one error naming it.
    CHECK(errors >= n.records_rejected);
    CHECK(n.records_loaded == 2522);
    CHECK(load.catalogue.size() == 2522);

    Matcher matcher(load.catalogue);
    std::size_t compiled = 0;
    for (std::size_t i = 0; i < load.catalogue.size(); ++i) {
        compiled += matcher.compiled(i) ? 1 : 0;
    }
    // Records whose Python regex RE2 cannot compile are each reported.
    CHECK(compiled + matcher.problems().size() == load.catalogue.size());
    for (const auto& p : matcher.problems()) {
        CHECK(p.field == "/error/regex");
        CHECK(p.message.find("RE2 cannot compile the regex") != std::string::npos);
    }
}

TEST_CASE("public catalogue: its own scenarios find the expected domain", "[public]") {
    if (!errlens::test::have_shared("datasets/deadends/scenarios.json")) {
        return;
    }
    CatalogueLoad load = load_catalogue(
        {false, {(errlens::test::shared_dir() / "datasets/deadends/canons").string()}});
    Matcher matcher(load.catalogue);
    auto scenarios = nlohmann::json::parse(
        errlens::test::read_file(errlens::test::shared_dir() / "datasets/deadends/scenarios.json"));
    std::size_t top1 = 0;
    for (const auto& s : scenarios) {
        auto ds = diagnose_message(matcher, s["error_message"].get<std::string>());
        if (!ds.empty() && ds[0].record->domain == s["expected_domain"].get<std::string>()) {
            ++top1;
        } else {
            UNSCOPED_INFO("miss: " << s["id"].get<std::string>() << " -> "
                                   << (ds.empty() ? std::string("nothing") : ds[0].record->id));
        }
    }
    // Their published Precision@1 for their own lookup is 0.90 (18 of 20).
    WARN("scenario domain precision@1: " << top1 << "/" << scenarios.size());
    CHECK(top1 >= 16);
}
