// Loaders: both seed layouts field by field, the project's own fixtures,
// round trips, format detection and problems with their locations.
#include <nlohmann/json.hpp>

#include "errlens/loaders.hpp"
#include "test_support.hpp"

using namespace errlens;
using errlens::test::read_file;

namespace {

Record load_one(const std::string& name, const std::string& text) {
    LoadResult r = load_records(name, text);
    INFO(name);
    for (const auto& p : r.problems) {
        UNSCOPED_INFO(format_problem(p));
    }
    REQUIRE(r.records.size() == 1);
    return r.records[0];
}

}  // namespace

TEST_CASE("flat JSON seed: every field by value", "[loaders][seed]") {
    if (!errlens::test::have_shared("seeds/002_cb8fe3e73edeb009.txt")) {
        return;
    }
    std::string text = read_file(errlens::test::shared_dir() / "seeds/002_cb8fe3e73edeb009.txt");
    REQUIRE(detect_format(text) == DetectedFormat::flat_json);
    LoadResult result = load_records("seed.json", text);
    REQUIRE(result.problems.empty());
    REQUIRE(result.records.size() == 1);
    const Record& r = result.records[0];
    CHECK(r.id == "aws/cloudfront-custom-origin-ssl-handshake-failed");
    CHECK(r.signature ==
          "502 ERROR The request could not be satisfied. CloudFront wasn't able to connect to the "
          "origin - SSL handshake failed");
    CHECK(r.signature_zh == "502 错误 无法满足请求。CloudFront 无法连接到源站 - SSL 握手失败");
    CHECK(r.regex == r.signature);
    CHECK(r.domain == "aws");
    CHECK(r.category == "network_error");
    CHECK_FALSE(r.subcategory.has_value());
    CHECK(r.root_cause.rfind("CloudFront cannot establish an SSL/TLS connection", 0) == 0);
    CHECK(r.root_cause_type == "generic");
    CHECK(r.root_cause_zh.rfind("CloudFront 无法与自定义源建立 SSL/TLS 连接", 0) == 0);
    REQUIRE(r.versions.size() == 3);
    CHECK(r.versions[0].version == "CloudFront 2024-05-01");
    CHECK(r.versions[1].version == "OpenSSL 3.0.12");
    CHECK(r.versions[2].version == "TLS 1.2");
    CHECK(r.versions[2].status == "active");
    CHECK_FALSE(r.versions[0].introduced.has_value());
    CHECK_FALSE(r.versions[0].behavior_change.has_value());
    CHECK(r.os_specific_json == "{}");
    REQUIRE(r.dead_ends.size() == 3);
    CHECK(r.dead_ends[0].action.empty());
    CHECK(r.dead_ends[0].why_fails ==
          "The SSL handshake still fails because the certificate issue remains; CloudFront "
          "requires a valid certificate.");
    CHECK(r.dead_ends[0].fail_rate == Approx(0.7));
    CHECK(r.dead_ends[1].fail_rate == Approx(0.4));
    CHECK(r.dead_ends[2].fail_rate == Approx(0.85));
    CHECK(r.dead_ends[2].condition.empty());
    CHECK(r.dead_ends[2].sources.empty());
    REQUIRE(r.workarounds.size() == 3);
    CHECK(r.workarounds[0].success_rate == Approx(0.9));
    CHECK(r.workarounds[1].success_rate == Approx(0.8));
    CHECK(r.workarounds[2].success_rate == Approx(0.85));
    CHECK(r.workarounds[0].how == r.workarounds[0].action);
    CHECK(r.workarounds[1].action.find("aws acm import-certificate") != std::string::npos);
    REQUIRE(r.workarounds_zh.size() == 3);
    CHECK(r.workarounds_zh[2] == r.workarounds[2].action);
    CHECK(r.transition_graph.leads_to.empty());
    CHECK(r.transition_graph.preceded_by.empty());
    CHECK(r.transition_graph.frequently_confused_with.empty());
    CHECK(r.official_doc_url ==
          "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/"
          "SSL_handshake_failure.html");
    CHECK_FALSE(r.official_doc_section.has_value());
    CHECK_FALSE(r.error_code.has_value());
    CHECK(r.verification_tier == "ai_generated");
    CHECK(r.confidence == Approx(0.86));
    CHECK(r.fix_success_rate == Approx(0.83));
    CHECK(r.resolvable == "true");
    CHECK(r.first_seen == "2024-01-22");
    CHECK(r.last_confirmed == "2024-06-01");
    CHECK(r.last_updated == "2024-06-01");
    CHECK(r.evidence_count == 1);
    CHECK(r.tags.empty());
    CHECK(r.locale == "en");
    CHECK(r.aliases.empty());
}

