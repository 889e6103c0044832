// The text page layout (seed 000_8d0c57ab4ba9caa9.txt): a record as a person
// reads it on a web page, flattened to text. The reader accepts the seed as it
// is; the writer emits the same layout, with errlens's extension sections after
// `Dead Ends`, so text -> record -> text is stable.
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <regex>
#include <set>

#include "errlens/loaders.hpp"

namespace errlens {

namespace {

const std::set<std::string, std::less<>> k_headings = {"Version Compatibility",
                                                       "Root Cause",
                                                       "中文",
                                                       "Official Documentation",
                                                       "Workarounds",
                                                       "中文步骤",
                                                       "Dead Ends",
                                                       "中文签名",
                                                       "无效做法",
                                                       "Regex",
                                                       "Examples",
                                                       "Non-Examples",
                                                       "Related Errors",
                                                       "Details"};

const char* const k_versions_header = "VersionStatusIntroducedDeprecatedNotes";
const char* const k_dead_ends_intro = "Common approaches that don't work:";
const char* const k_condition_zh = "适用条件：";
const char* const k_available_as = "Also available as: JSON · Markdown · 中文";

struct Line {
    int number;
    std::string text;
};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

std::size_t indent_of(std::string_view s) {
    std::size_t n = 0;
    while (n < s.size() && s[n] == ' ') {
        ++n;
    }
    return n;
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

std::optional<double> parse_percent(const std::string& s) {
    try {
        std::size_t used = 0;
        double d = std::stod(s, &used);
        if (used != s.size() || d < 0 || d > 100) {
            return std::nullopt;
        }
        return d / 100.0;
    } catch (...) {
        return std::nullopt;
    }
}

std::string format_percent(double fraction) {
    double pct = std::round(fraction * 1000.0) / 10.0;
    char buf[32];
    if (pct == std::floor(pct)) {
        std::snprintf(buf, sizeof buf, "%.0f", pct);
    } else {
        std::snprintf(buf, sizeof buf, "%.1f", pct);
    }
    return buf;
}

std::string format_number(double d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", d);
    return buf;
}

/// Paragraphs of a section: runs of non-blank lines, joined by "\n", indentation removed.
std::vector<std::string> paragraphs(const std::vector<Line>& lines) {
    std::vector<std::string> out;
    std::string current;
    for (const auto& l : lines) {
        std::string_view t = trim(l.text);
        if (t.empty()) {
            if (!current.empty()) {
                out.push_back(current);
                current.clear();
            }
            continue;
        }
        if (!current.empty()) {
            current += '\n';
        }
        current += t;
    }
    if (!current.empty()) {
        out.push_back(current);
    }
    return out;
}

/// A numbered list item `  N. rest` with the lines that follow it.
struct Item {
    int line = 0;
    std::string head;               ///< text after `N. `
    std::vector<std::string> body;  ///< following lines, 4-space indent removed, blanks kept
};

std::vector<Item> numbered_items(const std::vector<Line>& lines, std::vector<Line>* stray) {
    static const std::regex k_item(R"(^ {1,3}(\d+)\.(?: (.*))?$)");
    std::vector<Item> items;
    for (const auto& l : lines) {
        std::smatch m;
        if (std::regex_match(l.text, m, k_item)) {
            items.push_back({l.number, std::string(trim(m[2].str())), {}});
            continue;
        }
        if (items.empty()) {
            if (!trim(l.text).empty() && stray != nullptr) {
                stray->push_back(l);
            }
            continue;
        }
        std::string_view t = l.text;
        std::size_t strip = std::min<std::size_t>(indent_of(t), 4);
        items.back().body.push_back(
            std::string(trim(t.substr(strip)).empty() ? "" : t.substr(strip)));
    }
    for (auto& item : items) {
        while (!item.body.empty() && item.body.back().empty()) {
            item.body.pop_back();
        }
        while (!item.body.empty() && item.body.front().empty()) {
            item.body.erase(item.body.begin());
        }
        for (auto& b : item.body) {
            while (!b.empty() && (b.back() == ' ' || b.back() == '\r')) {
                b.pop_back();
            }
        }
    }
    return items;
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) {
            out += sep;
        }
        out += parts[i];
    }
    return out;
}

/// Splits an item body into blank-line separated paragraphs, pulling out
/// `Condition:` and `Source:` lines.
std::vector<std::string> item_paragraphs(const std::vector<std::string>& body,
                                         std::string& condition,
                                         std::vector<std::string>& sources) {
    std::vector<std::string> out;
    std::string current;
    bool open = false;
    for (const auto& b : body) {
        if (starts_with(b, "Condition: ")) {
            condition = b.substr(11);
            continue;
        }
        if (starts_with(b, "Source: ")) {
            sources.push_back(b.substr(8));
            continue;
        }
        if (b.empty()) {
            if (open) {
                out.push_back(current);
                current.clear();
                open = false;
            }
            continue;
        }
        if (open) {
            current += '\n';
        }
        current += b;
        open = true;
    }
    if (open) {
        out.push_back(current);
    }
    return out;
}

bool is_status_word(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (!((c >= 'a' && c <= 'z') || c == '_' || c == '-')) {
            return false;
        }
    }
    return true;
}

