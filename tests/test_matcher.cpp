// Matcher: real RE2 through the literal prefilter, logs with noise, dirty
// input, chunking, similarity and ranking.
#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <tuple>

#include "errlens/matcher.hpp"
#include "test_support.hpp"

using namespace errlens;

namespace {

Catalogue catalogue_of(std::vector<std::pair<std::string, std::string>> id_and_regex) {
    Catalogue c;
    for (auto& [id, re] : id_and_regex) {
        Record r;
        r.id = id;
        r.signature = id;
        r.regex = re;
        c.add(std::move(r));
    }
    return c;
}

std::vector<std::string> ids(const std::vector<Diagnosis>& ds) {
    std::vector<std::string> out;
    for (const auto& d : ds) {
        out.push_back(d.record->id);
    }
    return out;
}

std::vector<Diagnosis> scan(const Matcher& m, std::string_view text, std::size_t chunk = 0) {
    LogScanner s(m, "log");
    if (chunk == 0) {
        s.feed(text);
    } else {
        for (std::size_t i = 0; i < text.size(); i += chunk) {
            s.feed(text.substr(i, chunk));
        }
    }
    s.finish();
    return s.diagnoses();
}

}  // namespace

TEST_CASE("regexes match case-insensitively through the prefilter", "[matcher]") {
    Catalogue c = catalogue_of({{"k/crash", "CrashLoopBackOff"},
                                {"p/mod", "ModuleNotFoundError: No module named '[^']+'"},
                                {"d/short", "a.b"}});  // no atom of 3 bytes: always checked
    Matcher m(c);
    CHECK(m.problems().empty());
    CHECK(m.unfiltered_records().size() == 1);
    std::vector<std::size_t> hits;
    m.match_line("pod x is in crashloopbackoff", hits);
    CHECK(hits == std::vector<std::size_t>{0});
    hits.clear();
    m.match_line("MODULENOTFOUNDERROR: NO MODULE NAMED 'YAML'", hits);
    CHECK(hits == std::vector<std::size_t>{1});
    hits.clear();
    m.match_line("nothing here", hits);
    CHECK(hits.empty());
    hits.clear();
    m.match_line("aXb", hits);
    CHECK(hits == std::vector<std::size_t>{2});
}

TEST_CASE("a regex RE2 rejects is a warning at the record, others still match", "[matcher]") {
    Catalogue c = catalogue_of({{"x/lookahead", "foo(?=bar)"}, {"x/ok", "hello world"}});
    Matcher m(c);
    REQUIRE(m.problems().size() == 1);
    CHECK(m.problems()[0].field == "regex");
    CHECK(m.problems()[0].message.find(
              "`x/lookahead`: RE2 cannot compile the regex (invalid perl operator: (?=)") == 0);
    CHECK_FALSE(m.compiled(0));
    CHECK(m.compiled(1));
    CHECK(ids(scan(m, "say hello world\n")) == std::vector<std::string>{"x/ok"});
}

TEST_CASE("a log with noise: each diagnosis once, first line, count", "[matcher]") {
    Catalogue c = catalogue_of({{"k/crash", "Back-off restarting failed container"},
                                {"n/eresolve", "npm (?:ERR!|error) code ERESOLVE"}});
    Matcher m(c);
    std::string log =
        "2026-11-22T10:00:00Z step 1/4 : checkout\n"
        "2026-11-22T10:00:01Z npm warn deprecated inflight@1.0.6\n"
        "2026-11-22T10:00:02Z npm error code ERESOLVE\n"
        "2026-11-22T10:00:03Z npm error ERESOLVE could not resolve\n"
        "Warning  BackOff  pod/api-1  Back-off restarting failed container api\n"
        "random healthy line\n"
        "Warning  BackOff  pod/api-2  Back-off restarting failed container api\n"
        "Warning  BackOff  pod/api-3  Back-off restarting failed container api";  // no final
                                                                                  // newline
    auto ds = scan(m, log);
    REQUIRE(ds.size() == 2);
    auto crash = ds[0].record->id == "k/crash" ? ds[0] : ds[1];
    auto npm = ds[0].record->id == "k/crash" ? ds[1] : ds[0];
    CHECK(crash.line == 5);
    CHECK(crash.count == 3);
    CHECK(crash.text == "Warning  BackOff  pod/api-1  Back-off restarting failed container api");
    CHECK(npm.line == 3);
    CHECK(npm.count == 1);
    CHECK(npm.source == "log");
    // Chunk boundaries anywhere give the same result.
    for (std::size_t chunk : {1, 2, 7, 64}) {
        auto again = scan(m, log, chunk);
        REQUIRE(again.size() == 2);
        CHECK(again[0].line == ds[0].line);
        CHECK(again[0].count == ds[0].count);
        CHECK(again[1].line == ds[1].line);
    }
}

