// Renderers against golden files, in English and Chinese. A mismatch writes
// <golden>.actual beside the golden file; approving it is a deliberate step:
// tests/approve-golden.sh.
#include <nlohmann/json.hpp>

#include "errlens/renderers.hpp"
#include "test_support.hpp"

using namespace errlens;

namespace {

RenderOptions opts(Language language, bool color, int width) {
    RenderOptions o;
    o.language = language;
    o.color = color;
    o.width = width;
    return o;
}

struct Fixture {
    CatalogueLoad load = load_catalogue({false, {errlens::test::fixtures().string()}});
    Matcher matcher{load.catalogue};

    std::vector<Diagnosis> scan_log() const {
        LogScanner s(matcher, "deploy.log");
        s.feed(
            "2026-11-22T10:00:00Z Cloning into 'app'...\n"
            "2026-11-22T10:00:01Z \x1b[31mHost key verification failed.\x1b[0m\n"
            "2026-11-22T10:00:02Z fatal: Could not read from remote repository.\n"
            "2026-11-22T10:00:03Z fatal: not a git repository (or any of the parent directories): "
            ".git\n"
            "2026-11-22T10:00:04Z retrying\n"
            "2026-11-22T10:00:05Z Host key verification failed.\n");
        s.finish();
        return s.diagnoses();
    }
};

}  // namespace

TEST_CASE("golden: a scanned log as text, markdown and JSON in both languages",
          "[renderers][golden]") {
    Fixture f;
    auto diagnoses = f.scan_log();
    REQUIRE(diagnoses.size() == 2);
    Report report{diagnoses, 0};
    for (auto lang : {Language::en, Language::zh}) {
        std::string suffix = lang == Language::en ? "en" : "zh";
        RenderOptions o = opts(lang, false, 80);
        errlens::test::check_golden("scan." + suffix + ".txt", TextRenderer(o).render(report));
        errlens::test::check_golden("scan." + suffix + ".md", MarkdownRenderer(o).render(report));
        errlens::test::check_golden("scan." + suffix + ".json", JsonRenderer(o).render(report));
    }
}

TEST_CASE("golden: a looked-up record and a similar match, narrow terminal",
          "[renderers][golden]") {
    Fixture f;
    // The text page fixture has no regex: one derived from its signature matches.
    auto derived = diagnose_message(f.matcher, "git@github.com: Permission denied (publickey).");
    REQUIRE(derived.size() == 1);
    CHECK(derived[0].kind == MatchKind::regex);
    auto similar =
        diagnose_message(f.matcher, "ssh: permission denied, publickey refused while pushing");
    REQUIRE(similar.size() == 1);
    CHECK(similar[0].kind == MatchKind::similar);
    CHECK(similar[0].record->id == "ssh/permission-denied-publickey");
    const Record* extended = f.load.catalogue.find("ssh/host-key-verification-failed");
    REQUIRE(extended != nullptr);
    Report report{{{extended, MatchKind::lookup, 0, "", 0, "", 0}, similar[0]}, 3};
    for (auto lang : {Language::en, Language::zh}) {
        std::string suffix = lang == Language::en ? "en" : "zh";
        errlens::test::check_golden("show-narrow." + suffix + ".txt",
                                    TextRenderer(opts(lang, false, 48)).render(report));
    }
}

TEST_CASE("JSON output has the documented fields", "[renderers]") {
    Fixture f;
    Report report{f.scan_log(), 0};
    auto doc = nlohmann::json::parse(JsonRenderer(opts(Language::zh, false, 80)).render(report));
    REQUIRE(doc["matches"].size() == 2);
    const auto& m = doc["matches"][0];
    for (const char* key : {"id", "domain", "category", "signature", "match", "score", "root_cause",
                            "workarounds", "dead_ends", "line", "count", "text"}) {
        INFO(key);
        CHECK(m.contains(key));
    }
    CHECK(m["match"] == "regex");
    CHECK(m["workarounds"][0].contains("action"));
    CHECK(m["workarounds"][0].contains("how"));
    CHECK(m["workarounds"][0].contains("success_rate"));
    CHECK(m["dead_ends"][0].contains("why_fails"));
    CHECK(m["dead_ends"][0].contains("fail_rate"));
}

TEST_CASE("Chinese falls back to English field by field, visibly", "[renderers]") {
    Record r;
    r.id = "x/partial";
    r.signature = "partial translation";
    r.domain = "x";
    r.category = "y";
    r.root_cause = "English cause.";
    r.root_cause_zh = "中文原因。";
    r.workarounds = {{"Do A", 0.5, "run a", "", {}, ""}, {"Do B", 0.4, "run b", "", {}, ""}};
    r.workarounds_zh = {"做 A：run a"};
    Report report{{{&r, MatchKind::lookup, 0, "", 0, "", 0}}, 0};
    std::string text = TextRenderer(opts(Language::zh, false, 80)).render(report);
    CHECK(text.find("中文原因。") != std::string::npos);
    CHECK(text.find("English cause.") == std::string::npos);
    CHECK(text.find("做 A：run a") != std::string::npos);
    CHECK(text.find("〔英文〕Do B") != std::string::npos);
    auto doc = nlohmann::json::parse(JsonRenderer(opts(Language::zh, false, 80)).render(report));
    CHECK(doc["matches"][0]["english_fallback"] == nlohmann::json::array({"workarounds/1"}));
}

TEST_CASE("colour only when asked - invalid bytes never reach the terminal raw", "[renderers]") {
    Record r;
    r.id = "x/c";
    r.signature = "sig";
    r.root_cause = "cause";
    Diagnosis d{&r, MatchKind::regex, 100, "f", 3, std::string("bad\xff\x01line", 9), 1};
    std::string plain = TextRenderer(opts(Language::en, false, 80)).render({{d}, 0});
    std::string coloured = TextRenderer(opts(Language::en, true, 80)).render({{d}, 0});
    CHECK(plain.find('\x1b') == std::string::npos);
    CHECK(coloured.find("\x1b[1m") != std::string::npos);
    CHECK(plain.find("bad\xEF\xBF\xBD\xEF\xBF\xBDline") != std::string::npos);
    auto doc = nlohmann::json::parse(JsonRenderer(opts(Language::en, false, 80)).render({{d}, 0}));
    CHECK(doc["matches"][0]["text"] == "bad\xEF\xBF\xBD\xEF\xBF\xBDline");
}

TEST_CASE("an empty report says so", "[renderers]") {
    CHECK(TextRenderer(opts(Language::en, false, 80)).render({}) == "No known error found.\n");
    CHECK(TextRenderer(opts(Language::zh, false, 80)).render({}) == "未发现已知错误。\n");
    CHECK(JsonRenderer(opts(Language::en, false, 80)).render({}) == "{\n  \"matches\": []\n}\n");
}

TEST_CASE("lang auto follows LC_ALL, LC_MESSAGES, LANG in that order", "[renderers]") {
    CHECK(language_from_locale(nullptr, nullptr, "zh_CN.UTF-8") == Language::zh);
    CHECK(language_from_locale("C.UTF-8", nullptr, "zh_CN.UTF-8") == Language::en);
    CHECK(language_from_locale("", "zh_TW", "en_US") == Language::zh);
    CHECK(language_from_locale(nullptr, nullptr, nullptr) == Language::en);
}