std::optional<std::string> non_empty(std::string s) {
    if (s.empty()) {
        return std::nullopt;
    }
    return s;
}

VersionNote parse_version_row(const std::string& row) {
    VersionNote v;
    if (row.find('\t') != std::string::npos) {
        std::vector<std::string> cells;
        std::size_t start = 0;
        while (true) {
            std::size_t tab = row.find('\t', start);
            cells.push_back(row.substr(start, tab == std::string::npos ? tab : tab - start));
            if (tab == std::string::npos) {
                break;
            }
            start = tab + 1;
        }
        cells.resize(6);
        v.version = non_empty(cells[0]);
        v.status = non_empty(cells[1]);
        v.introduced = non_empty(cells[2]);
        v.deprecated = non_empty(cells[3]);
        v.removed = non_empty(cells[4]);
        v.behavior_change = non_empty(cells[5]);
        return v;
    }
    std::size_t space = row.rfind(' ');
    if (space != std::string::npos && is_status_word(std::string_view(row).substr(space + 1))) {
        v.version = row.substr(0, space);
        v.status = row.substr(space + 1);
    } else {
        v.version = row;
    }
    return v;
}

std::string format_version_row(const VersionNote& v) {
    bool simple = !v.introduced && !v.deprecated && !v.removed && !v.behavior_change && v.version &&
                  !v.version->empty() && v.version->find('\t') == std::string::npos;
    if (simple) {
        std::string row = *v.version;
        if (v.status && is_status_word(*v.status)) {
            row += ' ' + *v.status;
        } else if (v.status) {
            simple = false;
        }
        if (simple && parse_version_row(row) == v) {
            return row;
        }
    }
    auto cell = [](const std::optional<std::string>& s) { return s ? *s : std::string(); };
    return cell(v.version) + '\t' + cell(v.status) + '\t' + cell(v.introduced) + '\t' +
           cell(v.deprecated) + '\t' + cell(v.removed) + '\t' + cell(v.behavior_change);
}

class PageReader {
  public:
    PageReader(std::string_view source, std::string_view text) : source_(source) {
        int number = 1;
        std::size_t start = 0;
        while (start <= text.size()) {
            std::size_t nl = text.find('\n', start);
            std::string_view l = text.substr(start, nl == std::string_view::npos ? nl : nl - start);
            if (!l.empty() && l.back() == '\r') {
                l.remove_suffix(1);
            }
            lines_.push_back({number++, std::string(l)});
            if (nl == std::string_view::npos) {
                break;
            }
            start = nl + 1;
        }
        // A UTF-8 byte order mark is not part of the header line.
        if (!lines_.empty() && starts_with(lines_[0].text, "\xEF\xBB\xBF")) {
            lines_[0].text.erase(0, 3);
        }
    }

