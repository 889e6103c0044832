// Catalogue: directory walking, overrides, duplicates, unreadable paths, counts.
#include <thread>

#include "errlens/catalogue.hpp"
#include "errlens/loaders.hpp"
#include "test_support.hpp"

using namespace errlens;

TEST_CASE("the embedded catalogue is compiled in and loads cleanly", "[catalogue]") {
    CatalogueLoad load = load_catalogue({true, {}});
    CHECK(builtin_files().size() >= 6);
    for (const auto& p : load.problems) {
        UNSCOPED_INFO(format_problem(p));
    }
    CHECK(load.problems.empty());
    CHECK(load.counts.records_loaded == builtin_files().size());
    const Record* cf = load.catalogue.find("aws/cloudfront-origin-ssl-handshake-failed");
    REQUIRE(cf != nullptr);
    CHECK(cf->source == "data/aws/cloudfront-origin-ssl-handshake-failed.json");
    bool has_text_page = false;
    for (const auto& r : load.catalogue.records()) {
        has_text_page = has_text_page || r.format == RecordFormat::text_page;
        // Every embedded record's id is its path under data/.
        CHECK(r.source ==
              "data/" + r.id + (r.format == RecordFormat::text_page ? ".txt" : ".json"));
    }
    CHECK(has_text_page);
}

TEST_CASE("a directory is walked - counts add up - bad files are reported", "[catalogue]") {
    CatalogueLoad load = load_catalogue(
        {false, {errlens::test::fixtures().string(), errlens::test::bad_records().string()}});
    const auto& n = load.counts;
    CHECK(n.files == 6);
    CHECK(n.records_seen == 3 + 1 + 3 + 1);
    CHECK(n.records_loaded == 4);
    CHECK(n.records_rejected == 4);
    CHECK(n.records_seen == n.records_loaded + n.records_rejected);
    CHECK(load.catalogue.size() == 4);
    std::size_t errors = 0;
    for (const auto& p : load.problems) {
        errors += p.severity == Severity::error ? 1 : 0;
    }
    CHECK(errors == 4);  // syntax error, bad rate, missing id, not a record
}

TEST_CASE("a later catalogue overrides an id - a duplicate inside one is reported", "[catalogue]") {
    CatalogueLoad load;
    std::string a = R"({"id": "x/one", "signature": "first"})";
    std::string b = R"({"id": "x/one", "signature": "second"})";
    add_source(load, "builtin.json", a, 0);
    add_source(load, "user.json", b, 1);
    CHECK(load.catalogue.size() == 1);
    CHECK(load.catalogue.find("x/one")->signature == "second");
    CHECK(load.problems.empty());
    add_source(load, "user2.json", a, 1);
    REQUIRE(load.problems.size() == 1);
    CHECK(format_problem(load.problems[0]) ==
          "user2.json:1: id: warning: duplicate id `x/one` (also in user.json); this later record "
          "wins");
    CHECK(load.counts.records_overridden == 2);
}

TEST_CASE("an unreadable path is reported and the rest still loads", "[catalogue]") {
    CatalogueLoad load =
        load_catalogue({false,
                        {"/nonexistent/errlens.json",
                         (errlens::test::fixtures() / "git-not-a-repository.json").string()}});
    CHECK(load.counts.unreadable_files == 1);
    CHECK(load.catalogue.size() == 1);
    REQUIRE(load.problems.size() == 1);
    CHECK(format_problem(load.problems[0]) ==
          "/nonexistent/errlens.json: error: cannot read: No such file or directory");
}

TEST_CASE("unknown ids get suggestions", "[catalogue]") {
    CatalogueLoad load = load_catalogue({false, {errlens::test::fixtures().string()}});
    CHECK(load.catalogue.suggest("git/not-a-git-repo") ==
          std::vector<std::string>{"git/not-a-git-repository"});
    CHECK(load.catalogue.suggest("zzzz/qqqqqqqqqqqqqqqqqqqq").empty());
}

TEST_CASE("embedded records are read whole when first asked for - also from several threads",
          "[catalogue]") {
    CatalogueLoad parsed;
    for (const auto& f : builtin_files()) {
        add_source(parsed, f.name, f.text, 0);
    }
    const auto& expected = parsed.catalogue.records();

    CatalogueLoad load = load_catalogue({true, {}});
    const Catalogue& c = load.catalogue;
    REQUIRE(c.size() == expected.size());
    REQUIRE(c.size() > 100);
    // Before: every record's header, none of the rest (every embedded record has a root cause).
    for (std::size_t i = 0; i < c.size(); ++i) {
        CHECK(c.header(i).id == expected[i].id);
        CHECK(c.header(i).regex == expected[i].regex);
        CHECK(c.header(i).root_cause.empty());
    }
    // One record, by index and by id.
    CHECK(c.record(3).same_data(expected[3]));
    CHECK(c.header(4).root_cause.empty());
    const Record* by_id = c.find(expected[5].id);
    REQUIRE(by_id != nullptr);
    CHECK(by_id->same_data(expected[5]));
    CHECK(!c.header(5).root_cause.empty());

    // Two threads reading the same records whole at once, as scan -j does,
    // and a third reading their header fields meanwhile, as the matcher does.
    auto read_all = [&c] {
        for (std::size_t i = 0; i < c.size(); ++i) {
            (void)c.record(i).root_cause.size();
        }
    };
    std::size_t header_bytes = 0;
    auto read_headers = [&c, &header_bytes] {
        for (int round = 0; round < 20; ++round) {
            for (std::size_t i = 0; i < c.size(); ++i) {
                header_bytes += c.header(i).signature.size() + c.header(i).id.size();
            }
        }
    };
    std::thread other(read_all);
    std::thread headers(read_headers);
    read_all();
    other.join();
    headers.join();
    CHECK(header_bytes > 0);
    for (std::size_t i = 0; i < c.size(); ++i) {
        INFO(expected[i].id);
        CHECK(c.record(i).same_data(expected[i]));
    }

    // A copy, and records() on a catalogue not yet read, agree too.
    CatalogueLoad fresh = load_catalogue({true, {}});
    Catalogue copy = fresh.catalogue;
    REQUIRE(copy.records().size() == expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        CHECK(copy.records()[i].same_data(expected[i]));
        CHECK(fresh.catalogue.records()[i].same_data(expected[i]));
    }
}

TEST_CASE("a record added over a deferred one replaces it", "[catalogue]") {
    CatalogueLoad load = load_catalogue({true, {}});
    std::string id = load.catalogue.header(0).id;
    Record mine;
    mine.id = id;
    mine.signature = "my own";
    mine.root_cause = "mine";
    mine.source = "mine.json";
    std::string embedded_source = load.catalogue.header(0).source;
    CHECK(load.catalogue.add(mine) == embedded_source);
    CHECK(load.catalogue.record(0).root_cause == "mine");
    CHECK(load.catalogue.records()[0].signature == "my own");
}