TEST_CASE("flat JSON seed: load -> export keeps every field", "[loaders][seed][roundtrip]") {
    if (!errlens::test::have_shared("seeds/002_cb8fe3e73edeb009.txt")) {
        return;
    }
    std::string text = read_file(errlens::test::shared_dir() / "seeds/002_cb8fe3e73edeb009.txt");
    Record r = load_one("seed.json", text);
    // Same JSON value: same keys, same nulls, same numbers, same strings.
    CHECK(nlohmann::json::parse(to_json(r)) == nlohmann::json::parse(text));
}

TEST_CASE("text page seed: every field by value", "[loaders][seed]") {
    if (!errlens::test::have_shared("seeds/000_8d0c57ab4ba9caa9.txt")) {
        return;
    }
    std::string text = read_file(errlens::test::shared_dir() / "seeds/000_8d0c57ab4ba9caa9.txt");
    REQUIRE(detect_format(text) == DetectedFormat::text_page);
    LoadResult result = load_records("seed.txt", text);
    for (const auto& p : result.problems) {
        UNSCOPED_INFO(format_problem(p));
    }
    REQUIRE(result.problems.empty());
    REQUIRE(result.records.size() == 1);
    const Record& r = result.records[0];
    CHECK(r.domain == "aws");
    CHECK(r.category == "network_error");
    CHECK(r.verification_tier == "ai_generated");
    CHECK(r.resolvable == "true");
    CHECK(r.signature ==
          "502 ERROR The request could not be satisfied. CloudFront wasn't able to connect to the "
          "origin. (Bad Gateway: SSL handshake failed)");
    CHECK(r.id == "aws/cloudfront-custom-origin-ssl-handshake-failure");
    CHECK(r.fix_success_rate == Approx(0.84));
    CHECK(r.confidence == Approx(0.86));
    CHECK(r.evidence_count == 1);
    CHECK(r.first_seen == "2024-06-20");
    REQUIRE(r.versions.size() == 3);
    CHECK(r.versions[0].version == "CloudFront (2024-05-01)");
    CHECK(r.versions[0].status == "active");
    CHECK(r.versions[1].version == "OpenSSL 3.0.12");
    CHECK(r.versions[2].version == "ACM (2023-11-15)");
    CHECK(r.root_cause.rfind("CloudFront cannot establish a secure SSL/TLS connection", 0) == 0);
    CHECK(r.root_cause.find("minimum TLS version required by CloudFront.") != std::string::npos);
    CHECK(r.root_cause_type == "generic");
    CHECK(r.root_cause_zh.rfind("CloudFront 无法与自定义源站建立安全的 SSL/TLS 连接", 0) == 0);
    CHECK(r.official_doc_url ==
          "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/"
          "using-https-cloudfront-to-origin.html");
    REQUIRE(r.workarounds.size() == 3);
    CHECK(r.workarounds[0].success_rate == Approx(0.95));
    CHECK(r.workarounds[1].success_rate == Approx(0.85));
    CHECK(r.workarounds[2].success_rate == Approx(0.80));
    CHECK(r.workarounds[0].action.rfind("Ensure the origin's SSL certificate is valid", 0) == 0);
    CHECK(r.workarounds[0].how == r.workarounds[0].action);
    REQUIRE(r.workarounds_zh.size() == 3);
    CHECK(r.workarounds_zh[1].rfind("通过将证书上传到 IAM 或使用 ACM", 0) == 0);
    REQUIRE(r.dead_ends.size() == 3);
    CHECK(r.dead_ends[0].fail_rate == Approx(0.50));
    CHECK(r.dead_ends[1].fail_rate == Approx(0.65));
    CHECK(r.dead_ends[2].fail_rate == Approx(0.40));
    CHECK(r.dead_ends[0].action.empty());
    CHECK(r.dead_ends[0].why_fails.rfind("Adding the origin's self-signed certificate", 0) == 0);
    CHECK(r.dead_ends[2].why_fails.find("will not resolve the handshake failure.") !=
          std::string::npos);
    CHECK_FALSE(r.regex.has_value());
    // A record without a regex is matched by one derived from its signature.
    CHECK(effective_regex(r) == regex_from_signature(r.signature));
}

