// Renderers for CI systems: GitHub workflow commands and step summary, GitLab
// Code Quality, SARIF 2.1.0, JSON Lines and JUnit XML. Each follows the
// format its consumer documents; limits (GitHub's annotation caps and summary
// size) are applied here so the CLI only writes what it gets.
#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "diagnosis_view.hpp"
#include "errlens/renderers.hpp"
#include "terminal_text.hpp"

namespace errlens {

namespace {

using detail::make_view;
using detail::percent;
using detail::printable;
using detail::View;

// ---- GitHub workflow commands ------------------------------------------------

// As @actions/core escapes them: data escapes %, CR, LF; properties also : and ,.
std::string escape_data(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '%':
                out += "%25";
                break;
            case '\r':
                out += "%0D";
                break;
            case '\n':
                out += "%0A";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string escape_property(std::string_view s) {
    std::string out;
    for (char c : escape_data(s)) {
        switch (c) {
            case ':':
                out += "%3A";
                break;
            case ',':
                out += "%2C";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string first_line(std::string_view s, std::size_t max_columns) {
    std::string line(s.substr(0, s.find('\n')));
    return detail::truncate(printable(line), static_cast<int>(max_columns));
}

/// The one-paragraph explanation used by annotations and test reports.
std::string short_explanation(const Diagnosis& d, Language lang) {
    View v = make_view(d, lang);
    std::string colon(errlens::colon(lang));
    std::string out = std::string(label(lang, Label::root_cause)) + colon + v.root_cause.text;
    if (!v.workarounds.empty()) {
        const auto& w = v.workarounds[0];
        out += "\n" + std::string(label(lang, Label::workarounds)) + colon;
        if (w.rate) {
            out += "[" + percent(w.rate, lang) + "] ";
        }
        out += w.action.text;
        if (!w.how.empty()) {
            out += "\n" + w.how;
        }
    }
    if (d.kind == MatchKind::regex) {
        out += "\n" + matched_at(lang, d.source, d.line);
        if (d.count > 1) {
            out += (lang == Language::zh ? "" : " ") + lines_matched(lang, d.count);
        }
        out += colon + printable(d.text.substr(0, 500));
    }
    out += "\nerrlens show " + d.record->id;
    return out;
}

bool leads_to(const Record& cause, const Record& effect) {
    for (const auto& e : cause.transition_graph.leads_to) {
        if (e.error_id == effect.id) {
            return true;
        }
    }
    for (const auto& e : effect.transition_graph.preceded_by) {
        if (e.error_id == cause.id) {
            return true;
        }
    }
    return false;
}

std::string to_hex(std::uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

std::uint64_t fnv1a(std::string_view s, std::uint64_t h) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

std::string relative_to(std::string path, const std::string& workspace) {
    if (!workspace.empty()) {
        std::string prefix = workspace.back() == '/' ? workspace : workspace + "/";
        if (path.rfind(prefix, 0) == 0) {
            path.erase(0, prefix.size());
        }
    }
    if (path.rfind("./", 0) == 0) {
        path.erase(0, 2);
    }
    return path;
}

// ---- XML ---------------------------------------------------------------------

std::string xml_escape(std::string_view s) {
    std::string out;
    for (char c : printable(s)) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

/// Multi-line text for an XML element body (newlines kept, everything else safe).
std::string xml_text(std::string_view s) {
    return detail::map_lines(s, xml_escape);
}

std::string md_cell(std::string_view s) {
    std::string out;
    for (char c : printable(s)) {
        if (c == '|') {
            out += "\\|";
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

// ---- shared helpers ------------------------------------------------------------

std::vector<Diagnosis> causes_first(const std::vector<Diagnosis>& diagnoses) {
    // Kahn's algorithm over "cause leads to effect" among the records found,
    // always taking the best-ranked diagnosis that has no unplaced cause.
    std::size_t n = diagnoses.size();
    std::vector<std::vector<std::size_t>> effects(n);
    std::vector<std::size_t> causes(n, 0);
    for (std::size_t a = 0; a < n; ++a) {
        for (std::size_t b = 0; b < n; ++b) {
            if (a != b && diagnoses[a].record != diagnoses[b].record &&
                leads_to(*diagnoses[a].record, *diagnoses[b].record) &&
                !leads_to(*diagnoses[b].record, *diagnoses[a].record)) {
                effects[a].push_back(b);
                ++causes[b];
            }
        }
    }
    std::vector<Diagnosis> out;
    std::vector<bool> placed(n, false);
    while (out.size() < n) {
        std::size_t pick = n;
        for (std::size_t i = 0; i < n; ++i) {
            if (!placed[i] && causes[i] == 0) {
                pick = i;
                break;
            }
        }
        if (pick == n) {  // a cycle: fall back to rank order
            for (std::size_t i = 0; i < n && pick == n; ++i) {
                pick = placed[i] ? n : i;
            }
        }
        placed[pick] = true;
        out.push_back(diagnoses[pick]);
        for (std::size_t e : effects[pick]) {
            if (causes[e] > 0) {
                --causes[e];
            }
        }
    }
    return out;
}

std::string fingerprint(const Diagnosis& d) {
    std::string key = "errlens\x1f" + d.record->id + "\x1f" + d.source;
    return to_hex(fnv1a(key, 14695981039346656037ULL)) + to_hex(fnv1a(key, 0x84222325cbf29ce4ULL));
}

SourceLocation source_location_in(std::string_view log_line) {
    // Python traceback frames first: they are unambiguous.
    static const RE2 k_python(R"re(File "([^"]+)", line (\d+))re");
    // path/file.ext:LINE[:COL] with a source-looking extension, as compilers,
    // linters and JavaScript stack frames print it.
    static const RE2 k_path_line(
        R"re((?:^|[\s(\[])((?:[A-Za-z]:)?[\w.@~+/\\-]*[\w-]\.(?:c|cc|cpp|cxx|h|hh|hpp|hxx|m|mm|go|rs|py|js|mjs|cjs|jsx|ts|tsx|java|kt|kts|scala|rb|php|cs|fs|swift|dart|ex|exs|erl|hs|ml|lua|pl|sh|tf|hcl|yml|yaml|json|toml|gradle|groovy|cmake|txt|vue|svelte)):(\d+)(?::\d+)?)re");
    std::string path;
    std::string line;
    if (RE2::PartialMatch(log_line, k_python, &path, &line) ||
        RE2::PartialMatch(log_line, k_path_line, &path, &line)) {
        SourceLocation loc;
        loc.path = path;
        loc.line = static_cast<std::size_t>(std::strtoull(line.c_str(), nullptr, 10));
        if (loc.line > 0) {
            return loc;
        }
    }
    return {};
}

std::string fold(FoldStyle style, std::string_view title, std::string_view body,
                 long long unix_time) {
    std::string b(body);
    if (!b.empty() && b.back() != '\n') {
        b += '\n';
    }
    switch (style) {
        case FoldStyle::github:
            return "::group::" + escape_data(title) + "\n" + b + "::endgroup::\n";
        case FoldStyle::gitlab: {
            // GitLab's collapsible sections; the name must be [a-z0-9_.-].
            std::string t = std::to_string(unix_time);
            return "\x1b[0Ksection_start:" + t + ":errlens_report[collapsed=true]\r\x1b[0K" +
                   std::string(title) + "\n" + b + "\x1b[0Ksection_end:" + t +
                   ":errlens_report\r\x1b[0K\n";
        }
        case FoldStyle::none:
            break;
    }
    return std::string(title) + "\n" + b;
}

// ---- GitHub --------------------------------------------------------------------

std::string GithubRenderer::render(const Report& report) const {
    const Language lang = options_.language;
    std::string out;
    std::size_t errors = 0;
    std::size_t warnings = 0;
    std::size_t skipped = 0;
    for (const Diagnosis& d : causes_first(report.diagnoses)) {
        bool is_error = d.kind == MatchKind::regex || d.kind == MatchKind::lookup;
        std::size_t& used = is_error ? errors : warnings;
        if (used == (is_error ? k_max_errors : k_max_warnings)) {
            ++skipped;
            continue;
        }
        ++used;
        std::string props;
        SourceLocation loc = source_location_in(d.text);
        if (!loc.path.empty()) {
            props += "file=" + escape_property(relative_to(loc.path, options_.workspace)) +
                     ",line=" + std::to_string(loc.line) + ",";
        }
        std::string title = "errlens: " + first_line(d.record->signature, 120);
        if (d.kind == MatchKind::similar) {
            title = "errlens (" + std::string(label(lang, Label::matched_similar)) +
                    "): " + first_line(d.record->signature, 100);
        }
        props += "title=" + escape_property(title);
        out += std::string(is_error ? "::error " : "::warning ") + props +
               "::" + escape_data(short_explanation(d, lang)) + "\n";
    }
    if (skipped > 0 || report.omitted > 0) {
        std::string note =
            std::to_string(skipped + report.omitted) + " " +
            (lang == Language::zh
                 ? "条诊断未作为注释显示（GitHub 每个步骤最多显示 10 条错误和 10 "
                   "条警告）；完整列表见步骤摘要。"
                 : "more diagnoses not shown as annotations (GitHub shows 10 errors and 10 "
                   "warnings per step); see the step summary for all of them.");
        out += "::notice title=errlens::" + escape_data(note) + "\n";
    }
    return out;
}

std::string github_step_summary(const Report& report, const RenderOptions& options,
                                std::size_t max_bytes) {
    const Language lang = options.language;
    const bool zh = lang == Language::zh;
    std::vector<Diagnosis> ordered = causes_first(report.diagnoses);
    std::string head = zh ? "## errlens：发现 " + std::to_string(ordered.size()) + " 个已知错误\n\n"
                          : "## errlens: " + std::to_string(ordered.size()) + " known error" +
                                (ordered.size() == 1 ? "" : "s") + "\n\n";
    if (ordered.empty()) {
        return head + std::string(label(lang, Label::no_match)) + "\n";
    }
    std::string table =
        zh ? "| # | 错误 | ID | 位置 | 次数 |\n| --- | --- | --- | --- | --- |\n"
           : "| # | Error | ID | Where | Count |\n| --- | --- | --- | --- | --- |\n";
    std::string details = "\n";
    // Leave room for the note about what was cut.
    const std::size_t budget = max_bytes > 1024 ? max_bytes - 1024 : max_bytes;
    std::size_t shown_rows = 0;
    std::size_t shown_details = 0;
    for (std::size_t i = 0; i < ordered.size(); ++i) {
        const Diagnosis& d = ordered[i];
        std::string where = d.kind == MatchKind::regex
                                ? (d.source.empty() ? "" : d.source + ":") + std::to_string(d.line)
                                : std::string(label(lang, Label::matched_similar));
        std::string row = "| " + std::to_string(i + 1) + " | " +
                          md_cell(first_line(d.record->signature, 100)) + " | `" + d.record->id +
                          "` | " + md_cell(where) + " | " + std::to_string(d.count) + " |\n";
        if (head.size() + table.size() + row.size() > budget / 2) {
            break;
        }
        table += row;
        ++shown_rows;
    }
    for (std::size_t i = 0; i < ordered.size(); ++i) {
        Report one{{ordered[i]}, 0};
        std::string block = MarkdownRenderer(options).render(one);
        // "### 1." -> the diagnosis's number in the whole list.
        if (block.rfind("### 1. ", 0) == 0) {
            block = "### " + std::to_string(i + 1) + ". " + block.substr(7);
        }
        if (head.size() + table.size() + details.size() + block.size() + 1 > budget) {
            break;
        }
        details += block + "\n";
        ++shown_details;
    }
    std::string out = head + table + details;
    std::size_t cut = ordered.size() - std::min(shown_rows, shown_details);
    if (cut > 0 || report.omitted > 0) {
        out += zh ? "> 为使摘要不超过 GitHub 的 1 MiB 上限，省略了 " +
                        std::to_string(cut + report.omitted) +
                        " 个诊断的详情。完整报告：`errlens scan --format markdown <日志>`。\n"
                  : "> " + std::to_string(cut + report.omitted) +
                        " diagnoses were cut to keep this summary under GitHub's 1 MiB limit. "
                        "The full report: `errlens scan --format markdown <log>`.\n";
    }
    return out;
}

// ---- GitLab Code Quality ---------------------------------------------------------

std::string GitlabCodeQualityRenderer::render(const Report& report) const {
    using nlohmann::ordered_json;
    ordered_json findings = ordered_json::array();
    for (const Diagnosis& d : report.diagnoses) {
        ordered_json f;
        std::string description = first_line(d.record->signature, 200);
        View v = make_view(d, options_.language);
        description += " — " + first_line(v.root_cause.text, 400);
        f["description"] = description;
        f["check_name"] = d.record->id;
        f["fingerprint"] = fingerprint(d);
        f["severity"] = d.kind == MatchKind::similar ? "minor" : "major";
        std::string path = d.source.empty() || d.source == "-" ? "errlens" : d.source;
        SourceLocation loc = source_location_in(d.text);
        std::size_t line = d.line > 0 ? d.line : 1;
        if (!loc.path.empty()) {
            path = loc.path;
            line = loc.line;
        }
        f["location"] = {{"path", relative_to(path, options_.workspace)},
                         {"lines", {{"begin", line}}}};
        findings.push_back(std::move(f));
    }
    return findings.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// ---- SARIF -------------------------------------------------------------------------

std::string SarifRenderer::render(const Report& report) const {
    using nlohmann::ordered_json;
    const Language lang = options_.language;
    ordered_json rules = ordered_json::array();
    std::map<std::string, std::size_t> rule_index;
    ordered_json results = ordered_json::array();
    for (const Diagnosis& d : report.diagnoses) {
        const Record& r = *d.record;
        if (!rule_index.count(r.id)) {
            View v = make_view(d, lang);
            Report one{{Diagnosis{&r, MatchKind::lookup, 0, "", 0, "", 0}}, 0};
            ordered_json rule;
            rule["id"] = r.id;
            rule["shortDescription"] = {{"text", first_line(r.signature, 1000)}};
            rule["fullDescription"] = {{"text", v.root_cause.text}};
            if (r.official_doc_url) {
                rule["helpUri"] = *r.official_doc_url;
            }
            std::string help = v.root_cause.text;
            for (std::size_t k = 0; k < v.workarounds.size(); ++k) {
                help += "\n" + std::to_string(k + 1) + ". " + v.workarounds[k].action.text;
                if (!v.workarounds[k].how.empty()) {
                    help += "\n   " + v.workarounds[k].how;
                }
            }
            rule["help"] = {{"text", help}, {"markdown", MarkdownRenderer(options_).render(one)}};
            rule["defaultConfiguration"] = {{"level", "error"}};
            rule["properties"] = {{"tags", ordered_json::array({"errlens", r.domain, r.category})},
                                  {"verification_tier", r.verification_tier}};
            rule_index[r.id] = rules.size();
            rules.push_back(std::move(rule));
        }
        ordered_json result;
        result["ruleId"] = r.id;
        result["ruleIndex"] = rule_index[r.id];
        result["level"] = d.kind == MatchKind::similar ? "warning" : "error";
        result["message"] = {{"text", short_explanation(d, lang)}};
        if (d.kind == MatchKind::regex && !d.source.empty() && d.source != "-") {
            ordered_json location;
            location["physicalLocation"] = {
                {"artifactLocation", {{"uri", relative_to(d.source, options_.workspace)}}},
                {"region", {{"startLine", d.line}, {"snippet", {{"text", printable(d.text)}}}}}};
            result["locations"] = ordered_json::array({location});
        }
        result["partialFingerprints"] = {{"errlens/v1", fingerprint(d)}};
        if (d.count > 0) {
            result["properties"] = {{"count", d.count}};
        }
        results.push_back(std::move(result));
    }
    ordered_json driver = {{"name", "errlens"},
                           {"version", "0.1.0"},
                           {"informationUri", "https://github.com/errlens/errlens"},
                           {"rules", std::move(rules)}};
    ordered_json run = {{"tool", {{"driver", std::move(driver)}}},
                        {"language", lang == Language::zh ? "zh-CN" : "en-US"},
                        {"results", std::move(results)}};
    ordered_json doc = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                        {"version", "2.1.0"},
                        {"runs", ordered_json::array({std::move(run)})}};
    return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// ---- JSON Lines ----------------------------------------------------------------------

std::string JsonLinesRenderer::render_one(const Diagnosis& d) const {
    return detail::match_json(d, options_.language)
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
           "\n";
}

std::string JsonLinesRenderer::render(const Report& report) const {
    std::string out;
    for (const Diagnosis& d : report.diagnoses) {
        out += render_one(d);
    }
    return out;
}

// ---- JUnit ---------------------------------------------------------------------------

std::string JunitRenderer::render(const Report& report) const {
    const Language lang = options_.language;
    std::size_t n = report.diagnoses.size();
    std::string cases;
    for (const Diagnosis& d : report.diagnoses) {
        std::string where = d.source.empty() ? "" : " file=\"" + xml_escape(d.source) + "\"";
        if (d.kind == MatchKind::regex && d.line > 0) {
            where += " line=\"" + std::to_string(d.line) + "\"";
        }
        cases += "    <testcase classname=\"errlens." + xml_escape(d.record->domain) +
                 "\" name=\"" + xml_escape(d.record->id) + "\"" + where + ">\n";
        cases += "      <failure message=\"" + xml_escape(first_line(d.record->signature, 300)) +
                 "\" type=\"" + xml_escape(d.record->category) + "\">" +
                 xml_text(short_explanation(d, lang)) + "</failure>\n";
        cases += "    </testcase>\n";
    }
    if (n == 0) {
        cases += "    <testcase classname=\"errlens\" name=\"" +
                 xml_escape(label(lang, Label::no_match)) + "\"/>\n";
    }
    std::string count = std::to_string(std::max<std::size_t>(n, 1));
    std::string failures = std::to_string(n);
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"errlens\" tests=\"" +
           count + "\" failures=\"" + failures + "\">\n  <testsuite name=\"errlens\" tests=\"" +
           count + "\" failures=\"" + failures + "\" errors=\"0\" skipped=\"0\">\n" + cases +
           "  </testsuite>\n</testsuites>\n";
}

}  // namespace errlens