TEST_CASE("ANSI codes, CR, NUL and invalid UTF-8 are handled", "[matcher]") {
    Catalogue c = catalogue_of({{"x/oom", "JavaScript heap out of memory"}});
    Matcher m(c);
    std::string log =
        std::string("\x1b[31mFATAL ERROR:\x1b[0m Reached heap limit Allocation failed - ") +
        "\x1b[1mJavaScript\x1b[0m heap out of memory\r\n" + std::string("bin\0ary\xff\xfe\n", 10) +
        "\x1b]0;title\x07 progress 10%\rprogress 20%\r\n";
    auto ds = scan(m, log);
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].line == 1);
    CHECK(ds[0].text ==
          "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory");
    std::string cleaned;
    clean_line("\x1b]0;title\x07 progress 10%\rprogress 20%", cleaned);
    CHECK(cleaned == " progress 10%progress 20%");
    clean_line("a\x1b[38;5;196mb\x1b(Bc\x1b", cleaned);
    CHECK(cleaned == "abc");
}

TEST_CASE("very long lines are scanned in pieces, not crashed on", "[matcher]") {
    Catalogue c = catalogue_of({{"x/needle", "needle in the haystack"}});
    Matcher m(c);
    std::string log =
        std::string(3 * LogScanner::k_max_line_bytes, 'a') + " needle in the haystack\nnext\n";
    LogScanner s(m, "big");
    s.feed(log);
    s.finish();
    auto ds = s.diagnoses();
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].line == 1);
    CHECK(ds[0].count == 1);
    CHECK(s.lines() == 2);
    CHECK(ds[0].text == " needle in the haystack");  // the piece that matched

    // A matching piece is kept only in part.
    LogScanner first(m, "big");
    first.feed("needle in the haystack " + std::string(2 * LogScanner::k_max_line_bytes, 'b'));
    first.finish();
    REQUIRE(first.diagnoses().size() == 1);
    CHECK(first.diagnoses()[0].text.size() == 4096);
}

TEST_CASE("a long line gives the same pieces however it is fed", "[matcher]") {
    Catalogue c = catalogue_of({{"x/needle", "needle in the haystack"}, {"x/tail", "tail end"}});
    Matcher m(c);
    // The first needle straddles the boundary of the first piece: no piece holds it whole.
    std::string log = std::string(LogScanner::k_max_line_bytes - 6, 'a') +
                      "needle in the haystack" + std::string(LogScanner::k_max_line_bytes, 'c') +
                      "needle in the haystack, tail end\nnext line\x1b[1m tail\x1b[0m end\n";
    auto run = [&](std::size_t chunk) {
        LogScanner s(m, "big");
        for (std::size_t i = 0; i < log.size(); i += chunk) {
            s.feed(std::string_view(log).substr(i, chunk));
        }
        s.finish();
        std::vector<std::tuple<std::string, std::size_t, std::size_t>> out;
        for (const auto& d : s.diagnoses()) {
            out.emplace_back(d.record->id, d.line, d.count);
        }
        std::sort(out.begin(), out.end());
        return out;
    };
    auto whole = run(log.size());
    CHECK(whole == std::vector<std::tuple<std::string, std::size_t, std::size_t>>{
                       {"x/needle", 1, 1}, {"x/tail", 1, 2}});
    for (std::size_t chunk : {1000u, 65536u, 1u << 20, 3u << 19}) {
        CAPTURE(chunk);
        CHECK(run(chunk) == whole);
    }
}