TEST_CASE("text page seed: export gives the seed layout back", "[loaders][seed][roundtrip]") {
    if (!errlens::test::have_shared("seeds/000_8d0c57ab4ba9caa9.txt")) {
        return;
    }
    std::string text = read_file(errlens::test::shared_dir() / "seeds/000_8d0c57ab4ba9caa9.txt");
    Record r = load_one("seed.txt", text);
    std::string exported = to_text_page(r);
    // The seed has no final newline; otherwise the layout is the seed's byte for byte.
    CHECK(exported == text + "\n");
    CHECK(to_text_page(load_one("again.txt", exported)) == exported);
}

TEST_CASE("own flat JSON fixture: quirks and extensions", "[loaders]") {
    std::string text = read_file(errlens::test::fixtures() / "git-not-a-repository.json");
    Record r = load_one("git-not-a-repository.json", text);
    CHECK(r.format == RecordFormat::flat_json);
    CHECK(r.dead_ends[0].action.empty());
    CHECK(r.dead_ends[1].action_zh == "用 sudo 再运行一次");
    CHECK(r.versions[1].introduced == "1.8.0");
    CHECK_FALSE(r.versions[1].status.has_value());
    REQUIRE(r.transition_graph.preceded_by.size() == 1);
    CHECK(r.transition_graph.preceded_by[0].probability == Approx(0.1));
    REQUIRE(r.transition_graph.frequently_confused_with.size() == 1);
    CHECK(r.transition_graph.frequently_confused_with[0].error_id == "git/dubious-ownership");
    CHECK(r.examples.size() == 2);
    CHECK(r.non_examples.size() == 1);
    CHECK(r.reproduction == "cd \"$(mktemp -d)\" && git status");
    CHECK(r.workarounds[1].condition == "The job runs in a fresh workspace");
    CHECK(r.workarounds[1].sources ==
          std::vector<std::string>{"https://github.com/actions/checkout"});
}

TEST_CASE("round trips JSON -> JSON and text -> text on the fixtures", "[loaders][roundtrip]") {
    for (const auto& entry : std::filesystem::directory_iterator(errlens::test::fixtures())) {
        std::string name = entry.path().filename().string();
        DYNAMIC_SECTION(name) {
            Record r = load_one(name, read_file(entry.path()));
            // JSON -> record -> JSON -> record keeps the record's data.
            Record via_json = load_one(name + ".json", to_json(r));
            CHECK(via_json.same_data(r));
            // text -> record -> text is stable, and keeps the data too.
            std::string page = to_text_page(r);
            Record via_text = load_one(name + ".txt", page);
            CHECK(to_text_page(via_text) == page);
            if (r.format == RecordFormat::text_page) {
                CHECK(via_text.same_data(r));
            }
            CHECK(to_json(via_text) == to_json(load_one(name, to_json(via_text))));
        }
    }
}

