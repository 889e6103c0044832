// CI renderers: GitHub workflow commands and step summary, GitLab Code
// Quality, SARIF, JSON Lines, JUnit. Golden files in both languages on a
// fixture whose texts hold newlines, percent signs, colons, commas and CJK.
// (The schema checks of SARIF and Code Quality run in validate_ci_outputs.py.)
#include <nlohmann/json.hpp>

#include "errlens/renderers.hpp"
#include "test_support.hpp"

using namespace errlens;

namespace {

RenderOptions opts(Language language) {
    RenderOptions o;
    o.language = language;
    o.width = 80;
    o.workspace = "/home/runner/work/app/app";
    return o;
}

struct CiFixture {
    CatalogueLoad load = load_catalogue(
        {false, {(std::filesystem::path(ERRLENS_TEST_DATA_DIR) / "ci/records.json").string()}});
    Matcher matcher{load.catalogue};

    std::vector<Diagnosis> scan() const {
        LogScanner s(matcher, "logs/failed-deploy.log");
        s.feed(errlens::test::read_file(std::filesystem::path(ERRLENS_TEST_DATA_DIR) /
                                        "ci/failed-deploy.log"));
        s.finish();
        return s.diagnoses();
    }
};

/// A regex diagnosis for each of `records` (ids test/<stem><i>), each at line
/// i + 1 of a.log; the records must outlive the diagnoses.
std::vector<Diagnosis> one_per_line(std::vector<Record>& records, const std::string& stem,
                                    const std::string& root_cause) {
    std::vector<Diagnosis> ds;
    for (std::size_t i = 0; i < records.size(); ++i) {
        records[i].id = "test/" + stem + std::to_string(i);
        records[i].signature = stem + " " + std::to_string(i);
        records[i].root_cause = root_cause;
        ds.push_back({&records[i], MatchKind::regex, 100, "a.log", i + 1, "line", 1});
    }
    return ds;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = text.find(what, at)) != std::string::npos; ++at) {
        ++n;
    }
    return n;
}

}  // namespace

TEST_CASE("golden: CI formats in both languages", "[ci][golden]") {
    CiFixture f;
    auto diagnoses = f.scan();
    REQUIRE(diagnoses.size() == 2);
    Report report{diagnoses, 0};
    for (auto lang : {Language::en, Language::zh}) {
        std::string sfx = lang == Language::en ? "en" : "zh";
        errlens::test::check_golden("ci-github." + sfx + ".txt",
                                    GithubRenderer(opts(lang)).render(report));
        errlens::test::check_golden("ci-step-summary." + sfx + ".md",
                                    github_step_summary(report, opts(lang)));
        errlens::test::check_golden("ci-gitlab." + sfx + ".json",
                                    GitlabCodeQualityRenderer(opts(lang)).render(report));
        errlens::test::check_golden("ci-sarif." + sfx + ".json",
                                    SarifRenderer(opts(lang)).render(report));
        errlens::test::check_golden("ci-jsonl." + sfx + ".jsonl",
                                    JsonLinesRenderer(opts(lang)).render(report));
        errlens::test::check_golden("ci-junit." + sfx + ".xml",
                                    JunitRenderer(opts(lang)).render(report));
    }
}

TEST_CASE("github: escaping follows the workflow-command rules", "[ci][github]") {
    CiFixture f;
    auto ds = f.scan();
    std::string out = GithubRenderer(opts(Language::en)).render({ds, 0});
    // Root causes before consequences: the quota record leads to the replicas one.
    auto quota = out.find("test/quota-exhausted");
    auto replicas = out.find("test/replicas-unavailable");
    REQUIRE(quota != std::string::npos);
    REQUIRE(replicas != std::string::npos);
    CHECK(quota < replicas);
    // Properties escape : and , as well; the message keeps them, escapes % CR LF.
    CHECK(
        out.find("title=errlens%3A Deploy failed%3A 100%25 of replicas%2C 3/3%3A unavailable::") !=
        std::string::npos);
    CHECK(out.find("a colon: here, a comma, a 50%25 figure%0Aand a second line.") !=
          std::string::npos);
    // The log line names src/deploy/main.go:42: the annotation points there.
    CHECK(out.find("::error file=src/deploy/main.go,line=42,title=") != std::string::npos);
    for (char c : out) {
        CHECK(c != '\r');
    }
}