    LoadResult read() {
        LoadResult result;
        result.records_seen = 1;
        Record rec;
        rec.source = std::string(source_);
        rec.format = RecordFormat::text_page;
        std::size_t i = 0;
        auto next_non_blank = [&]() -> const Line* {
            while (i < lines_.size() && trim(lines_[i].text).empty()) {
                ++i;
            }
            return i < lines_.size() ? &lines_[i++] : nullptr;
        };
        const Line* header = next_non_blank();
        if (header == nullptr) {
            error(result, 1, "", "empty page: expected `domain category tier resolvable`");
            return result;
        }
        rec.source_line = header->number;
        read_header(*header, rec, result);
        const Line* signature = next_non_blank();
        if (signature == nullptr || k_headings.count(std::string(trim(signature->text))) ||
            starts_with(signature->text, "ID:")) {
            error(result, header->number + 1, "signature",
                  "expected the error signature on the line after the header");
            return result;
        }
        rec.signature = std::string(trim(signature->text));
        const Line* id = next_non_blank();
        if (id == nullptr || !starts_with(id->text, "ID:")) {
            error(result, id ? id->number : signature->number + 1, "ID",
                  "expected `ID: <domain>/<slug>` after the signature",
                  id ? id->text : std::string());
            return result;
        }
        rec.id = std::string(trim(std::string_view(id->text).substr(3)));
        if (rec.id.empty()) {
            error(result, id->number, "ID", "the ID is empty", id->text);
        }

        // Figures until the first heading.
        std::vector<Line> preamble;
        while (i < lines_.size() && !is_heading(lines_[i])) {
            preamble.push_back(lines_[i++]);
        }
        read_figures(preamble, rec, result);

        // Sections.
        std::map<std::string, std::pair<int, std::vector<Line>>> sections;
        while (i < lines_.size()) {
            std::string name(trim(lines_[i].text));
            int at = lines_[i].number;
            ++i;
            std::vector<Line> body;
            while (i < lines_.size() && !is_heading(lines_[i])) {
                body.push_back(lines_[i++]);
            }
            if (sections.count(name)) {
                error(result, at, name, "section appears twice");
                continue;
            }
            sections[name] = {at, std::move(body)};
        }
        for (auto& [name, section] : sections) {
            read_section(name, section.first, section.second, rec, result);
        }
        if (!sections.count("Root Cause")) {
            error(result, 0, "Root Cause", "the page has no `Root Cause` section");
        }
        for (std::size_t k = 0; k < pending_condition_zh_.size(); ++k) {
            if (k < rec.workarounds.size()) {
                rec.workarounds[k].condition_zh = pending_condition_zh_[k];
            } else if (!pending_condition_zh_[k].empty()) {
                error(result, 0, "中文步骤",
                      "a condition for workaround " + std::to_string(k + 1) +
                          ", which does not exist");
            }
        }
        if (!failed_) {
            result.records.push_back(std::move(rec));
        }
        return result;
    }

  private:
    bool is_heading(const Line& l) const {
        return !l.text.empty() && l.text[0] != ' ' && k_headings.count(std::string(trim(l.text)));
    }

    void error(LoadResult& result, int line, std::string field, std::string message,
               std::string snippet = {}) {
        result.problems.push_back({Severity::error, std::string(source_), line, 0, std::move(field),
                                   std::move(message), std::move(snippet)});
        failed_ = true;
    }
    void warning(LoadResult& result, int line, std::string field, std::string message,
                 std::string snippet = {}) {
        result.problems.push_back({Severity::warning, std::string(source_), line, 0,
                                   std::move(field), std::move(message), std::move(snippet)});
    }