TEST_CASE("a message with no regex match gets similar records", "[matcher][similar]") {
    Catalogue c;
    for (auto [id, sig] : std::vector<std::pair<std::string, std::string>>{
             {"docker/no-space", "no space left on device"},
             {"node/enospc-watchers", "ENOSPC: System limit for number of file watchers reached"},
             {"git/conflict", "CONFLICT (content): Merge conflict in FILE"}}) {
        Record r;
        r.id = id;
        r.signature = sig;
        r.regex = "this regex never matches xyzzy";
        c.add(std::move(r));
    }
    Matcher m(c);
    // The signature stands inside the message.
    auto ds = diagnose_message(m, "write /var/lib/docker/tmp: no space left on device");
    REQUIRE_FALSE(ds.empty());
    CHECK(ds[0].record->id == "docker/no-space");
    CHECK(ds[0].kind == MatchKind::similar);
    CHECK(ds[0].score == 95);
    // Shared distinctive words.
    ds = diagnose_message(m,
                          "Error: System limit for number of file watchers reached, watch '/app'");
    REQUIRE_FALSE(ds.empty());
    CHECK(ds[0].record->id == "node/enospc-watchers");
    // Nothing close.
    CHECK(diagnose_message(m, "everything is fine").empty());
    CHECK(diagnose_message(m, "device").empty());
}

TEST_CASE("ranking: regex before similar, specific before broad, then fix rate",
          "[matcher][rank]") {
    Catalogue c;
    auto add = [&](std::string id, std::string re, double fix) {
        Record r;
        r.id = id;
        r.signature = id;
        r.regex = re;
        r.fix_success_rate = fix;
        c.add(std::move(r));
    };
    add("x/broad", "timed out", 0.9);
    add("x/specific", "connection to registry\\.npmjs\\.org timed out", 0.5);
    add("x/same-a", "ETIMEDOUT on registry", 0.4);
    add("x/same-b", "ETIMEDOUT on registry", 0.8);
    Matcher m(c);
    CHECK(m.specificity(0) == 9);
    CHECK(m.specificity(1) > m.specificity(0));
    auto ds =
        diagnose_message(m, "connection to registry.npmjs.org timed out (ETIMEDOUT on registry)");
    CHECK(ids(ds) == std::vector<std::string>{"x/specific", "x/same-b", "x/same-a", "x/broad"});
}

TEST_CASE("specificity counts required literals only", "[matcher][rank]") {
    Catalogue c = catalogue_of({{"a", "abc(def)?"},
                                {"b", "(?:abc|de)fg"},
                                {"c", "[a-z]+ \\d+ x\\.y"},
                                {"d", "(?i)ab{0,3}c+"}});
    Matcher m(c);
    CHECK(m.specificity(0) == 3);
    CHECK(m.specificity(1) == 4);
    CHECK(m.specificity(2) == 5);
    CHECK(m.specificity(3) == 2);
}

TEST_CASE("an empty catalogue matches nothing", "[matcher]") {
    Catalogue c;
    Matcher m(c);
    CHECK(scan(m, "anything\n").empty());
    CHECK(diagnose_message(m, "anything at all here").empty());
}

namespace {

/// Every record whose regex matches `line`, by running each RE2 on it: what
/// the prefilter must reproduce exactly.
std::vector<std::size_t> brute_force(const std::vector<std::unique_ptr<RE2>>& res,
                                     std::string_view line) {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < res.size(); ++i) {
        if (res[i] && RE2::PartialMatch(line, *res[i])) {
            out.push_back(i);
        }
    }
    return out;
}

