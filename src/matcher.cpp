// Matching: each pattern is reduced to literals one of which every match must
// contain (chosen to be as long, so as rare, as possible); one Aho-Corasick
// pass over a line finds which of them occur, and only the patterns they
// belong to are run with RE2. One unanchored RE2::Set over thousands of
// `.*`-heavy patterns was measured at 0.023 MB/s; RE2's own FilteredRE2
// picked atoms as common as "http" and "error", so most lines still reached
// the regexes.
#include "errlens/matcher.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <set>
#include <unordered_map>

#include "literal_set.hpp"

namespace errlens {

namespace {

// The literals a pattern requires: a disjunction of strings (lowercase), one
// of which every match contains. Built by a conservative walk over RE2 syntax:
// a literal run is cut at anything it does not understand, which can only
// make the requirement weaker, never wrong. `known == false`: no requirement
// found, the pattern is tried on every line.
struct Required {
    bool known = false;
    std::vector<std::string> any_of;

    std::size_t shortest() const {
        std::size_t m = SIZE_MAX;
        for (const auto& a : any_of) {
            m = std::min(m, a.size());
        }
        return any_of.empty() ? 0 : m;
    }
    /// Longer alternatives are rarer; fewer alternatives are cheaper.
    bool better_than(const Required& other) const {
        if (known != other.known) {
            return known;
        }
        if (shortest() != other.shortest()) {
            return shortest() > other.shortest();
        }
        return any_of.size() < other.any_of.size();
    }
};

/// What the matcher needs to know of a pattern's literal text, from one walk.
struct PatternFacts {
    Required required;
    /// Literal characters every match contains (alternatives count their
    /// weakest branch, optional items nothing): longer is more specific.
    int literal_chars = 0;
};

class PatternLiterals {
  public:
    explicit PatternLiterals(std::string_view re) : re_(re) {}

    PatternFacts read() {
        PatternFacts facts = alternation();
        if (failed_ || pos_ != re_.size()) {
            facts.required = {};
        }
        return facts;
    }

  private:
    enum class Kind { literal, group, zero_width, other };
    struct Item {
        Kind kind = Kind::other;
        char c = 0;
        PatternFacts group;
    };
    enum class Times { once, optional, at_least_once };

    bool at(char c) const { return pos_ < re_.size() && re_[pos_] == c; }

    PatternFacts alternation() {
        PatternFacts facts = sequence();
        Required& all = facts.required;
        while (at('|')) {
            ++pos_;
            PatternFacts next = sequence();
            facts.literal_chars = std::min(facts.literal_chars, next.literal_chars);
            if (all.known && next.required.known) {
                all.any_of.insert(all.any_of.end(), next.required.any_of.begin(),
                                  next.required.any_of.end());
            } else {
                all = {};
            }
        }
        if (all.known) {
            std::sort(all.any_of.begin(), all.any_of.end());
            all.any_of.erase(std::unique(all.any_of.begin(), all.any_of.end()), all.any_of.end());
        }
        return facts;
    }

    PatternFacts sequence() {
        Required best;
        int chars = 0;
        std::string run;
        bool run_ascii = true;
        auto close = [&] {
            // Non-ASCII letters fold case beyond what the automaton folds.
            if (!run.empty() && run_ascii) {
                Required candidate{true, {run}};
                if (candidate.better_than(best)) {
                    best = std::move(candidate);
                }
            }
            run.clear();
            run_ascii = true;
        };
        while (pos_ < re_.size() && !at('|') && !at(')') && !failed_) {
            Item it = item();
            Times times = quantifier();
            switch (it.kind) {
                case Kind::literal:
                    if (times == Times::optional) {
                        close();
                        break;
                    }
                    // A UTF-8 character counts once, at its lead byte.
                    chars += (static_cast<unsigned char>(it.c) & 0xC0) == 0x80 ? 0 : 1;
                    run += static_cast<char>(std::tolower(static_cast<unsigned char>(it.c)));
                    run_ascii = run_ascii && (static_cast<unsigned char>(it.c) < 0x80);
                    if (times == Times::at_least_once) {
                        close();  // more copies may follow: the run ends here
                    }
                    break;
                case Kind::group:
                    close();
                    if (times != Times::optional) {
                        chars += it.group.literal_chars;
                        if (it.group.required.better_than(best)) {
                            best = it.group.required;
                        }
                    }
                    break;
                case Kind::zero_width:
                case Kind::other:
                    close();
                    break;
            }
        }
        close();
        return {best, chars};
    }