    void read_header(const Line& header, Record& rec, LoadResult& result) {
        std::vector<std::string> words;
        std::string_view t = trim(header.text);
        while (!t.empty()) {
            std::size_t sp = t.find(' ');
            words.emplace_back(t.substr(0, sp));
            t = sp == std::string_view::npos ? std::string_view() : trim(t.substr(sp));
        }
        if (words.size() < 3 || words.size() > 4) {
            error(result, header.number, "header",
                  "expected `domain category verification_tier resolvable`", header.text);
            return;
        }
        rec.domain = words[0];
        rec.category = words[1];
        rec.verification_tier = words[2];
        if (words.size() == 4) {
            rec.resolvable = words[3];
        }
    }

    void read_figures(const std::vector<Line>& lines, Record& rec, LoadResult& result) {
        static const std::regex k_figure(
            R"(^(\S+?)(Fix Rate|Confidence|Evidence|First Seen|Last Confirmed|Last Updated)$)");
        for (const auto& l : lines) {
            std::string t(trim(l.text));
            if (t.empty() || t == k_available_as) {
                continue;
            }
            std::smatch m;
            if (!std::regex_match(t, m, k_figure)) {
                warning(result, l.number, "figures", "line not understood (ignored)", l.text);
                continue;
            }
            std::string value = m[1].str();
            std::string what = m[2].str();
            if (what == "Fix Rate" || what == "Confidence") {
                if (value.empty() || value.back() != '%') {
                    error(result, l.number, what, "expected a percentage like `84%`", l.text);
                    continue;
                }
                auto f = parse_percent(value.substr(0, value.size() - 1));
                if (!f) {
                    error(result, l.number, what, "expected a percentage from 0% to 100%", l.text);
                    continue;
                }
                (what == "Fix Rate" ? rec.fix_success_rate : rec.confidence) = f;
            } else if (what == "Evidence") {
                try {
                    std::size_t used = 0;
                    long long n = std::stoll(value, &used);
                    if (used != value.size() || n < 0) {
                        throw std::invalid_argument(value);
                    }
                    rec.evidence_count = n;
                } catch (...) {
                    error(result, l.number, what, "expected a whole number", l.text);
                }
            } else if (what == "First Seen") {
                rec.first_seen = value;
            } else if (what == "Last Confirmed") {
                rec.last_confirmed = value;
            } else {
                rec.last_updated = value;
            }
        }
    }