/// The lines as one log through the scanner, fed whole (0) or in chunks of
/// each size: the same first line and count per record as every regex on
/// every cleaned line.
void check_scanner(const CatalogueLoad& load, const Matcher& m,
                   const std::vector<std::unique_ptr<RE2>>& res,
                   const std::vector<std::string>& lines, const std::vector<std::size_t>& chunks) {
    std::map<std::size_t, std::pair<std::size_t, std::size_t>> expected;  // record -> line, count
    std::string log;
    std::string cleaned;
    for (std::size_t n = 0; n < lines.size(); ++n) {
        log += lines[n];
        log += '\n';
        clean_line(lines[n], cleaned);
        for (std::size_t r : brute_force(res, cleaned)) {
            auto [it, fresh] = expected.emplace(r, std::make_pair(n + 1, 1));
            it->second.second += fresh ? 0 : 1;
        }
    }
    CHECK(!expected.empty());
    for (std::size_t chunk : chunks) {
        std::map<std::size_t, std::pair<std::size_t, std::size_t>> found;
        for (const auto& d : scan(m, log, chunk)) {
            found[static_cast<std::size_t>(d.record - load.catalogue.records().data())] = {d.line,
                                                                                           d.count};
        }
        CAPTURE(lines.size(), chunk);
        CHECK(found == expected);
    }
}

/// Compiled like the matcher's: caseless, quiet; null where RE2 refuses one.
std::vector<std::unique_ptr<RE2>> compile_all(const Catalogue& catalogue) {
    RE2::Options o;
    o.set_case_sensitive(false);
    o.set_log_errors(false);
    std::vector<std::unique_ptr<RE2>> res;
    for (const auto& r : catalogue.records()) {
        auto re = std::make_unique<RE2>(effective_regex(r), o);
        res.push_back(re->ok() ? std::move(re) : nullptr);
    }
    return res;
}

void check_against_brute_force(const CatalogueLoad& load, const std::vector<std::string>& lines) {
    Matcher m(load.catalogue);
    auto res = compile_all(load.catalogue);
    std::vector<std::size_t> hits;
    std::string cleaned;
    std::size_t matched_lines = 0;
    for (const auto& raw : lines) {
        clean_line(raw, cleaned);
        hits.clear();
        m.match_line(cleaned, hits);
        std::sort(hits.begin(), hits.end());
        auto expected = brute_force(res, cleaned);
        matched_lines += expected.empty() ? 0 : 1;
        if (hits != expected) {
            FAIL_CHECK("the prefilter changed the result for: " << cleaned);
        }
    }
    CHECK(matched_lines > 0);

    // The same lines as one log through the scanner, whose block scan skips
    // lines without reading them through match_line. The scanner reads its
    // first kilobytes line by line, so the lines also come after 10 KB of
    // filler, where only the block scan sees them.
    for (std::size_t filler : {std::size_t{0}, std::size_t{2000}}) {
        std::vector<std::string> all(filler, "zzzz");
        all.insert(all.end(), lines.begin(), lines.end());
        check_scanner(load, m, res, all, {0, 4096, 100});
    }
}

std::vector<std::string> lines_of(const std::filesystem::path& dir, std::size_t max_per_file) {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        if (e.path().extension() != ".log") {
            continue;
        }
        std::istringstream in(errlens::test::read_file(e.path()));
        std::string line;
        for (std::size_t n = 0; n < max_per_file && std::getline(in, line); ++n) {
            out.push_back(line);
        }
    }
    return out;
}

}  // namespace

TEST_CASE("the literal prefilter never loses or adds a match (embedded catalogue)",
          "[matcher][prefilter]") {
    CatalogueLoad load = load_catalogue({true, {}});
    std::vector<std::string> lines;
    for (const auto& r : load.catalogue.records()) {
        lines.insert(lines.end(), r.examples.begin(), r.examples.end());
        lines.insert(lines.end(), r.non_examples.begin(), r.non_examples.end());
    }
    auto healthy = lines_of(std::filesystem::path(ERRLENS_SOURCE_DIR) / "tests/healthy", 150);
    auto failed = lines_of(std::filesystem::path(ERRLENS_SOURCE_DIR) / "tests/failed", 1000);
    lines.insert(lines.end(), healthy.begin(), healthy.end());
    lines.insert(lines.end(), failed.begin(), failed.end());
    check_against_brute_force(load, lines);
}

