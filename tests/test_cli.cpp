// The errlens binary end to end: arguments, stdin, files, exit codes, bad
// records and unreadable files, through a real shell.
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>
#include <cstdio>
#include <cstdlib>

#include "test_support.hpp"

namespace {

struct Run {
    std::string out;
    std::string err;
    int code = -1;
};

std::string quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return q + "'";
}

/// Where the runs below keep their --catalog cache, never the user's own.
std::filesystem::path test_cache_dir() {
    return std::filesystem::temp_directory_path() / "errlens-cli-test-cache";
}

/// Runs `errlens <args>` through sh with a clean locale; `prefix` may set env or pipe input.
Run run(const std::string& args, const std::string& prefix = "") {
    // Set in this process so that every errlens started below inherits it,
    // also behind a pipe (where `prefix` ends with `|` and env applies to its command).
    static const bool cache_set =
        setenv("ERRLENS_CACHE_DIR", test_cache_dir().string().c_str(), 1) == 0;
    REQUIRE(cache_set);
    // One file per test process: ctest -j runs test cases of this binary at once.
    auto err_path = std::filesystem::temp_directory_path() /
                    ("errlens-cli-test-" + std::to_string(getpid()) + ".err");
    std::string cmd = "env -u LC_ALL -u LC_MESSAGES -u LANG -u NO_COLOR -u COLUMNS " + prefix +
                      " " + quote(ERRLENS_BINARY) + " " + args + " 2>" + quote(err_path.string());
    Run r;
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[4096];
    std::size_t n = 0;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) {
        r.out.append(buf, n);
    }
    int status = pclose(p);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.err = errlens::test::read_file(err_path);
    std::filesystem::remove(err_path);
    return r;
}