    void read_section(const std::string& name, int at, const std::vector<Line>& body, Record& rec,
                      LoadResult& result) {
        if (name == "Version Compatibility") {
            for (const auto& l : body) {
                std::string t(trim(l.text));
                if (t.empty() || t == k_versions_header) {
                    continue;
                }
                std::string row = l.text;
                while (!row.empty() && (row.back() == ' ' || row.back() == '\r')) {
                    row.pop_back();
                }
                rec.versions.push_back(parse_version_row(std::string(trim(row))));
            }
        } else if (name == "Root Cause") {
            auto paras = paragraphs(body);
            if (paras.size() >= 2 && is_status_word(paras.back())) {
                rec.root_cause_type = paras.back();
                paras.pop_back();
            }
            rec.root_cause = join(paras, "\n\n");
            if (rec.root_cause.empty()) {
                error(result, at, name, "the root cause is empty");
            }
        } else if (name == "中文") {
            rec.root_cause_zh = join(paragraphs(body), "\n\n");
        } else if (name == "中文签名") {
            rec.signature_zh = join(paragraphs(body), "\n");
        } else if (name == "Official Documentation") {
            auto paras = paragraphs(body);
            std::string all = join(paras, "\n");
            std::size_t nl = all.find('\n');
            if (!all.empty()) {
                rec.official_doc_url = all.substr(0, nl);
            }
            if (nl != std::string::npos) {
                rec.official_doc_section = all.substr(nl + 1);
            }
        } else if (name == "Workarounds") {
            read_workarounds(body, rec, result);
        } else if (name == "中文步骤") {
            std::size_t k = 0;
            for (auto& item : numbered_items(body, nullptr)) {
                std::vector<std::string> parts{item.head};
                for (const auto& b : item.body) {
                    if (starts_with(b, k_condition_zh)) {
                        pending_condition_zh_.resize(k + 1);
                        pending_condition_zh_[k] = b.substr(std::strlen(k_condition_zh));
                    } else {
                        parts.push_back(b);
                    }
                }
                rec.workarounds_zh.push_back(join(parts, "\n"));
                ++k;
            }
        } else if (name == "Dead Ends") {
            read_dead_ends(body, rec, result);
        } else if (name == "无效做法") {
            std::size_t k = 0;
            for (auto& item : numbered_items(body, nullptr)) {
                if (k >= rec.dead_ends.size()) {
                    // Dead Ends may come later in a hand-edited page; keep the text.
                    rec.dead_ends.resize(k + 1);
                }
                rec.dead_ends[k].action_zh = item.head;
                std::vector<std::string> why;
                for (const auto& b : item.body) {
                    if (starts_with(b, k_condition_zh)) {
                        rec.dead_ends[k].condition_zh = b.substr(std::strlen(k_condition_zh));
                    } else {
                        why.push_back(b);
                    }
                }
                rec.dead_ends[k].why_fails_zh = join(why, "\n");
                ++k;
            }
        } else if (name == "Regex") {
            for (const auto& l : body) {
                if (!trim(l.text).empty()) {
                    std::string_view t = l.text;
                    t.remove_prefix(std::min<std::size_t>(indent_of(t), 2));
                    rec.regex = std::string(t);
                    break;
                }
            }
        } else if (name == "Examples" || name == "Non-Examples") {
            auto& out = name == "Examples" ? rec.examples : rec.non_examples;
            for (const auto& l : body) {
                if (starts_with(l.text, "  - ")) {
                    out.push_back(l.text.substr(4));
                } else if (!trim(l.text).empty()) {
                    warning(result, l.number, name, "expected `  - <log line>` (ignored)", l.text);
                }
            }
        } else if (name == "Related Errors") {
            read_related(body, rec, result);
        } else if (name == "Details") {
            read_details(body, rec, result);
        }
    }

    void read_workarounds(const std::vector<Line>& body, Record& rec, LoadResult& result) {
        static const std::regex k_success(R"(^(\d+(?:\.\d+)?)% success(?: (.*))?$)");
        std::vector<Line> stray;
        for (auto& item : numbered_items(body, &stray)) {
            Workaround w;
            std::smatch m;
            if (std::regex_match(item.head, m, k_success)) {
                w.success_rate = parse_percent(m[1].str());
                w.action = m[2].str();
            } else {
                w.action = item.head;
            }
            w.how = join(item_paragraphs(item.body, w.condition, w.sources), "\n\n");
            if (w.action.empty()) {
                error(result, item.line, "Workarounds", "a workaround needs an action");
            }
            rec.workarounds.push_back(std::move(w));
        }
        for (const auto& l : stray) {
            warning(result, l.number, "Workarounds",
                    "line is not part of a numbered item (ignored)", l.text);
        }
    }

    void read_dead_ends(const std::vector<Line>& body, Record& rec, LoadResult& result) {
        static const std::regex k_fail(R"(^(\d+(?:\.\d+)?)% fail(?: (.*))?$)");
        std::vector<Line> kept;
        for (const auto& l : body) {
            if (trim(l.text) != k_dead_ends_intro) {
                kept.push_back(l);
            }
        }
        std::vector<Line> stray;
        std::vector<DeadEnd> read;
        for (auto& item : numbered_items(kept, &stray)) {
            DeadEnd d;
            std::smatch m;
            std::string inline_text;
            if (std::regex_match(item.head, m, k_fail)) {
                d.fail_rate = parse_percent(m[1].str());
                inline_text = m[2].str();
            } else {
                inline_text = item.head;
            }
            auto paras = item_paragraphs(item.body, d.condition, d.sources);
            if (!inline_text.empty()) {
                paras.insert(paras.begin(), inline_text);
            }
            if (paras.size() == 1) {
                d.why_fails = paras[0];
            } else if (paras.size() >= 2) {
                d.action = paras[0];
                d.why_fails =
                    join(std::vector<std::string>(paras.begin() + 1, paras.end()), "\n\n");
            } else {
                error(result, item.line, "Dead Ends", "a dead end needs a text");
            }
            read.push_back(std::move(d));
        }
        // Chinese may already have been read into placeholders (section order).
        for (std::size_t j = 0; j < read.size(); ++j) {
            if (j < rec.dead_ends.size()) {
                read[j].action_zh = rec.dead_ends[j].action_zh;
                read[j].why_fails_zh = rec.dead_ends[j].why_fails_zh;
                read[j].condition_zh = rec.dead_ends[j].condition_zh;
            }
        }
        rec.dead_ends = std::move(read);
        for (const auto& l : stray) {
            warning(result, l.number, "Dead Ends", "line is not part of a numbered item (ignored)",
                    l.text);
        }
    }