TEST_CASE("the block scan finds every match wherever it falls in a large block",
          "[matcher][prefilter]") {
    // The block scan reads a large block in two lanes, the second starting
    // 16 KB ahead at a line start and keeping what it read for later calls.
    // Matches here fall in either lane, in both, at their edges and at the
    // block's end, some behind escape sequences or carriage returns that
    // cleaning removes (split literals included), in logs of 100-400 KB fed
    // whole and in chunks.
    CatalogueLoad load = load_catalogue({true, {}});
    Matcher m(load.catalogue);
    auto res = compile_all(load.catalogue);
    std::vector<std::string> errors;
    for (const auto& r : load.catalogue.records()) {
        errors.insert(errors.end(), r.examples.begin(), r.examples.end());
    }
    auto healthy = lines_of(std::filesystem::path(ERRLENS_SOURCE_DIR) / "tests/healthy", 400);
    REQUIRE(errors.size() > 100);
    REQUIRE(healthy.size() > 100);
    std::uint32_t seed = 12345;
    auto random = [&seed](std::uint32_t n) {
        seed = seed * 1103515245u + 12345u;
        return (seed >> 8) % n;
    };
    for (int round = 0; round < 6; ++round) {
        std::vector<std::string> lines;
        std::size_t bytes = 0;
        std::size_t target = 100000 + 60000 * static_cast<std::size_t>(round);
        // Errors are rarer in later rounds: long runs for both lanes to read.
        std::uint32_t one_in = 20u << round;
        while (bytes < target) {
            std::string line = random(one_in) == 0
                                   ? errors[random(static_cast<std::uint32_t>(errors.size()))]
                                   : healthy[random(static_cast<std::uint32_t>(healthy.size()))];
            switch (random(8)) {
                case 0:  // an escape sequence anywhere, a literal split by it included
                    line.insert(random(static_cast<std::uint32_t>(line.size() + 1)), "\x1b[1;31m");
                    break;
                case 1:
                    line += '\r';
                    break;
                case 2:
                    line.insert(random(static_cast<std::uint32_t>(line.size() + 1)), "\r");
                    break;
                default:
                    break;
            }
            bytes += line.size() + 1;
            lines.push_back(std::move(line));
        }
        lines.push_back(errors[random(static_cast<std::uint32_t>(errors.size()))]);  // at the end
        CAPTURE(round);
        check_scanner(load, m, res, lines, {0, 65536, 40000});
    }
}

TEST_CASE("the literal prefilter never loses or adds a match (public catalogue)",
          "[matcher][prefilter][public]") {
    if (!errlens::test::have_shared("datasets/deadends/canons")) {
        return;
    }
    CatalogueLoad load = load_catalogue(
        {false, {(errlens::test::shared_dir() / "datasets/deadends/canons").string()}});
    CatalogueLoad builtin = load_catalogue({true, {}});
    std::vector<std::string> lines;
    for (const auto& r : builtin.catalogue.records()) {
        if (!r.examples.empty()) {
            lines.push_back(r.examples[0]);
        }
    }
    for (const auto& r : load.catalogue.records()) {
        if (lines.size() % 3 == 0) {
            lines.push_back(r.signature);
        }
    }
    auto healthy = lines_of(std::filesystem::path(ERRLENS_SOURCE_DIR) / "tests/healthy", 20);
    lines.insert(lines.end(), healthy.begin(), healthy.end());
    check_against_brute_force(load, lines);
}