TEST_CASE("the extended text page fixture reads every extension section", "[loaders]") {
    Record r = load_one(
        "ext.txt", read_file(errlens::test::fixtures() / "ssh-host-key-verification-failed.txt"));
    CHECK(r.resolvable == "partial");
    CHECK(r.verification_tier == "reproduced");
    CHECK(r.confidence == Approx(0.855));
    CHECK(r.evidence_count == 3);
    CHECK(r.last_confirmed == "2026-11-22");
    REQUIRE(r.versions.size() == 1);
    CHECK(r.versions[0].version == "OpenSSH 9.2p1");
    CHECK(r.versions[0].introduced == "6.8");
    CHECK_FALSE(r.versions[0].deprecated.has_value());
    CHECK(r.versions[0].behavior_change == "UpdateHostKeys default changed");
    CHECK(r.official_doc_section == "VERIFYING HOST KEYS");
    REQUIRE(r.workarounds.size() == 2);
    CHECK(r.workarounds[0].how ==
          "ssh-keyscan -t ed25519 host.example.com >> ~/.ssh/known_hosts\n\nCompare the "
          "fingerprint with the one published by the host's owner.");
    CHECK(r.workarounds[0].condition == "The key changed legitimately or was never recorded");
    CHECK(r.workarounds[0].sources ==
          std::vector<std::string>{"https://man.openbsd.org/ssh-keyscan"});
    CHECK_FALSE(r.workarounds[1].success_rate.has_value());
    CHECK(r.workarounds_zh[0] ==
          "在连接前从可信来源记录主机密钥：ssh-keyscan -t ed25519 host.example.com >> "
          "~/.ssh/known_hosts\n再与主机所有者公布的指纹核对。");
    REQUIRE(r.dead_ends.size() == 1);
    CHECK(r.dead_ends[0].action == "Setting StrictHostKeyChecking=no everywhere");
    CHECK(r.dead_ends[0].condition == "Shared CI runners");
    CHECK(r.dead_ends[0].action_zh == "到处设置 StrictHostKeyChecking=no");
    CHECK(r.dead_ends[0].why_fails_zh == "它会掩盖变化了的密钥，而这正是中间人攻击的样子。");
    CHECK(r.signature_zh == "主机密钥验证失败。");
    CHECK(r.regex == "Host key verification failed\\.");
    CHECK(r.examples.size() == 2);
    CHECK(r.non_examples.size() == 1);
    REQUIRE(r.transition_graph.leads_to.size() == 1);
    CHECK(r.transition_graph.leads_to[0].probability == Approx(0.6));
    CHECK(r.transition_graph.leads_to[0].condition == "git over ssh");
    CHECK(r.transition_graph.frequently_confused_with[0].distinction ==
          "publickey means the user key was refused");
    CHECK(r.subcategory == "known_hosts");
    CHECK(r.error_code == "255");
    CHECK(r.tags == std::vector<std::string>{"ssh"});
    CHECK(r.aliases == std::vector<std::string>{"REMOTE HOST IDENTIFICATION HAS CHANGED"});
    CHECK(r.os_specific_json == R"({"linux":"~/.ssh/known_hosts"})");
    CHECK(r.reproduction ==
          "ssh -o StrictHostKeyChecking=yes -o UserKnownHostsFile=/dev/null localhost true\n(with "
          "sshd listening on localhost)");
    CHECK(r.source_url == "https://example.org/errlens-fixture");
}

TEST_CASE("formats are detected from content, not the extension", "[loaders]") {
    std::string page = read_file(errlens::test::fixtures() / "ssh-publickey-denied.txt");
    std::string json = read_file(errlens::test::fixtures() / "git-not-a-repository.json");
    CHECK(load_records("page.json", page).records.at(0).format == RecordFormat::text_page);
    CHECK(load_records("record.txt", json).records.at(0).format == RecordFormat::flat_json);
    CHECK(detect_format("{\"id\": \"a/b\", \"error\": {\"signature\": \"x\"}}") ==
          DetectedFormat::canon_json);
    CHECK(detect_format("\xEF\xBB\xBF  [ ]") == DetectedFormat::flat_json);
    CHECK(detect_format("hello\nworld\n") == DetectedFormat::unknown);
}

