// Matching: FilteredRE2 atoms found by one Aho-Corasick pass select the few
// regexes worth running on a line. One unanchored RE2::Set over thousands of
// `.*`-heavy patterns was measured at 0.023 MB/s; this runs the same public
// catalogue at tens of MB/s.
#include "errlens/matcher.hpp"

#include <re2/filtered_re2.h>
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

// Literal characters a pattern requires, from a small walk over RE2 syntax:
// alternatives count their weakest branch, optional items count nothing.
class SpecificityCounter {
  public:
    explicit SpecificityCounter(std::string_view re) : re_(re) {}
    int count() { return alternation(); }

  private:
    int alternation() {
        int best = sequence();
        while (pos_ < re_.size() && re_[pos_] == '|') {
            ++pos_;
            best = std::min(best, sequence());
        }
        return best;
    }
    int sequence() {
        int total = 0;
        while (pos_ < re_.size() && re_[pos_] != '|' && re_[pos_] != ')') {
            int weight = atom();
            total += quantified(weight);
        }
        return total;
    }
    int quantified(int weight) {
        if (pos_ >= re_.size()) {
            return weight;
        }
        char q = re_[pos_];
        int result = weight;
        if (q == '*' || q == '?') {
            ++pos_;
            result = 0;
        } else if (q == '+') {
            ++pos_;
        } else if (q == '{') {
            std::size_t close = re_.find('}', pos_);
            if (close == std::string_view::npos) {
                return weight;
            }
            std::string_view body = re_.substr(pos_ + 1, close - pos_ - 1);
            result = (!body.empty() && body[0] == '0') ? 0 : weight;
            pos_ = close + 1;
        } else {
            return weight;
        }
        if (pos_ < re_.size() && re_[pos_] == '?') {
            ++pos_;  // lazy
        }
        return result;
    }
    int atom() {
        char c = re_[pos_];
        if (c == '(') {
            ++pos_;
            if (pos_ < re_.size() && re_[pos_] == '?') {
                // (?:  (?i)  (?P<name>  (?i:
                while (pos_ < re_.size() && re_[pos_] != ':' && re_[pos_] != ')' &&
                       re_[pos_] != '>') {
                    ++pos_;
                }
                if (pos_ < re_.size() && re_[pos_] == ')') {
                    ++pos_;
                    return 0;  // a flag group like (?i)
                }
                ++pos_;
            }
            int inner = alternation();
            if (pos_ < re_.size() && re_[pos_] == ')') {
                ++pos_;
            }
            return inner;
        }
        if (c == '[') {
            ++pos_;
            if (pos_ < re_.size() && re_[pos_] == '^') {
                ++pos_;
            }
            if (pos_ < re_.size() && re_[pos_] == ']') {
                ++pos_;
            }
            while (pos_ < re_.size() && re_[pos_] != ']') {
                pos_ += re_[pos_] == '\\' ? 2 : 1;
            }
            ++pos_;
            return 0;
        }
        if (c == '\\') {
            pos_ += 2;
            if (pos_ - 1 < re_.size() && std::isalnum(static_cast<unsigned char>(re_[pos_ - 1]))) {
                return 0;  // \d \s \w \b \pL ...
            }
            return 1;
        }
        ++pos_;
        if (c == '.' || c == '^' || c == '$') {
            return 0;
        }
        // Count a UTF-8 character once, at its lead byte.
        return (static_cast<unsigned char>(c) & 0xC0) == 0x80 ? 0 : 1;
    }

    std::string_view re_;
    std::size_t pos_ = 0;
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

bool has_non_ascii(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](char c) { return (c & 0x80) != 0; });
}

}  // namespace