TEST_CASE("requirements: alternatives of literal sets, letters beyond ASCII, Unicode folds",
          "[matcher][prefilter]") {
    CatalogueLoad load;
    load.catalogue =
        catalogue_of({{"t/and", "token.*limit.*exceeded"},
                      {"t/dnf", "(nat.*gateway.*idle|connection.*drop.*nat|350 seconds)"},
                      {"t/pure", "ECONNRESET|socket hang up"},
                      {"t/cyrillic", "(за здоровье|Russian.*toast)"},
                      {"t/vietnamese", "(Tết|lunar.*festival)"},
                      {"t/kelvin", "kill -s kernel"},
                      {"t/short", "(6.4|june 4.*1989)"},
                      {"t/two", "W/|etag mismatch"},
                      {"t/anchored", "^fatal: repository '.*' not found$"},
                      {"t/order", "(idle.*timeout|max_connection_idle)"},
                      {"t/overlap", "xyab.*bcxy"},
                      {"t/dots", "disk.+full|quota.{2}exceeded|295.?c|err.{0,3}x"},
                      {"t/octal", "\\\\[0-9]{3}\\\\[0-9]{3}|core\\.quotepath"},
                      {"t/one-char", "tian.anmen|a.b.c|x..y"},
                      {"t/caseless-flag", "(?i)(?:alpha one|beta.*two)"},
                      {"t/flag-inside", "x(?i)yz-lit|(?i)Q.*R-end"},
                      {"t/case-sensitive", "(?-i)Upper.*Case"},
                      {"t/greek", "ΣΟΦΙΑ ok|σφάλμα.*δίσκου"},
                      {"t/kelvin-pattern", "\u212Aelvin-x"},  // KELVIN SIGN matches ASCII k
                      {"t/letters-only", "Ärger"},
                      {"t/either-order", "(abc-one.*xyz-two|xyz-two.*abc-one|solo-three)"}});
    std::vector<std::string> lines = {
        "TOKEN LIMIT EXCEEDED for model",
        "limit exceeded",  // only some literals of the term
        "the token budget was exceeded",
        "NAT gateway closed the idle connection",
        "connection drop at the NAT",
        "Connection dropped (nat)",
        "dropped after 350 seconds",
        "read ECONNRESET",
        "Error: socket hang up",
        "SOCKET HANG UP",
        "ЗА ЗДОРОВЬЕ!",
        "За здоровье",
        "russian toast",
        "TẾT holiday",
        "tet",
        "KILL -S \xE2\x84\xAA"
        "ERNEL",                  // KELVIN SIGN folds to k
        "kill -\xC5\xBF kernel",  // LONG S folds to s
        "released 2026-11-22T16:42:10Z version 6.4.1",
        "W/\"etag\" weak",
        "fatal: repository 'https://example.com/x.git' not found",
        "  fatal: repository 'x' not found",
        "\x1b[31mtoken\x1b[0m limit \x1b[1mexc\x1b[0meeded",
        "econn\rreset",
        "\x1b]0;ECONN\x07RESET",
        "nothing to see",
        "IDLE connection hit the TIMEOUT",
        "timeout while idle",  // the wrong order
        "idletimeout",
        "idle \xff timeout",  // RE2's `.` does not match a byte of invalid UTF-8
        "idle \xC3\xA9t\xC3\xA9 timeout",
        "MAX_CONNECTION_IDLE=5",
        "xyabcxy",  // the pieces would overlap
        "xyab bcxy",
        "diskfull",
        "disk is full",
        "quota..exceeded",
        "quota.exceeded",
        "section 295 of the code",  // `.?` is at most one character
        "295-c",
        "error x",
        "err x",
        "\"\\346\\226\\207.txt\" is untracked",  // git's quoted octal escapes
        "path \\3x4 and \\12\\345",
        "C:\\Users\\build\\2024",
        "bytes \\901\\999 end",
        "git config core.quotepath off",
        "tian anmen",
        "TIAN-ANMEN",
        "tiananmen",  // `.` is exactly one character
        "tian\xC3\xA9"
        "anmen",  // one character, two bytes: RE2's path
        "tian\xff anmen",
        "a1b2c",
        "abc",
        "x12y and x1y",
        "x1y",
        "ALPHA ONE",
        "beta and TWO",
        "two beta",
        "XYZ-LIT",
        "Q and r-end",
        "r-end q",
        "Upper and Case",
        "upper and case",
        "UPPER CASE",
        "σοφια ok",
        "ςοφια OK",                             // final sigma: one of Σ's cases to RE2
        "\xCF\x83\xCE\xBF\xCF\x86\xCE\xB9 ok",  // no alpha: a letter missing
        "ΣΦΆΛΜΑ ΔΊΣΚΟΥ",
        "Σφάλμα του δίσκου",
        "δίσκου σφάλμα",
        "kelvin-x",
        "KELVIN-X",
        "\u212Aelvin-x",
        "ärger",
        "ÄRGER",
        "arger",
        "\xC3 ärger \xFF",  // malformed bytes around it
        "\xC3\x84rger",
        "\xC3",
        "xyz-two then abc-one",  // the first alternative's literals, out of its order
        "abc-one then xyz-two",
        "abc-one only",
        "SOLO-THREE xyz-two",
    };
    // Literals are searched 16 places at a time: each of these at every
    // offset of a line longer than two such steps, whole and cut short.
    for (std::string text : {"token limit exceeded", "idle connection timeout", "xyab bcxy",
                             "disk is full", "IDLE x TIMEOUT"}) {
        for (std::size_t pad = 0; pad < 40; ++pad) {
            std::string line = std::string(pad, pad % 2 == 0 ? 'i' : ' ') + text;
            lines.push_back(line);
            lines.push_back(line.substr(0, line.size() - 1));
            lines.push_back(line + std::string(40 - pad, 't'));
        }
    }
    check_against_brute_force(load, lines);
    Matcher m(load.catalogue);
    // `6.4|...`, `a.b.c|...` and `\\[0-9]{3}...` have a term without a
    // literal of 2+ bytes: they run on every line.
    std::vector<std::string> unfiltered;
    for (std::size_t r : m.unfiltered_records()) {
        unfiltered.push_back(load.catalogue.records()[r].id);
    }
    std::sort(unfiltered.begin(), unfiltered.end());
    CHECK(unfiltered == std::vector<std::string>{"t/octal", "t/one-char", "t/short"});

    // Without them the scanner skips lines by literals alone (the block scan).
    CatalogueLoad filtered;
    for (const auto& r : load.catalogue.records()) {
        if (r.id != "t/short" && r.id != "t/one-char" && r.id != "t/octal") {
            filtered.catalogue.add(r);
        }
    }
    REQUIRE(Matcher(filtered.catalogue).unfiltered_records().empty());
    check_against_brute_force(filtered, lines);
}