TEST_CASE("canon layout: nested fields map onto the record", "[loaders]") {
    const char* text = R"({
      "id": "demo/thing/linux", "url": "https://example.org/demo",
      "error": {"signature": "Demo failure X", "regex": "Demo failure \\w+", "domain": "demo",
                "category": "runtime_error", "first_seen": "2023-01-01", "last_confirmed": "2024-01-01"},
      "environment": {"runtime": {"name": "demo", "version_range": ">=1"}, "os": "linux"},
      "verdict": {"resolvable": "partial", "fix_success_rate": 0.5, "confidence": 0.6,
                  "last_updated": "2024-02-02", "summary": "Because of Y."},
      "dead_ends": [{"action": "A", "why_fails": "B", "fail_rate": 0.9, "sources": [], "condition": ""}],
      "workarounds": [{"action": "C", "success_rate": 0.7, "sources": [], "condition": ""}],
      "transition_graph": {"leads_to": [{"error_id": "demo/other", "probability": 0.2, "condition": "c"}],
                           "preceded_by": [], "frequently_confused_with": []},
      "metadata": {"evidence_count": 12, "review_status": "human_reviewed"}
    })";
    Record r = load_one("canon.json", text);
    CHECK(r.format == RecordFormat::canon_json);
    CHECK(r.id == "demo/thing/linux");
    CHECK(r.signature == "Demo failure X");
    CHECK(r.regex == "Demo failure \\w+");
    CHECK(r.root_cause == "Because of Y.");
    CHECK(r.resolvable == "partial");
    CHECK(r.fix_success_rate == Approx(0.5));
    CHECK(r.versions.at(0).version == "demo >=1");
    CHECK(r.os_specific_json == R"({"linux":""})");
    CHECK(r.workarounds.at(0).how.empty());
    CHECK(r.transition_graph.leads_to.at(0).error_id == "demo/other");
    CHECK(r.evidence_count == 12);
    CHECK(r.verification_tier == "human_reviewed");
    CHECK(r.source_url == "https://example.org/demo");
}

TEST_CASE("bad JSON is reported with line, column and caret", "[loaders][problems]") {
    std::string text = read_file(errlens::test::bad_records() / "syntax-error.json");
    LoadResult r = load_records("bad/syntax-error.json", text);
    CHECK(r.records.empty());
    CHECK(r.records_seen == 1);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].line == 4);
    CHECK(r.problems[0].column == 10);  // nlohmann stops at the end of the unexpected token
    CHECK(format_problem(r.problems[0]) ==
          "bad/syntax-error.json:4:10: error: invalid JSON: syntax error while parsing object - "
          "unexpected string literal; expected '}'\n"
          "    \"domain\": \"x\"\n"
          "           ^ near here");
}

TEST_CASE("a bad record is rejected by field - the others in the file load",
          "[loaders][problems]") {
    std::string text = read_file(errlens::test::bad_records() / "wrong-types.json");
    LoadResult r = load_records("bad/wrong-types.json", text);
    REQUIRE(r.records.size() == 1);
    CHECK(r.records[0].id == "x/good-one");
    CHECK(r.records_seen == 3);
    std::vector<std::string> messages;
    for (const auto& p : r.problems) {
        if (p.severity == Severity::error) {
            messages.push_back(format_problem(p));
        }
    }
    CHECK(messages == std::vector<std::string>{
                          "bad/wrong-types.json: /1/workarounds/0/success_rate: error: must be a "
                          "number from 0 to 1, not 1.5",
                          "bad/wrong-types.json: /2/id: error: required field is missing"});
}

TEST_CASE("text pages: problems name the line", "[loaders][problems]") {
    LoadResult r =
        load_records("p.txt", "aws x ai_generated true\n\nsig\n\nno id here\n\nRoot Cause\n\nx\n");
    CHECK(r.records.empty());
    REQUIRE_FALSE(r.problems.empty());
    CHECK(format_problem(r.problems[0]) ==
          "p.txt:5: ID: error: expected `ID: <domain>/<slug>` after the signature\n  no id here");
    LoadResult bad_rate = load_records(
        "q.txt", "aws x ai_generated\n\nsig\n\nID: a/b\n\nabc%Fix Rate\n\nRoot Cause\n\nx\n");
    REQUIRE(bad_rate.problems.size() == 1);
    CHECK(format_problem(bad_rate.problems[0]) ==
          "q.txt:7: Fix Rate: error: expected a percentage from 0% to 100%\n  abc%Fix Rate");
    CHECK(
        load_records("n.txt", "just notes\n").problems.at(0).message.find("not an error record") ==
        0);
}

TEST_CASE("unknown JSON fields are warnings, not silent", "[loaders][problems]") {
    LoadResult r = load_records("w.json", R"({"id": "a/b", "signature": "s", "workaround": []})");
    REQUIRE(r.records.size() == 1);
    REQUIRE(r.problems.size() == 1);
    CHECK(format_problem(r.problems[0]) ==
          "w.json:1: /workaround: warning: unknown field (ignored)");
}

TEST_CASE("a signature becomes a literal pattern", "[loaders]") {
    CHECK(regex_from_signature("  a.b (c)   d  ") == "a\\.b\\s+\\(c\\)\\s+d");
}