struct Matcher::Impl {
    const Catalogue& catalogue;
    std::vector<Problem> problems;
    re2::FilteredRE2 filter{3};
    std::vector<std::size_t> record_of_regex;  // FilteredRE2 id -> record index
    std::vector<int> regex_of_record;          // record index -> FilteredRE2 id, -1 if none
    std::vector<int> specificity;              // by record index
    std::vector<int> always_atoms;             // atoms the automaton cannot see (non-ASCII)
    std::unique_ptr<detail::LiteralSet> literals;
    std::size_t atom_count = 0;
    std::size_t unfiltered = 0;
    bool compiled = false;

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
    options.set_max_mem(64 << 20);
    for (std::size_t i = 0; i < records.size(); ++i) {
        std::string pattern = effective_regex(records[i]);
        // Check first so that RE2's own message reaches the user; FilteredRE2
        // only returns an error code.
        RE2 probe(pattern, options);
        if (!probe.ok()) {
            m.problems.push_back(
                {Severity::warning, records[i].source, records[i].source_line, 0,
                 records[i].format == RecordFormat::canon_json ? "/error/regex" : "regex",
                 "`" + records[i].id + "`: RE2 cannot compile the regex (" + probe.error() +
                     "); the record is found by id and similarity only",
                 pattern});
            continue;
        }
        int id = -1;
        if (m.filter.Add(pattern, options, &id) != RE2::NoError) {
            continue;  // unreachable: the probe compiled
        }
        m.record_of_regex.push_back(i);
        m.regex_of_record[i] = id;
        m.specificity[i] = SpecificityCounter(pattern).count();
    }
    if (!m.record_of_regex.empty()) {
        std::vector<std::string> atoms;
        m.filter.Compile(&atoms);
        m.compiled = true;
        m.atom_count = atoms.size();
        std::vector<std::string> ascii_atoms(atoms.size());
        for (std::size_t a = 0; a < atoms.size(); ++a) {
            // Case folding beyond ASCII is RE2's business: treat such atoms as
            // present so the regex itself decides.
            if (has_non_ascii(atoms[a])) {
                m.always_atoms.push_back(static_cast<int>(a));
            } else {
                ascii_atoms[a] = atoms[a];
            }
        }
        m.literals = std::make_unique<detail::LiteralSet>(ascii_atoms);
        std::vector<int> none;
        std::vector<int> potentials;
        m.filter.AllPotentials(none, &potentials);
        m.unfiltered = potentials.size();
    }

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
std::size_t Matcher::unfiltered_count() const {
    return impl_->unfiltered;
}

void Matcher::match_line(std::string_view line, std::vector<std::size_t>& out) const {
    const Impl& m = *impl_;
    if (!m.compiled) {
        return;
    }
    // Thread-local scratch keeps match_line const and allocation-free in the loop.
    thread_local std::vector<int> atoms;
    thread_local std::vector<int> matched;
    thread_local std::vector<std::uint32_t> stamp;
    thread_local std::uint32_t generation = 0;
    if (stamp.size() < m.atom_count) {
        stamp.assign(m.atom_count, 0);
        generation = 0;
    }
    if (++generation == 0) {
        std::fill(stamp.begin(), stamp.end(), 0);
        generation = 1;
    }
    atoms.assign(m.always_atoms.begin(), m.always_atoms.end());
    m.literals->for_each_match(line, [&](std::uint32_t a) {
        if (stamp[a] != generation) {
            stamp[a] = generation;
            atoms.push_back(static_cast<int>(a));
        }
    });
    if (atoms.empty() && m.unfiltered == 0) {
        return;  // most lines: no required literal of any pattern occurs
    }
    m.filter.AllMatches(line, atoms, &matched);
    for (int id : matched) {
        out.push_back(m.record_of_regex[static_cast<std::size_t>(id)]);
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
        if (!sig.empty() && norm.find(sig) != std::string::npos) {
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
    for (std::size_t r : hits_) {
        Seen& s = seen_[r];
        if (s.count++ == 0) {
            s.line = line_number_;
            constexpr std::size_t k_max_kept = 4096;
            s.text = std::string(line.substr(0, k_max_kept));
            const Record& rec = matcher_.catalogue().records()[r];
            std::string sig = normalized(rec.signature);
            s.exact = !sig.empty() && normalized(line).find(sig) != std::string::npos;
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