    void read_related(const std::vector<Line>& body, Record& rec, LoadResult& result) {
        static const std::regex k_edge(R"(^  (leads to|preceded by|confused with): (\S+)$)");
        static const std::regex k_attr(R"(^    (probability|condition|distinction): (.*)$)");
        RelatedError* last = nullptr;
        for (const auto& l : body) {
            std::smatch m;
            if (std::regex_match(l.text, m, k_edge)) {
                auto& list = m[1] == "leads to" ? rec.transition_graph.leads_to
                             : m[1] == "preceded by"
                                 ? rec.transition_graph.preceded_by
                                 : rec.transition_graph.frequently_confused_with;
                list.push_back({m[2].str(), std::nullopt, {}, {}});
                last = &list.back();
            } else if (last != nullptr && std::regex_match(l.text, m, k_attr)) {
                if (m[1] == "probability") {
                    try {
                        last->probability = std::stod(m[2].str());
                    } catch (...) {
                        error(result, l.number, "Related Errors", "probability must be a number",
                              l.text);
                    }
                } else if (m[1] == "condition") {
                    last->condition = m[2].str();
                } else {
                    last->distinction = m[2].str();
                }
            } else if (!trim(l.text).empty()) {
                warning(result, l.number, "Related Errors",
                        "expected `  leads to|preceded by|confused with: <id>` (ignored)", l.text);
            }
        }
    }

    void read_details(const std::vector<Line>& body, Record& rec, LoadResult& result) {
        static const std::regex k_detail(R"(^  ([a-z_]+): ?(.*)$)");
        std::string* open = nullptr;  // a multi-line value continues with 4-space lines
        for (const auto& l : body) {
            std::smatch m;
            if (open != nullptr && starts_with(l.text, "    ")) {
                *open += "\n" + l.text.substr(4);
                continue;
            }
            open = nullptr;
            if (trim(l.text).empty()) {
                continue;
            }
            if (!std::regex_match(l.text, m, k_detail)) {
                warning(result, l.number, "Details", "expected `  key: value` (ignored)", l.text);
                continue;
            }
            std::string key = m[1].str();
            std::string value = m[2].str();
            if (key == "subcategory") {
                rec.subcategory = value;
            } else if (key == "official_doc_section") {
                rec.official_doc_section = value;
            } else if (key == "error_code") {
                rec.error_code = value;
            } else if (key == "locale") {
                rec.locale = value;
            } else if (key == "tag") {
                rec.tags.push_back(value);
            } else if (key == "alias") {
                rec.aliases.push_back(value);
            } else if (key == "source_url") {
                rec.source_url = value;
            } else if (key == "reproduction") {
                rec.reproduction = value;
                open = &*rec.reproduction;
            } else if (key == "os_specific") {
                try {
                    auto j = nlohmann::json::parse(value);
                    if (!j.is_object()) {
                        throw std::invalid_argument("not an object");
                    }
                    rec.os_specific_json = j.dump();
                } catch (...) {
                    error(result, l.number, "Details/os_specific", "must be a JSON object", l.text);
                }
            } else {
                warning(result, l.number, "Details", "unknown key `" + key + "` (ignored)", l.text);
            }
        }
    }