    Times quantifier() {
        Times t = Times::once;
        if (at('*') || at('?')) {
            t = Times::optional;
            ++pos_;
        } else if (at('+')) {
            t = Times::at_least_once;
            ++pos_;
        } else if (at('{')) {
            std::size_t close = re_.find('}', pos_);
            std::string_view body = close == std::string_view::npos
                                        ? std::string_view()
                                        : re_.substr(pos_ + 1, close - pos_ - 1);
            bool valid = !body.empty() && std::isdigit(static_cast<unsigned char>(body[0])) &&
                         body.find_first_not_of("0123456789,") == std::string_view::npos;
            if (!valid) {
                return Times::once;  // a literal '{', read as an item next
            }
            t = body[0] == '0' && (body.size() == 1 || body[1] == ',' || body[1] == '0')
                    ? Times::optional
                    : Times::at_least_once;
            pos_ = close + 1;
        } else {
            return t;
        }
        if (at('?')) {
            ++pos_;  // lazy
        }
        return t;
    }

    Item item() {
        Item it;
        char c = re_[pos_++];
        switch (c) {
            case '(': {
                if (at('?')) {
                    // (?:  (?i)  (?i:  (?P<name>  (?<name>
                    ++pos_;
                    if (at('P') || at('<')) {
                        std::size_t close = re_.find('>', pos_);
                        if (close == std::string_view::npos) {
                            failed_ = true;
                            return it;
                        }
                        pos_ = close + 1;
                    } else {
                        while (pos_ < re_.size() && !at(':') && !at(')')) {
                            ++pos_;
                        }
                        if (at(')')) {
                            ++pos_;
                            it.kind = Kind::zero_width;  // a flag group
                            return it;
                        }
                        ++pos_;  // ':'
                    }
                }
                it.kind = Kind::group;
                it.group = alternation();
                if (!at(')')) {
                    failed_ = true;
                    return it;
                }
                ++pos_;
                return it;
            }
            case '[':
                skip_class();
                return it;
            case '.':
                return it;
            case '^':
            case '$':
                it.kind = Kind::zero_width;
                return it;
            case '*':
            case '+':
            case '?':
            case ')':
                failed_ = true;
                return it;
            case '\\': {
                if (pos_ >= re_.size()) {
                    failed_ = true;
                    return it;
                }
                char e = re_[pos_++];
                if (std::isalnum(static_cast<unsigned char>(e))) {
                    if (e == 'p' || e == 'P') {
                        if (at('{')) {
                            std::size_t close = re_.find('}', pos_);
                            pos_ = close == std::string_view::npos ? re_.size() : close + 1;
                        } else {
                            ++pos_;
                        }
                    } else if (e == 'x') {
                        if (at('{')) {
                            std::size_t close = re_.find('}', pos_);
                            pos_ = close == std::string_view::npos ? re_.size() : close + 1;
                        } else {
                            pos_ = std::min(re_.size(), pos_ + 2);
                        }
                    } else if (e == 'Q' || std::isdigit(static_cast<unsigned char>(e))) {
                        failed_ = true;  // quoting and octal: not worth reading here
                    }
                    return it;  // \d \w \s \b \n ...: not a literal run
                }
                it.kind = Kind::literal;
                it.c = e;
                return it;
            }
            default:
                it.kind = Kind::literal;
                it.c = c;
                return it;
        }
    }