TEST_CASE("residues: the literal-less alternatives run on every line, each part once",
          "[matcher][prefilter]") {
    CatalogueLoad load;
    load.catalogue = catalogue_of({
        {"r/wrapped", "(alpha-literal|6.4)"},
        {"r/top", "6.4|beta-literal"},  // the same residue as r/wrapped: checked once
        {"r/class", "[A-F]{2}\\d|hex-literal"},
        {"r/escaped-dash", "[a\\-z]x|dash-literal"},
        {"r/case", "(?-i)A.B|case-literal"},  // case-sensitive: RE2's path, not the run
        {"r/escaped-bar", "a\\|b|c.d"},
        {"r/bar-in-class", "[|]x.|y[a|b]"},
        {"r/quantified", "(ab|c.)+z"},  // not an alternation at the top
        {"r/nested", "((x.y)|long-literal)"},
        {"r/plain", "q.q"},
    });
    std::vector<std::string> lines = {
        "2026-11-22T16:44:00Z started",
        "version 6.4",
        "6x4",
        "6",
        "x6",
        "6\xC3\xA9"
        "4",  // `.` is one character of two bytes: RE2 decides
        "6\xff"
        "4",  // a byte of invalid UTF-8 is no character
        "ALPHA-LITERAL",
        "beta-literal here",
        "AB1",
        "ab1",
        "fa9",
        "xy1",
        "AB",
        "-x",
        "bx",
        "zx",
        "AxB",
        "axb",
        "CASE-LITERAL",
        "a|b",
        "ab",
        "CXD",
        "|xz",
        "|x",
        "y|",
        "ya",
        "yc",
        "|xz ya",            // both of r/bar-in-class's residues: the record once
        "beta-literal 6.4",  // a candidate, and a residue: once
        "cxz",
        "abz",
        "z",
        "x-y",
        "LONG-LITERAL",
        "QxQ",
        "q\xC3\xA9q",
        "nothing at all",
    };
    check_against_brute_force(load, lines);
    Matcher m(load.catalogue);
    std::vector<std::string> unfiltered;
    for (std::size_t r : m.unfiltered_records()) {
        unfiltered.push_back(load.catalogue.records()[r].id);
    }
    // Every record has a part without a literal of 2+ bytes.
    CHECK(unfiltered.size() == load.catalogue.size());
    std::vector<std::size_t> hits;
    m.match_line("at 16:44", hits);
    CHECK(hits == std::vector<std::size_t>{0, 1});  // both records, once each
}