TEST_CASE("github: at most 10 error annotations, the rest announced", "[ci][github]") {
    std::vector<Record> records(13);
    std::vector<Diagnosis> ds = one_per_line(records, "r", "cause");
    Record similar;
    similar.id = "test/similar";
    similar.signature = "close";
    ds.push_back({&similar, MatchKind::similar, 50, "", 0, "", 0});
    std::string out = GithubRenderer(opts(Language::en)).render({ds, 0});
    CHECK(occurrences(out, "::error ") == GithubRenderer::k_max_errors);
    CHECK(occurrences(out, "::warning ") == 1);
    CHECK(out.find("::notice title=errlens::3 more diagnoses not shown as annotations") !=
          std::string::npos);
}

TEST_CASE("step summary stays under its size limit and says what it cut", "[ci][github]") {
    std::vector<Record> records(200);
    std::vector<Diagnosis> ds = one_per_line(records, "big", std::string(2000, 'x'));
    std::string summary = github_step_summary({ds, 0}, opts(Language::en), 64 * 1024);
    CHECK(summary.size() <= 64 * 1024);
    CHECK(summary.find("diagnoses were cut to keep this summary under GitHub's 1 MiB limit") !=
          std::string::npos);
    CHECK(summary.find("| 1 | big 0 | `test/big0` | a.log:1 | 1 |") != std::string::npos);
    std::string all = github_step_summary({ds, 0}, opts(Language::en));
    CHECK(all.size() <= 1024 * 1024);
    CHECK(all.find("were cut") == std::string::npos);
}

TEST_CASE("fingerprints: stable for the same error, distinct for different ones", "[ci]") {
    CiFixture f;
    auto first = f.scan();
    auto again = f.scan();
    REQUIRE(first.size() == 2);
    CHECK(fingerprint(first[0]) == fingerprint(again[0]));
    CHECK(fingerprint(first[0]) != fingerprint(first[1]));
    CHECK(fingerprint(first[0]).size() == 32);
    Diagnosis moved = first[0];
    moved.line += 100;  // the same error further down the log
    CHECK(fingerprint(moved) == fingerprint(first[0]));
    Diagnosis other_file = first[0];
    other_file.source = "logs/other.log";
    CHECK(fingerprint(other_file) != fingerprint(first[0]));
}

TEST_CASE("source locations named by log lines", "[ci]") {
    auto at = [](std::string_view line) {
        auto loc = source_location_in(line);
        return loc.path + ":" + std::to_string(loc.line);
    };
    CHECK(at("src/main.c:12:5: fatal error: foo.h: No such file or directory") == "src/main.c:12");
    CHECK(at("  File \"/app/worker.py\", line 88, in run") == "/app/worker.py:88");
    CHECK(at("    at Object.<anonymous> (lib/server.js:10:2)") == "lib/server.js:10");
    CHECK(at("main.go:7:2: declared and not used: x") == "main.go:7");
    CHECK(at("Connection to 10.0.0.1:5432 refused") == ":0");
    CHECK(at("2026-11-22T10:00:01Z job started") == ":0");
}

TEST_CASE("fold: GitHub groups and GitLab sections", "[ci]") {
    CHECK(fold(FoldStyle::github, "errlens: 2 known error(s)", "a\nb") ==
          "::group::errlens: 2 known error(s)\na\nb\n::endgroup::\n");
    CHECK(fold(FoldStyle::gitlab, "title", "body\n", 1700000000) ==
          "\x1b[0Ksection_start:1700000000:errlens_report[collapsed=true]\r\x1b[0Ktitle\nbody\n"
          "\x1b[0Ksection_end:1700000000:errlens_report\r\x1b[0K\n");
    CHECK(fold(FoldStyle::none, "t", "b") == "t\nb\n");
}

TEST_CASE("JUnit: XML-escaped, one failure per diagnosis, one pass when none", "[ci]") {
    CiFixture f;
    std::string xml = JunitRenderer(opts(Language::en)).render({f.scan(), 0});
    CHECK(xml.find("tests=\"2\" failures=\"2\"") != std::string::npos);
    CHECK(xml.find("<failure message=\"Deploy failed: 100% of replicas, 3/3: unavailable\"") !=
          std::string::npos);
    std::string none = JunitRenderer(opts(Language::en)).render({});
    CHECK(none.find("tests=\"1\" failures=\"0\"") != std::string::npos);
    Record r;
    r.id = "x/y";
    r.signature = "a <b> & \"c\"";
    std::string esc =
        JunitRenderer(opts(Language::en))
            .render({{Diagnosis{&r, MatchKind::regex, 1, "f", 1, "\x01<bad>", 1}}, 0});
    CHECK(esc.find("message=\"a &lt;b&gt; &amp; &quot;c&quot;\"") != std::string::npos);
    CHECK(esc.find('\x01') == std::string::npos);
}