    void skip_class() {
        if (at('^')) {
            ++pos_;
        }
        if (at(']')) {
            ++pos_;
        }
        while (pos_ < re_.size() && !at(']')) {
            if (at('\\')) {
                pos_ += 2;
            } else if (at('[') && pos_ + 1 < re_.size() && re_[pos_ + 1] == ':') {
                std::size_t close = re_.find(":]", pos_ + 2);
                pos_ = close == std::string_view::npos ? re_.size() : close + 2;
            } else {
                ++pos_;
            }
        }
        if (!at(']')) {
            failed_ = true;
            return;
        }
        ++pos_;
    }

    std::string_view re_;
    std::size_t pos_ = 0;
    bool failed_ = false;
};

// Words that say nothing about which error it is.
const std::set<std::string, std::less<>> k_stopwords = {
    "the",  "and",  "for", "with", "not", "was",    "are",   "this", "that", "from",
    "you",  "your", "has", "have", "can", "cannot", "could", "into", "when", "while",
    "will", "been", "but", "its",  "any", "all",    "per",   "via",  "use",  "using"};

std::vector<std::string> words_of(std::string_view text) {
    std::vector<std::string> out;
    std::string current;
    auto flush = [&] {
        if (current.size() >= 3 && !k_stopwords.count(current)) {
            out.push_back(current);
        }
        current.clear();
    };
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '_' || c >= 0x80) {
            current += static_cast<char>(std::tolower(c));
        } else {
            flush();
        }
    }
    flush();
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::string normalized(std::string_view text) {
    std::string out;
    bool space = false;
    for (unsigned char c : text) {
        if (std::isspace(c)) {
            space = !out.empty();
            continue;
        }
        if (space) {
            out += ' ';
            space = false;
        }
        out += static_cast<char>(std::tolower(c));
    }
    return out;
}

}  // namespace

struct Matcher::Impl {
    const Catalogue& catalogue;
    std::vector<Problem> problems;
    std::vector<std::unique_ptr<RE2>> regexes;  // compiled patterns
    std::vector<std::size_t> record_of_regex;   // regex -> record index
    std::vector<int> regex_of_record;           // record index -> regex, -1 if none
    std::vector<int> specificity;               // by record index
    std::vector<std::vector<std::uint32_t>> regexes_of_literal;
    std::vector<std::uint32_t> always;  // regexes with no usable required literal
    std::unique_ptr<detail::LiteralSet> literals;

    // Similarity: words of each record's signature and aliases, and their weights.
    std::vector<std::vector<std::string>> record_words;
    std::vector<std::string> record_text;  // normalized signature
    std::unordered_map<std::string, double> idf;

    explicit Impl(const Catalogue& c) : catalogue(c) {}
};