    std::string_view source_;
    std::vector<Line> lines_;
    std::vector<std::string> pending_condition_zh_;  // 中文步骤 may precede nothing else
    bool failed_ = false;
};

void write_indented(std::string& out, const std::string& text, const char* indent) {
    std::size_t start = 0;
    while (true) {
        std::size_t nl = text.find('\n', start);
        std::string_view part =
            std::string_view(text).substr(start, nl == std::string::npos ? nl : nl - start);
        out += part.empty() ? "" : indent;
        out += part;
        out += '\n';
        if (nl == std::string::npos) {
            break;
        }
        start = nl + 1;
    }
}

}  // namespace

LoadResult load_text_page(std::string_view source, std::string_view text) {
    return PageReader(source, text).read();
}

std::string to_text_page(const Record& r) {
    std::string out;
    out += r.domain + ' ' + r.category + ' ' + r.verification_tier;
    if (r.resolvable) {
        out += ' ' + *r.resolvable;
    }
    out += "\n\n" + r.signature + "\n\nID: " + r.id + "\n\n";
    out += std::string(k_available_as) + "\n";
    if (r.fix_success_rate) {
        out += format_percent(*r.fix_success_rate) + "%Fix Rate\n";
    }
    if (r.confidence) {
        out += format_percent(*r.confidence) + "%Confidence\n";
    }
    if (r.evidence_count) {
        out += std::to_string(*r.evidence_count) + "Evidence\n";
    }
    if (r.first_seen) {
        out += *r.first_seen + "First Seen\n";
    }
    if (r.last_confirmed) {
        out += *r.last_confirmed + "Last Confirmed\n";
    }
    if (r.last_updated) {
        out += *r.last_updated + "Last Updated\n";
    }
    out += "\nVersion Compatibility\n\n" + std::string(k_versions_header) + "\n";
    for (const auto& v : r.versions) {
        out += format_version_row(v) + "\n";
    }
    out += "\nRoot Cause\n\n" + r.root_cause + "\n\n";
    if (r.root_cause_type && !r.root_cause_type->empty()) {
        out += *r.root_cause_type + "\n\n";
    }
    out += "中文\n\n" + r.root_cause_zh + "\n\n";
    out += "Official Documentation\n\n";
    if (r.official_doc_url) {
        out += *r.official_doc_url + "\n";
        if (r.official_doc_section) {
            out += *r.official_doc_section + "\n";
        }
    }
    out += "\nWorkarounds\n\n";
    for (std::size_t i = 0; i < r.workarounds.size(); ++i) {
        const auto& w = r.workarounds[i];
        out += "  " + std::to_string(i + 1) + ". ";
        if (w.success_rate) {
            out += format_percent(*w.success_rate) + "% success ";
        }
        out += w.action + "\n";
        if (!w.how.empty()) {
            write_indented(out, w.how, "    ");
        }
        if (!w.condition.empty()) {
            out += "    Condition: " + w.condition + "\n";
        }
        for (const auto& s : w.sources) {
            out += "    Source: " + s + "\n";
        }
    }
    out += "\n中文步骤\n\n";
    for (std::size_t i = 0; i < r.workarounds_zh.size(); ++i) {
        std::string text = r.workarounds_zh[i];
        std::size_t nl = text.find('\n');
        out += "  " + std::to_string(i + 1) + ". " + text.substr(0, nl) + "\n";
        if (nl != std::string::npos) {
            write_indented(out, text.substr(nl + 1), "    ");
        }
        if (i < r.workarounds.size() && !r.workarounds[i].condition_zh.empty()) {
            out += "    " + std::string(k_condition_zh) + r.workarounds[i].condition_zh + "\n";
        }
    }
    out += "\nDead Ends\n\n" + std::string(k_dead_ends_intro) + "\n";
    bool any_zh = false;
    for (std::size_t i = 0; i < r.dead_ends.size(); ++i) {
        const auto& d = r.dead_ends[i];
        out += "\n  " + std::to_string(i + 1) + ".";
        if (d.fail_rate) {
            out += " " + format_percent(*d.fail_rate) + "% fail";
        }
        out += "\n\n";
        if (!d.action.empty()) {
            write_indented(out, d.action, "    ");
            out += "\n";
        }
        write_indented(out, d.why_fails, "    ");
        if (!d.condition.empty()) {
            out += "    Condition: " + d.condition + "\n";
        }
        for (const auto& s : d.sources) {
            out += "    Source: " + s + "\n";
        }
        any_zh =
            any_zh || !d.action_zh.empty() || !d.why_fails_zh.empty() || !d.condition_zh.empty();
    }
    // Extensions, only when they carry something.
    if (r.signature_zh) {
        out += "\n中文签名\n\n" + *r.signature_zh + "\n";
    }
    if (any_zh) {
        out += "\n无效做法\n\n";
        for (std::size_t i = 0; i < r.dead_ends.size(); ++i) {
            const auto& d = r.dead_ends[i];
            out += "  " + std::to_string(i + 1) + "." + (d.action_zh.empty() ? "" : " ") +
                   d.action_zh + "\n";
            if (!d.why_fails_zh.empty()) {
                write_indented(out, d.why_fails_zh, "    ");
            }
            if (!d.condition_zh.empty()) {
                out += "    " + std::string(k_condition_zh) + d.condition_zh + "\n";
            }
        }
    }
    if (r.regex) {
        out += "\nRegex\n\n  " + *r.regex + "\n";
    }
    if (!r.examples.empty()) {
        out += "\nExamples\n\n";
        for (const auto& e : r.examples) {
            out += "  - " + e + "\n";
        }
    }
    if (!r.non_examples.empty()) {
        out += "\nNon-Examples\n\n";
        for (const auto& e : r.non_examples) {
            out += "  - " + e + "\n";
        }
    }
    const auto& g = r.transition_graph;
    if (!g.leads_to.empty() || !g.preceded_by.empty() || !g.frequently_confused_with.empty()) {
        out += "\nRelated Errors\n\n";
        auto edges = [&](const std::vector<RelatedError>& list, const char* label) {
            for (const auto& e : list) {
                out += std::string("  ") + label + ": " + e.error_id + "\n";
                if (e.probability) {
                    out += "    probability: " + format_number(*e.probability) + "\n";
                }
                if (!e.condition.empty()) {
                    out += "    condition: " + e.condition + "\n";
                }
                if (!e.distinction.empty()) {
                    out += "    distinction: " + e.distinction + "\n";
                }
            }
        };
        edges(g.leads_to, "leads to");
        edges(g.preceded_by, "preceded by");
        edges(g.frequently_confused_with, "confused with");
    }
    std::string details;
    auto detail = [&](const char* key, const std::string& value) {
        details += std::string("  ") + key + ": ";
        std::size_t nl = value.find('\n');
        details += value.substr(0, nl) + "\n";
        if (nl != std::string::npos) {
            write_indented(details, value.substr(nl + 1), "    ");
        }
    };
    if (r.subcategory) {
        detail("subcategory", *r.subcategory);
    }
    if (r.error_code) {
        detail("error_code", *r.error_code);
    }
    if (r.locale != "en") {
        detail("locale", r.locale);
    }
    for (const auto& t : r.tags) {
        detail("tag", t);
    }
    for (const auto& a : r.aliases) {
        detail("alias", a);
    }
    if (r.os_specific_json != "{}") {
        detail("os_specific", r.os_specific_json);
    }
    if (r.reproduction) {
        detail("reproduction", *r.reproduction);
    }
    if (r.source_url) {
        detail("source_url", *r.source_url);
    }
    if (!details.empty()) {
        out += "\nDetails\n\n" + details;
    }
    return out;
}

}  // namespace errlens