std::string fixtures_args() {
    return "--no-builtin --catalog " + quote(errlens::test::fixtures().string());
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("cli: a message argument is diagnosed - exit 1", "[cli]") {
    Run r = run(fixtures_args() +
                " 'fatal: not a git repository (or any of the parent directories): .git'");
    CHECK(r.code == 1);
    CHECK(contains(r.out, "ID: git/not-a-git-repository"));
    CHECK(contains(r.out, "Root cause"));
    CHECK(r.err.empty());
}

TEST_CASE("cli: nothing known found - exit 0", "[cli]") {
    Run r = run(fixtures_args() + " 'all good here'");
    CHECK(r.code == 0);
    CHECK(r.out == "No known error found.\n");
}

TEST_CASE("cli: stdin is scanned as a log", "[cli]") {
    Run r = run(fixtures_args(), "printf 'step 1\\nHost key verification failed.\\nok\\n' |");
    CHECK(r.code == 1);
    CHECK(contains(r.out, "ssh/host-key-verification-failed"));
    CHECK(contains(r.out, "matched -:2"));
}

TEST_CASE("cli: scan files - an unreadable one is reported, the others scanned - exit 2", "[cli]") {
    auto log = std::filesystem::temp_directory_path() / "errlens-cli-test.log";
    std::ofstream(log)
        << "noise\nnoise\nfatal: not a git repository (or any of the parent directories): .git\n";
    Run r = run(fixtures_args() + " scan " + quote(log.string()) + " /nonexistent/x.log");
    CHECK(r.code == 2);
    CHECK(contains(r.out, "git/not-a-git-repository"));
    CHECK(contains(r.out, log.string() + ":3"));
    CHECK(r.err == "errlens: /nonexistent/x.log: cannot read: No such file or directory\n");
    Run ok = run(fixtures_args() + " scan - < " + quote(log.string()));
    CHECK(ok.code == 1);
}

TEST_CASE("cli: bad records are reported with file and field - the rest still load", "[cli]") {
    Run r = run(fixtures_args() + " --catalog " + quote(errlens::test::bad_records().string()) +
                " 'Host key verification failed.'");
    CHECK(r.code == 1);
    CHECK(contains(r.out, "ssh/host-key-verification-failed"));
    CHECK(contains(r.err, "syntax-error.json:4:10: error: invalid JSON"));
    CHECK(contains(r.err,
                   "wrong-types.json: /1/workarounds/0/success_rate: error: must be a number from "
                   "0 to 1, not 1.5"));
    CHECK(contains(r.err, "errlens: 4 record(s) could not be loaded; the other 4 were"));
}

TEST_CASE("cli: usage errors exit 2", "[cli]") {
    CHECK(run("--format yaml 'x'").code == 2);
    CHECK(run("--no-builtin 'x'").code == 2);
    Run unknown = run("show aws/cloudfront-origin-ssl-handshake-faile");
    CHECK(unknown.code == 2);
    CHECK(unknown.err ==
          "errlens: no record has the id `aws/cloudfront-origin-ssl-handshake-faile`; did you mean "
          "aws/cloudfront-origin-ssl-handshake-failed?\n");
    Run help = run("--help");
    CHECK(help.code == 0);
    CHECK(contains(help.out, "Exit status: 0 no known error found"));
}

TEST_CASE("cli: the CloudFront message is explained from the embedded catalogue in both languages",
          "[cli]") {
    std::string msg = quote(
        "502 ERROR The request could not be satisfied. CloudFront wasn't able to connect to the "
        "origin.");
    Run en = run("--lang en " + msg);
    CHECK(en.code == 1);
    CHECK(contains(en.out, "ID: aws/cloudfront-origin-ssl-handshake-failed"));
    CHECK(contains(en.out, "TLS handshake"));
    Run zh = run(msg, "LANG=zh_CN.UTF-8");
    CHECK(zh.code == 1);
    CHECK(contains(zh.out, "根本原因"));
    CHECK(contains(zh.out, "TLS 握手"));
    CHECK_FALSE(contains(zh.out, "〔英文〕"));
}

TEST_CASE("cli: JSON output, colour control, list, export, validate", "[cli]") {
    Run j = run(fixtures_args() + " --format json 'Host key verification failed.'");
    CHECK(j.code == 1);
    auto doc = nlohmann::json::parse(j.out);
    CHECK(doc["matches"][0]["id"] == "ssh/host-key-verification-failed");
    CHECK(doc["matches"][0]["line"] == 1);

    CHECK_FALSE(contains(run(fixtures_args() + " 'Host key verification failed.'").out, "\x1b["));
    CHECK(contains(run(fixtures_args() + " --color always 'Host key verification failed.'").out,
                   "\x1b["));

    Run list = run(fixtures_args() + " list --domain git");
    CHECK(list.code == 0);
    CHECK(list.out ==
          "git/not-a-git-repository  fatal: not a git repository (or any of the parent "
          "directories): .git\n");

    Run exp = run(fixtures_args() + " export --to json git/not-a-git-repository");
    CHECK(exp.code == 0);
    CHECK(nlohmann::json::parse(exp.out)["reproduction"] == "cd \"$(mktemp -d)\" && git status");
    Run page = run(fixtures_args() + " export --to text ssh/host-key-verification-failed");
    CHECK(page.out == errlens::test::read_file(errlens::test::fixtures() /
                                               "ssh-host-key-verification-failed.txt"));

    Run valid = run("validate " + quote(std::string(ERRLENS_SOURCE_DIR) + "/data"));
    CHECK(valid.code == 0);
    CHECK(contains(valid.err, "0 rejected"));
    Run invalid = run("validate " + quote(errlens::test::bad_records().string()));
    CHECK(invalid.code == 1);
    CHECK(contains(invalid.err, "syntax-error.json:4:10: error: invalid JSON"));
    CHECK(run("validate /nonexistent").code == 2);
}

TEST_CASE("cli: --fail-on and --exit-zero decide the exit status", "[cli][ci]") {
    std::string similar = " 'ssh: permission denied, publickey refused while pushing'";
    std::string matched = " 'Host key verification failed.'";
    CHECK(run(fixtures_args() + similar).code == 1);
    CHECK(run(fixtures_args() + " --fail-on regex" + similar).code == 0);
    CHECK(run(fixtures_args() + " --fail-on regex" + matched).code == 1);
    CHECK(run(fixtures_args() + " --fail-on never" + matched).code == 0);
    CHECK(run(fixtures_args() + " --exit-zero" + matched).code == 0);
    CHECK(run(fixtures_args() + " --exit-zero scan /nonexistent.log").code == 2);
}

TEST_CASE("cli: jsonl streams one object per diagnosis", "[cli][ci]") {
    auto log = std::filesystem::temp_directory_path() / "errlens-cli-jsonl.log";
    std::ofstream(log) << "Host key verification failed.\nx\n"
                       << "fatal: not a git repository (or any of the parent directories): .git\n"
                       << "Host key verification failed.\n";
    Run r = run(fixtures_args() + " --format jsonl scan " + quote(log.string()));
    CHECK(r.code == 1);
    std::vector<nlohmann::json> objects;
    std::size_t start = 0;
    while (start < r.out.size()) {
        std::size_t nl = r.out.find('\n', start);
        objects.push_back(nlohmann::json::parse(r.out.substr(start, nl - start)));
        start = nl + 1;
    }
    REQUIRE(objects.size() == 2);
    // In the order found, each at its first line.
    CHECK(objects[0]["id"] == "ssh/host-key-verification-failed");
    CHECK(objects[0]["line"] == 1);
    CHECK(objects[1]["id"] == "git/not-a-git-repository");
    CHECK(objects[1]["line"] == 3);
}

TEST_CASE("cli: --catalog is cached in ERRLENS_CACHE_DIR - --no-cache parses and writes nothing",
          "[cli]") {
    namespace fs = std::filesystem;
    auto cache = fs::temp_directory_path() / "errlens-cli-test-own-cache";
    fs::remove_all(cache);
    std::string message = " 'fatal: not a git repository (or any of the parent directories): .git'";
    std::string env = "ERRLENS_CACHE_DIR=" + quote(cache.string());
    Run nocache = run("--no-cache " + fixtures_args() + message, env);
    CHECK(nocache.code == 1);
    CHECK(!fs::exists(cache));
    Run cold = run(fixtures_args() + message, env);
    REQUIRE(fs::exists(cache));
    std::size_t files = 0;
    for (const auto& e : fs::directory_iterator(cache)) {
        CHECK(e.path().filename().string().starts_with("catalogue-"));
        ++files;
    }
    CHECK(files == 1);
    Run warm = run(fixtures_args() + message, env);
    CHECK(cold.out == nocache.out);
    CHECK(warm.out == nocache.out);
    CHECK(warm.code == 1);
    CHECK(warm.err == nocache.err);
    Run help = run("--help", env);
    CHECK(contains(help.out, "--no-cache"));
    CHECK(contains(help.out, cache.string()));
    fs::remove_all(cache);
}

TEST_CASE("cli: scan --jobs gives the one-thread report, also for jsonl", "[cli]") {
    namespace fs = std::filesystem;
    // A file large enough to be cut into pieces (8 MB and more), of real healthy
    // output with known errors at its start, middle and end, and a second file.
    std::string healthy;
    for (const auto& e : fs::directory_iterator(fs::path(ERRLENS_SOURCE_DIR) / "tests/healthy")) {
        if (e.path().extension() == ".log") {
            healthy += errlens::test::read_file(e.path());
        }
    }
    auto big = fs::temp_directory_path() / "errlens-cli-jobs-big.log";
    {
        std::ofstream out(big, std::ios::binary);
        out << "Host key verification failed.\n";
        std::size_t written = 0;
        for (int i = 0; written < (12u << 20); ++i, written += healthy.size()) {
            out << healthy;
            if (i == 5) {
                out << "fatal: not a git repository (or any of the parent directories): .git\n";
            }
        }
        out << "Host key verification failed.";  // no newline at the end
    }
    auto small = fs::temp_directory_path() / "errlens-cli-jobs-small.log";
    std::ofstream(small)
        << "fatal: not a git repository (or any of the parent directories): .git\n";
    std::string files = quote(big.string()) + " " + quote(small.string());
    for (std::string format : {"json", "jsonl", "text"}) {
        Run one = run(fixtures_args() + " --format " + format + " scan -j 1 " + files);
        Run two = run(fixtures_args() + " --format " + format + " scan -j 2 " + files);
        Run all = run(fixtures_args() + " --format " + format + " scan --jobs 0 " + files);
        CAPTURE(format);
        CHECK(one.code == 1);
        CHECK(contains(one.out, "ssh/host-key-verification-failed"));
        CHECK(two.out == one.out);
        CHECK(all.out == one.out);
        CHECK(two.code == one.code);
    }
    fs::remove(big);
    fs::remove(small);
}

TEST_CASE("cli: a regex RE2 rejects is reported by the run that needs it, and by validate",
          "[cli]") {
    namespace fs = std::filesystem;
    auto dir = fs::temp_directory_path() / "errlens-cli-bad-regex";
    fs::create_directories(dir);
    std::ofstream(dir / "records.json") << R"json([
  {"id": "x/lookahead", "signature": "deploy failed before bar", "regex": "deploy failed(?= before)",
   "domain": "x", "category": "x", "root_cause": "r", "verification_tier": "ai_generated"},
  {"id": "x/fine", "signature": "all fine here", "regex": "all fine here",
   "domain": "x", "category": "x", "root_cause": "r", "verification_tier": "ai_generated"}
])json";
    std::string args = "--no-builtin --no-cache --catalog " + quote(dir.string());
    // The line holds the bad regex's literal: it is compiled, fails, and is reported.
    Run met = run(args + " scan -", "printf 'deploy failed before bar\\nall fine here\\n' |");
    CHECK(met.code == 1);
    CHECK(contains(met.out, "x/fine"));
    CHECK(contains(met.err, "1 record(s) have a regex RE2 cannot compile"));
    // A log without its literal never needs it.
    Run unmet = run(args + " scan -", "printf 'all fine here\\n' |");
    CHECK(unmet.code == 1);
    CHECK_FALSE(contains(unmet.err, "cannot compile"));
    Run lint = run("validate " + quote(dir.string()));
    CHECK(lint.code == 1);  // problems found, as a linter reports them
    CHECK(contains(lint.out + lint.err, "x/lookahead"));
    fs::remove_all(dir);
}