Matcher::Matcher(const Catalogue& catalogue) : impl_(std::make_unique<Impl>(catalogue)) {
    Impl& m = *impl_;
    const auto& records = catalogue.records();
    m.regex_of_record.assign(records.size(), -1);
    m.specificity.assign(records.size(), 0);
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    options.set_max_mem(8 << 20);
    std::unordered_map<std::string, std::size_t> literal_index;
    std::vector<std::string> literal_texts;
    for (std::size_t i = 0; i < records.size(); ++i) {
        std::string pattern = effective_regex(records[i]);
        auto re = std::make_unique<RE2>(pattern, options);
        if (!re->ok()) {
            m.problems.push_back(
                {Severity::warning, records[i].source, records[i].source_line, 0,
                 records[i].format == RecordFormat::canon_json ? "/error/regex" : "regex",
                 "`" + records[i].id + "`: RE2 cannot compile the regex (" + re->error() +
                     "); the record is found by id and similarity only",
                 pattern});
            continue;
        }
        m.regex_of_record[i] = static_cast<int>(m.regexes.size());
        m.record_of_regex.push_back(i);
        m.regexes.push_back(std::move(re));
        PatternFacts facts = PatternLiterals(pattern).read();
        m.specificity[i] = facts.literal_chars;
        const Required& required = facts.required;
        auto id = static_cast<std::uint32_t>(m.regexes.size() - 1);
        // One- or two-character literals would make almost every line a candidate.
        if (!required.known || required.shortest() < 3) {
            m.always.push_back(id);
            continue;
        }
        for (const auto& lit : required.any_of) {
            auto [it, fresh] = literal_index.emplace(lit, literal_texts.size());
            if (fresh) {
                literal_texts.push_back(lit);
                m.regexes_of_literal.emplace_back();
            }
            m.regexes_of_literal[it->second].push_back(id);
        }
    }
    m.literals = std::make_unique<detail::LiteralSet>(literal_texts);

    // Similarity index.
    m.record_words.resize(records.size());
    m.record_text.resize(records.size());
    std::unordered_map<std::string, std::size_t> df;
    for (std::size_t i = 0; i < records.size(); ++i) {
        std::string text = records[i].signature;
        for (const auto& alias : records[i].aliases) {
            text += ' ' + alias;
        }
        m.record_words[i] = words_of(text);
        m.record_text[i] = normalized(records[i].signature);
        for (const auto& w : m.record_words[i]) {
            ++df[w];
        }
    }
    double n = static_cast<double>(std::max<std::size_t>(records.size(), 1));
    for (const auto& [word, count] : df) {
        m.idf[word] = std::log(1.0 + n / static_cast<double>(count));
    }
}

Matcher::~Matcher() = default;

const Catalogue& Matcher::catalogue() const {
    return impl_->catalogue;
}
const std::vector<Problem>& Matcher::problems() const {
    return impl_->problems;
}
bool Matcher::compiled(std::size_t i) const {
    return impl_->regex_of_record.at(i) >= 0;
}
int Matcher::specificity(std::size_t i) const {
    return impl_->specificity.at(i);
}
bool Matcher::holds_signature(std::size_t record_index, std::string_view normalized_text) const {
    const std::string& sig = impl_->record_text.at(record_index);
    return !sig.empty() && normalized_text.find(sig) != std::string_view::npos;
}

std::vector<std::size_t> Matcher::unfiltered_records() const {
    std::vector<std::size_t> out;
    for (std::uint32_t r : impl_->always) {
        out.push_back(impl_->record_of_regex[r]);
    }
    return out;
}

void Matcher::match_line(std::string_view line, std::vector<std::size_t>& out) const {
    const Impl& m = *impl_;
    if (m.regexes.empty()) {
        return;
    }
    // Thread-local scratch keeps match_line const and allocation-free in the loop.
    thread_local std::vector<std::uint32_t> candidates;
    thread_local std::vector<std::uint32_t> stamp;
    thread_local std::uint32_t generation = 0;
    if (stamp.size() < m.regexes.size()) {
        stamp.assign(m.regexes.size(), 0);
        generation = 0;
    }
    if (++generation == 0) {
        std::fill(stamp.begin(), stamp.end(), 0);
        generation = 1;
    }
    candidates.assign(m.always.begin(), m.always.end());
    m.literals->for_each_match(line, [&](std::uint32_t literal) {
        for (std::uint32_t r : m.regexes_of_literal[literal]) {
            if (stamp[r] != generation) {
                stamp[r] = generation;
                candidates.push_back(r);
            }
        }
    });
    for (std::uint32_t r : candidates) {
        if (RE2::PartialMatch(line, *m.regexes[r])) {
            out.push_back(m.record_of_regex[r]);
        }
    }
}