TEST_CASE("alternatives RE2 decides: each runs alone, and once a line for every pattern",
          "[matcher][prefilter]") {
    CatalogueLoad load;
    load.catalogue = catalogue_of({
        {"u/a", "(MOVED \\d+|ASK \\d+|alpha.*lit)"},
        {"u/b", "(MOVED \\d+|beta.{2}lit)"},  // `MOVED \d+` as in u/a: one RE2 run
        {"u/c", "(?i)(?:MOVED \\d+|gamma.?lit)"},
        {"u/d", "[Ee]rror \\d+: (disk|quota) full|warn-\\w+"},
        {"u/e", "(disk.*full|alpha-x)"},
        {"u/f", "disk.*full|beta-y"},  // `disk.*full` as in u/e: checked once
    });
    std::vector<std::string> lines = {
        "MOVED 12 10.0.0.1:6379",
        "moved 7",
        "moved x",
        "ASK 3",
        "ask",
        "alpha and lit",
        "betaxxlit",
        "betaxlit",
        "gamma lit",
        "GAMMALIT",
        "error 28: disk full",
        "Error 28: quota full",
        "error x: disk full",
        "warn-disk",
        "warn-",
        "moved 5 and warn-x and betaxylit",
        "disk is full",
        "full disk",
        "alpha-x",
        "beta-y and full disk",
    };
    check_against_brute_force(load, lines);
    Matcher m(load.catalogue);
    std::vector<std::size_t> hits;
    m.match_line("MOVED 12 10.0.0.1:6379", hits);
    CHECK(hits == std::vector<std::size_t>{0, 1, 2});
}

TEST_CASE("required literals: conservative on the RE2 syntax it reads", "[matcher][prefilter]") {
    // Patterns whose literal extraction is easy to get wrong: each must still
    // match exactly what RE2 matches.
    Catalogue c = catalogue_of({{"p/class", "[[:alpha:]]+ failed: x"},
                                {"p/opt", "colou?r error"},
                                {"p/plus", "ab+c done"},
                                {"p/rep", "x{2}yz-token|qq{0,3}rest-token"},
                                {"p/group", "(?:foo|bar)baz-suffix"},
                                {"p/flags", "(?i)ERROR(?-i) Code"},
                                {"p/named", "(?P<w>hello) world-literal"},
                                {"p/brace", "json{ key }"},
                                {"p/esc", "\\[rejected\\] main"},
                                {"p/unicode", "Ärger-Meldung"}});
    Matcher m(c);
    CHECK(m.problems().empty());
    std::vector<std::pair<std::string, std::string>> cases = {
        {"abc failed: x", "p/class"},   {"color error", "p/opt"},
        {"abbbc done", "p/plus"},       {"xxyz-token", "p/rep"},
        {"qrest-token", "p/rep"},       {"BARBAZ-SUFFIX", "p/group"},
        {"error Code", "p/flags"},      {"hello world-literal", "p/named"},
        {"json{ key }", "p/brace"},     {"! [REJECTED] main", "p/esc"},
        {"ärger-meldung", "p/unicode"},
    };
    for (const auto& [line, id] : cases) {
        std::vector<std::size_t> hits;
        m.match_line(line, hits);
        INFO(line);
        REQUIRE(hits.size() == 1);
        CHECK(c.records()[hits[0]].id == id);
    }
}