std::vector<std::pair<std::size_t, double>> Matcher::similar(std::string_view message,
                                                             std::size_t max) const {
    const Impl& m = *impl_;
    std::vector<std::pair<std::size_t, double>> out;
    std::string norm = normalized(message);
    std::vector<std::string> words = words_of(message);
    auto weight = [&](const std::string& w) {
        auto it = m.idf.find(w);
        // A word no record has is as rare as it gets.
        return it == m.idf.end()
                   ? std::log(1.0 +
                              static_cast<double>(std::max<std::size_t>(m.record_words.size(), 1)))
                   : it->second;
    };
    double message_weight = 0;
    for (const auto& w : words) {
        message_weight += weight(w);
    }
    for (std::size_t i = 0; i < m.record_words.size(); ++i) {
        double score = 0;
        const std::string& sig = m.record_text[i];
        if (holds_signature(i, norm)) {
            score = 0.95;  // the whole signature stands in the message
        } else if (norm.size() >= 12 && sig.find(norm) != std::string::npos) {
            score = 0.9;  // the message is a distinctive piece of the signature
        } else {
            double shared = 0;
            double record_weight = 0;
            std::size_t shared_count = 0;
            for (const auto& w : m.record_words[i]) {
                double x = weight(w);
                record_weight += x;
                if (std::binary_search(words.begin(), words.end(), w)) {
                    shared += x;
                    ++shared_count;
                }
            }
            if (shared_count >= 2 && message_weight + record_weight > 0) {
                // Weighted Dice coefficient: rare shared words count most.
                score = std::min(0.89, 2 * shared / (message_weight + record_weight));
            }
        }
        if (score >= 0.4) {
            out.emplace_back(i, score);
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    if (out.size() > max) {
        out.resize(max);
    }
    return out;
}

void clean_line(std::string_view raw, std::string& out) {
    out.clear();
    std::size_t i = 0;
    while (i < raw.size()) {
        char c = raw[i];
        if (c == '\r') {
            ++i;
            continue;
        }
        if (c != '\x1b') {
            out += c;
            ++i;
            continue;
        }
        // ESC sequences: CSI (ESC [ params final), OSC (ESC ] ... BEL or ESC \), or ESC + one byte.
        if (i + 1 >= raw.size()) {
            ++i;
            continue;
        }
        char kind = raw[i + 1];
        if (kind == '[') {
            std::size_t j = i + 2;
            while (j < raw.size() && static_cast<unsigned char>(raw[j]) >= 0x20 &&
                   static_cast<unsigned char>(raw[j]) <= 0x3F) {
                ++j;
            }
            if (j < raw.size() && static_cast<unsigned char>(raw[j]) >= 0x40 &&
                static_cast<unsigned char>(raw[j]) <= 0x7E) {
                ++j;
            }
            i = j;
        } else if (kind == ']') {
            std::size_t j = i + 2;
            while (j < raw.size() && raw[j] != '\x07' &&
                   !(raw[j] == '\x1b' && j + 1 < raw.size() && raw[j + 1] == '\\')) {
                ++j;
            }
            i = j < raw.size() ? j + (raw[j] == '\x07' ? 1 : 2) : j;
        } else {
            // ESC, intermediate bytes (0x20-0x2F), one final byte: ESC ( B, ESC 7, ...
            std::size_t j = i + 1;
            while (j < raw.size() && static_cast<unsigned char>(raw[j]) >= 0x20 &&
                   static_cast<unsigned char>(raw[j]) <= 0x2F) {
                ++j;
            }
            i = std::min(raw.size(), j + 1);
        }
    }
}

LogScanner::LogScanner(const Matcher& matcher, std::string source)
    : matcher_(matcher), source_(std::move(source)) {
    seen_.resize(matcher.catalogue().size());
}

void LogScanner::feed(std::string_view bytes) {
    while (!bytes.empty()) {
        const void* nl = std::memchr(bytes.data(), '\n', bytes.size());
        if (nl == nullptr) {
            pending_.append(bytes);
            // An over-long line is scanned in pieces so memory stays bounded.
            while (pending_.size() >= k_max_line_bytes) {
                std::string piece = pending_.substr(0, k_max_line_bytes);
                pending_.erase(0, k_max_line_bytes);
                scan_line(piece);
                continuing_ = true;
            }
            return;
        }
        std::size_t len = static_cast<const char*>(nl) - bytes.data();
        if (pending_.empty()) {
            scan_line(bytes.substr(0, len));
        } else {
            pending_.append(bytes.substr(0, len));
            scan_line(pending_);
            pending_.clear();
        }
        continuing_ = false;
        bytes.remove_prefix(len + 1);
    }
}

void LogScanner::finish() {
    if (!pending_.empty()) {
        scan_line(pending_);
        pending_.clear();
    }
    continuing_ = false;
}

namespace {
double regex_score(const Matcher& matcher, std::size_t record, bool exact) {
    return 100.0 + matcher.specificity(record) + (exact ? 100.0 : 0.0);
}
}  // namespace

void LogScanner::scan_line(std::string_view raw) {
    if (!continuing_) {
        ++line_number_;
    }
    std::string_view line = raw;
    if (std::memchr(raw.data(), '\x1b', raw.size()) != nullptr ||
        std::memchr(raw.data(), '\r', raw.size()) != nullptr) {
        clean_line(raw, cleaned_);
        line = cleaned_;
    }
    hits_.clear();
    matcher_.match_line(line, hits_);
    std::string norm_line;  // made once, and only when a record is seen for the first time
    for (std::size_t r : hits_) {
        Seen& s = seen_[r];
        if (s.count++ == 0) {
            s.line = line_number_;
            constexpr std::size_t k_max_kept = 4096;
            s.text = std::string(line.substr(0, k_max_kept));
            const Record& rec = matcher_.catalogue().records()[r];
            if (norm_line.empty()) {
                norm_line = normalized(line);
            }
            s.exact = matcher_.holds_signature(r, norm_line);
            order_.push_back(r);
            if (on_first_match_) {
                on_first_match_({&rec, MatchKind::regex, regex_score(matcher_, r, s.exact), source_,
                                 s.line, s.text, 1});
            }
        }
    }
}

std::vector<Diagnosis> LogScanner::diagnoses() const {
    std::vector<Diagnosis> out;
    const auto& records = matcher_.catalogue().records();
    for (std::size_t r : order_) {
        const Seen& s = seen_[r];
        out.push_back({&records[r], MatchKind::regex, regex_score(matcher_, r, s.exact), source_,
                       s.line, s.text, s.count});
    }
    rank(out);
    return out;
}

std::vector<Diagnosis> diagnose_message(const Matcher& matcher, std::string_view message,
                                        std::size_t max_similar) {
    LogScanner scanner(matcher, "");
    scanner.feed(message);
    scanner.finish();
    std::vector<Diagnosis> out = scanner.diagnoses();
    if (!out.empty()) {
        return out;
    }
    std::string cleaned;
    clean_line(message, cleaned);
    const auto& records = matcher.catalogue().records();
    for (const auto& [index, similarity] : matcher.similar(cleaned, max_similar)) {
        out.push_back(
            {&records[index], MatchKind::similar, std::round(similarity * 100.0), "", 0, "", 0});
    }
    rank(out);
    return out;
}

void rank(std::vector<Diagnosis>& diagnoses) {
    auto kind_order = [](MatchKind k) { return k == MatchKind::similar ? 1 : 0; };
    std::stable_sort(diagnoses.begin(), diagnoses.end(),
                     [&](const Diagnosis& a, const Diagnosis& b) {
                         if (kind_order(a.kind) != kind_order(b.kind)) {
                             return kind_order(a.kind) < kind_order(b.kind);
                         }
                         if (a.score != b.score) {
                             return a.score > b.score;
                         }
                         double fa = a.record->fix_success_rate.value_or(0);
                         double fb = b.record->fix_success_rate.value_or(0);
                         if (fa != fb) {
                             return fa > fb;
                         }
                         double ca = a.record->confidence.value_or(0);
                         double cb = b.record->confidence.value_or(0);
                         if (ca != cb) {
                             return ca > cb;
                         }
                         if (a.line != b.line) {
                             return a.line < b.line;
                         }
                         return a.record->id < b.record->id;
                     });
}

}  // namespace errlens
