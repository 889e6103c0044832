// Matching: each pattern is reduced to what any match requires, alternatives
// ("terms") of literals that must all occur; each term's rarest literal is its
// trigger, one Aho-Corasick automaton finds triggers (over whole blocks, to
// skip lines, or over one line), the term's other literals are looked for in
// the line, and only then does RE2 run, if at all. One unanchored RE2::Set
// over thousands of `.*`-heavy patterns was measured at 0.023 MB/s; RE2's own
// FilteredRE2 picked atoms as common as "http" and "error", so most lines
// still reached the regexes.
#include "errlens/matcher.hpp"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bitset>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <optional>
#include <set>
#include <unordered_map>

#include "literal_set.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace errlens {

namespace {

// What a pattern requires of any line it matches, as alternatives ("terms"),
// each a set of literals that must all occur: `(a.*b|c)` requires {a, b} or
// {c}. Literals are lowercase. Built by a conservative walk over RE2 syntax:
// anything the walk does not understand requires nothing, which can only make
// the requirement weaker, never wrong. A term with no literal is always met.
using Term = std::vector<std::string>;

// A cased letter beyond ASCII, as a literal: the line must hold a character
// RE2 matches with it caselessly (Σ: Σ, σ or ς). Found per line by asking
// RE2 of each character beyond ASCII the line holds (Matcher::Impl).
const std::string k_letter_prefix("\0letter:", 8);
std::string letter_literal(const std::string& utf8) {
    return k_letter_prefix + utf8;
}
bool is_letter(std::string_view literal) {
    return literal.size() > k_letter_prefix.size() &&
           literal.substr(0, k_letter_prefix.size()) == k_letter_prefix;
}

// Text whose caseless match RE2 finds although the automaton (ASCII folding)
// does not: KELVIN SIGN folds to k and LATIN SMALL LETTER LONG S to s. A line
// holding one is checked against every regex; in a pattern, one requires
// nothing (it matches ASCII k or s).
const std::vector<std::string> k_unicode_folds = {"\xE2\x84\xAA", "\xC5\xBF"};

struct Requirement {
    std::vector<Term> terms;  // none: met by every line (no requirement yet)

    bool always() const {
        return terms.empty() ||
               std::any_of(terms.begin(), terms.end(), [](const Term& t) { return t.empty(); });
    }
    static std::size_t weight(const std::string& literal) {
        return is_letter(literal) ? 1 : literal.size();
    }
    /// How rare a line meeting it is: its weakest term's longest literal.
    std::size_t strength() const {
        std::size_t weakest = SIZE_MAX;
        for (const auto& t : terms) {
            std::size_t longest = 0;
            for (const auto& l : t) {
                longest = std::max(longest, weight(l));
            }
            weakest = std::min(weakest, longest);
        }
        return terms.empty() ? 0 : weakest;
    }
};

constexpr std::size_t k_max_terms = 32;
constexpr std::size_t k_max_term_literals = 8;

// Adds `more`'s literals to the term, keeping at most k_max_term_literals.
void add_to_term(Term& t, const Term& more) {
    for (const auto& lit : more) {
        if (std::find(t.begin(), t.end(), lit) == t.end()) {
            t.push_back(lit);
        }
    }
    if (t.size() > k_max_term_literals) {
        // Keep the longest (rarest) literals.
        std::stable_sort(t.begin(), t.end(), [](const auto& l, const auto& r) {
            return Requirement::weight(l) > Requirement::weight(r);
        });
        t.resize(k_max_term_literals);
    }
}

// Both `a` and `b` hold: `a` becomes their conjunction. Too many
// combinations keep the stronger side alone.
void require_both(Requirement& a, Requirement&& b) {
    if (b.always()) {
        return;
    }
    if (a.always()) {
        a = std::move(b);
        return;
    }
    if (a.terms.size() * b.terms.size() > k_max_terms) {
        if (b.strength() > a.strength()) {
            a = std::move(b);
        }
        return;
    }
    if (b.terms.size() == 1) {
        // The common case (a literal run): add it to every term in place.
        for (auto& t : a.terms) {
            add_to_term(t, b.terms[0]);
        }
        return;
    }
    std::vector<Term> out;
    out.reserve(a.terms.size() * b.terms.size());
    for (const auto& x : a.terms) {
        for (const auto& y : b.terms) {
            Term t = x;
            add_to_term(t, y);
            out.push_back(std::move(t));
        }
    }
    a.terms = std::move(out);
}

// Either `a` or `b` holds: `a` becomes their disjunction.
void require_either(Requirement& a, Requirement&& b) {
    if (a.always() || b.always()) {
        a = {};
        return;
    }
    a.terms.insert(a.terms.end(), std::make_move_iterator(b.terms.begin()),
                   std::make_move_iterator(b.terms.end()));
}

/// What the matcher needs to know of a pattern's literal text, from one walk.
struct PatternFacts {
    Requirement required;
    /// Literal characters every match contains (alternatives count their
    /// weakest branch, optional items nothing): longer is more specific.
    int literal_chars = 0;
    /// The pattern as alternatives of literals that must occur in this order
    /// with anything between (`idle.*timeout|max_idle`), when it is only
    /// that: finding them in order in an ASCII line is a match, and when
    /// each alternative is one literal, finding it in any line is.
    std::vector<std::vector<std::string>> in_order;
    bool in_order_ok = false;
    /// When the pattern is an alternation (`a|b`, or one group holding one):
    /// what each alternative requires, in order.
    std::vector<Requirement> alternatives;

    bool literals_only() const {
        return in_order_ok && std::all_of(in_order.begin(), in_order.end(),
                                          [](const auto& pieces) { return pieces.size() == 1; });
    }
};

/// Code points with no case mapping, so a caseless match of them is a byte
/// match: the scripts and symbols errors use beyond ASCII. Cased letters
/// (Latin-1, Greek, Cyrillic, fullwidth A-Z) are left out, as are the
/// letterlike symbols (KELVIN SIGN folds to k).
bool caseless(char32_t c) {
    return (c >= 0x0590 && c <= 0x06FF) ||  // Hebrew, Arabic
           (c >= 0x0900 && c <= 0x0DFF) ||  // Indic scripts
           (c >= 0x0E00 && c <= 0x0E7F) ||  // Thai
           (c >= 0x1100 && c <= 0x11FF) ||  // Hangul Jamo
           (c >= 0x2000 && c <= 0x206F) ||  // general punctuation
           (c >= 0x2190 && c <= 0x23FF) ||  // arrows, mathematical and technical symbols
           (c >= 0x2500 && c <= 0x27BF) ||  // box drawing, shapes, symbols, dingbats
           (c >= 0x2E80 && c <= 0x9FFF) ||  // CJK, kana, Hangul compatibility
           (c >= 0xAC00 && c <= 0xD7AF) ||  // Hangul syllables
           (c >= 0xF900 && c <= 0xFAFF) ||  // CJK compatibility ideographs
           (c >= 0xFF01 && c <= 0xFF20) || (c >= 0xFF3B && c <= 0xFF40) ||
           (c >= 0xFF5B && c <= 0xFFEF) ||  // fullwidth punctuation, halfwidth kana
           (c >= 0x1F300 && c <= 0x1FAFF);  // emoji
}

// The end of the class opening at `re[i]` ('['), past its ']'; npos if none.
std::size_t class_end(std::string_view re, std::size_t i) {
    ++i;
    if (i < re.size() && re[i] == '^') {
        ++i;
    }
    if (i < re.size() && re[i] == ']') {
        ++i;
    }
    while (i < re.size() && re[i] != ']') {
        if (re[i] == '\\') {
            i += 2;
        } else if (re[i] == '[' && i + 1 < re.size() && re[i + 1] == ':') {
            std::size_t close = re.find(":]", i + 2);
            i = close == std::string_view::npos ? re.size() : close + 2;
        } else {
            ++i;
        }
    }
    return i < re.size() ? i + 1 : std::string_view::npos;
}

class PatternLiterals {
  public:
    explicit PatternLiterals(std::string_view re) : re_(re) {}

    PatternFacts read() {
        PatternFacts facts = alternation();
        if (failed_ || pos_ != re_.size()) {
            facts.required = {};
            facts.in_order_ok = false;
            facts.in_order.clear();
            facts.alternatives.clear();
        }
        return facts;
    }

  private:
    enum class Kind { literal, group, dot, zero_width, caseless_flag, other };
    struct Item {
        Kind kind = Kind::other;
        std::string text;       // a literal: one character's bytes, lowercase if ASCII
        bool foldable = false;  // a literal the automaton matches as RE2 would
        // Null but for a group: every character of a pattern is an Item.
        std::unique_ptr<PatternFacts> group;
    };
    enum class Times { once, optional, at_least_once };

    bool at(char c) const { return pos_ < re_.size() && re_[pos_] == c; }

    PatternFacts alternation() {
        PatternFacts facts = sequence();
        // Only the top's alternatives, or those of one group holding it all, are asked for.
        const bool keep = depth_ <= 1 && at('|');
        if (keep) {
            facts.alternatives = {facts.required};
        }
        while (at('|')) {
            ++pos_;
            PatternFacts next = sequence();
            if (keep) {
                facts.alternatives.push_back(next.required);
            }
            facts.literal_chars = std::min(facts.literal_chars, next.literal_chars);
            facts.in_order_ok = facts.in_order_ok && next.in_order_ok;
            facts.in_order.insert(facts.in_order.end(),
                                  std::make_move_iterator(next.in_order.begin()),
                                  std::make_move_iterator(next.in_order.end()));
            require_either(facts.required, std::move(next.required));
        }
        return facts;
    }

    PatternFacts sequence() {
        PatternFacts facts;
        int items = 0;
        bool ordered = true;  // literals (once, foldable) and `.*` only
        std::vector<std::string> pieces;
        std::string piece;
        bool group_ordered = false;  // the last item was a group of literals in order
        std::vector<std::vector<std::string>> group_order;
        std::vector<Requirement> group_alternatives;  // the last item's, a group once
        std::string run;
        auto close = [&] {
            if (!run.empty()) {
                require_both(facts.required, Requirement{{Term{run}}});
            }
            run.clear();
        };
        while (pos_ < re_.size() && !at('|') && !at(')') && !failed_) {
            Item it = item();
            if (it.kind == Kind::caseless_flag) {
                continue;
            }
            Times times = quantifier();
            ++items;
            switch (it.kind) {
                case Kind::literal:
                    ordered = ordered && times == Times::once && it.foldable;
                    piece += it.text;
                    if (times == Times::optional) {
                        close();
                        break;
                    }
                    ++facts.literal_chars;
                    if (!it.foldable) {
                        // A cased letter beyond ASCII: the run ends before it,
                        // and the line must hold the letter in some case.
                        // KELVIN SIGN and LONG S (k_unicode_folds) match ASCII k and s: nothing.
                        close();
                        if (static_cast<unsigned char>(it.text[0]) >= 0x80 &&
                            std::find(k_unicode_folds.begin(), k_unicode_folds.end(), it.text) ==
                                k_unicode_folds.end()) {
                            require_both(facts.required,
                                         Requirement{{Term{letter_literal(it.text)}}});
                        }
                        break;
                    }
                    run += it.text;
                    if (times == Times::at_least_once) {
                        close();  // more copies may follow: the run ends here
                    }
                    break;
                case Kind::group:
                    close();
                    ordered = false;
                    group_ordered = times == Times::once && it.group->in_order_ok;
                    if (group_ordered) {
                        group_order = std::move(it.group->in_order);
                    }
                    if (times == Times::once) {
                        group_alternatives = std::move(it.group->alternatives);
                    }
                    if (times != Times::optional) {
                        facts.literal_chars += it.group->literal_chars;
                        require_both(facts.required, std::move(it.group->required));
                    }
                    break;
                case Kind::dot:
                    // `.*` only separates pieces; `.`, `.?`, `.+`, `.{2}` count characters.
                    ordered = ordered && times == Times::optional && star_;
                    if (!piece.empty()) {
                        pieces.push_back(std::move(piece));
                        piece.clear();
                    }
                    close();
                    break;
                case Kind::zero_width:
                case Kind::caseless_flag:
                case Kind::other:
                    ordered = false;
                    close();
                    break;
            }
        }
        close();
        if (items == 1) {
            facts.alternatives = std::move(group_alternatives);
        }
        if (items == 1 && group_ordered) {
            facts.in_order = std::move(group_order);
            facts.in_order_ok = true;
        } else if (items > 0 && ordered) {
            if (!piece.empty()) {
                pieces.push_back(std::move(piece));
            }
            facts.in_order = {std::move(pieces)};
            facts.in_order_ok = true;
        }
        return facts;
    }

    Times quantifier() {
        Times t = Times::once;
        star_ = at('*');
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

    // One UTF-8 character as a literal item (the quantifier after it applies to all of it).
    Item character(unsigned char lead) {
        Item it;
        it.kind = Kind::literal;
        if (lead < 0x80) {
            it.text = static_cast<char>(lead >= 'A' && lead <= 'Z' ? lead - 'A' + 'a' : lead);
            it.foldable = lead != '\n' && lead != '\r' && lead != '\x1b';
            return it;
        }
        int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : -1;
        if (extra < 0 || pos_ + static_cast<std::size_t>(extra) > re_.size()) {
            failed_ = true;
            return it;
        }
        char32_t cp = lead & (0x3F >> extra);
        it.text = static_cast<char>(lead);
        for (int i = 0; i < extra; ++i) {
            auto b = static_cast<unsigned char>(re_[pos_]);
            if ((b & 0xC0) != 0x80) {
                failed_ = true;
                return it;
            }
            cp = (cp << 6) | (b & 0x3F);
            it.text += re_[pos_++];
        }
        it.foldable = caseless(cp);
        return it;
    }

    Item item() {
        Item it;
        auto c = static_cast<unsigned char>(re_[pos_++]);
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
                        std::size_t flags = pos_;
                        while (pos_ < re_.size() && !at(':') && !at(')')) {
                            ++pos_;
                        }
                        if (at(')')) {
                            // A flag group; `(?i)` changes nothing here, as
                            // every pattern is matched caseless.
                            it.kind = re_.substr(flags, pos_ - flags) == "i" ? Kind::caseless_flag
                                                                             : Kind::zero_width;
                            ++pos_;
                            return it;
                        }
                        ++pos_;  // ':'
                    }
                }
                it.kind = Kind::group;
                ++depth_;
                it.group = std::make_unique<PatternFacts>(alternation());
                --depth_;
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
                it.kind = Kind::dot;
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
                auto e = static_cast<unsigned char>(re_[pos_++]);
                if (std::isalnum(e)) {
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
                    } else if (e == 'Q' || std::isdigit(e)) {
                        failed_ = true;  // quoting and octal: not worth reading here
                    }
                    return it;  // \d \w \s \b \n ...: not a literal run
                }
                return character(e);
            }
            default:
                return character(c);
        }
    }

    void skip_class() {
        std::size_t end = class_end(re_, pos_ - 1);  // pos_ is past the '['
        if (end == std::string_view::npos) {
            failed_ = true;
            return;
        }
        pos_ = end;
    }

    std::string_view re_;
    std::size_t pos_ = 0;
    bool failed_ = false;
    bool star_ = false;  // the last quantifier read was `*`
    int depth_ = 0;      // groups open
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

// How every pattern is compiled, alone or in a set: caseless, quiet.
RE2::Options pattern_options(std::int64_t max_mem) {
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    options.set_max_mem(max_mem);
    return options;
}

// A regex compiled on first use: most patterns never meet a line holding
// their literals, and compiling thousands up front was most of start-up.
struct LazyRegex {
    std::string pattern;
    mutable std::atomic<RE2*> compiled{nullptr};  // set once; a failed compile stays, with !ok()

    explicit LazyRegex(std::string p) : pattern(std::move(p)) {}
    ~LazyRegex() { delete compiled.load(); }

    const RE2& get() const {
        RE2* re = compiled.load(std::memory_order_acquire);
        if (re != nullptr) {
            return *re;
        }
        auto fresh = std::make_unique<RE2>(pattern, pattern_options(8 << 20));
        // Threads racing here compile twice; one copy wins, the other is freed.
        if (compiled.compare_exchange_strong(re, fresh.get(), std::memory_order_acq_rel)) {
            return *fresh.release();
        }
        return *re;
    }
    bool tried() const { return compiled.load(std::memory_order_acquire) != nullptr; }
};

// A literal looked for in lowercased lines. Two of its bytes, the rarest
// looking in logs, are compared at 16 places at a time (SSE2) and memcmp
// confirms: about twice as fast as std::string::find on log lines, whose
// memchr stops at every common first byte (measured 22 against 42 ns a
// search on the benchmark log).
class Needle {
  public:
    explicit Needle(std::string text) : text_(std::move(text)) {
        auto rank = [this](std::size_t i) {
            return commonness(static_cast<unsigned char>(text_[i]));
        };
        std::size_t a = 0;
        for (std::size_t i = 1; i < text_.size(); ++i) {
            a = rank(i) < rank(a) ? i : a;
        }
        std::size_t b = a;
        for (std::size_t i = 0; i < text_.size(); ++i) {
            if (i != a && (b == a || rank(i) < rank(b))) {
                b = i;
            }
        }
        first_ = std::min(a, b);
        second_ = std::max(a, b);
        if (!text_.empty()) {
            first_byte_ = text_[first_];
            second_byte_ = text_[second_];
        }
    }

    const std::string& text() const { return text_; }

    /// The first place at or after `from` where the literal is in `hay`; npos if none.
    std::size_t find_in(std::string_view hay, std::size_t from = 0) const {
        const std::size_t n = text_.size();
        if (n == 0 || from > hay.size() || hay.size() - from < n) {
            return n == 0 && from <= hay.size() ? from : std::string_view::npos;
        }
        const char* h = hay.data();
        const std::size_t last = hay.size() - n;  // the last place it can start
        std::size_t k = from;
#if defined(__SSE2__)
        const __m128i b1 = _mm_set1_epi8(first_byte_);
        const __m128i b2 = _mm_set1_epi8(second_byte_);
        for (; k + 15 <= last; k += 16) {
            __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + k + first_));
            __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + k + second_));
            auto mask = static_cast<unsigned>(
                _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(x, b1), _mm_cmpeq_epi8(y, b2))));
            while (mask != 0) {
                std::size_t at = k + static_cast<std::size_t>(__builtin_ctz(mask));
                if (std::memcmp(h + at, text_.data(), n) == 0) {
                    return at;
                }
                mask &= mask - 1;
            }
        }
#endif
        for (; k <= last; ++k) {
            if (h[k + first_] == first_byte_ && h[k + second_] == second_byte_ &&
                std::memcmp(h + k, text_.data(), n) == 0) {
                return k;
            }
        }
        return std::string_view::npos;
    }

  private:
    // Lower is rarer: spaces and digits fill logs, then the common letters.
    static int commonness(unsigned char c) {
        static constexpr auto table = [] {
            std::array<std::uint8_t, 256> t{};
            t.fill(1);
            for (int l = 'a'; l <= 'z'; ++l) {
                t[static_cast<std::size_t>(l)] = 2;
            }
            for (char l : std::string_view("etaoinsrl")) {
                t[static_cast<unsigned char>(l)] = 3;
            }
            for (int d = '0'; d <= '9'; ++d) {
                t[static_cast<std::size_t>(d)] = 4;
            }
            t[' '] = 5;
            return t;
        }();
        return table[c];
    }

    std::string text_;
    std::size_t first_ = 0;
    std::size_t second_ = 0;
    // Their values, kept here: most searches find neither, and need not
    // read the text (a cache miss of its own when it is long).
    char first_byte_ = 0;
    char second_byte_ = 0;
};

// A pattern's top-level alternatives, when it is `a|b|c`, or one group
// holding them (`(a|b|c)`, `(?:a|b|c)`), after any flag groups (`(?i)`):
// a match of one alternative is a match of the pattern. `prefix` holds the
// flag groups, for an alternative compiled alone. Empty when the pattern is
// not such an alternation.
struct Alternatives {
    std::string prefix;
    std::vector<std::string_view> items;

    /// One alternative as a pattern of its own, under the same flags.
    std::string alone(std::string_view item) const {
        return prefix + "(?:" + std::string(item) + ")";
    }
};

Alternatives top_alternatives(std::string_view re) {
    Alternatives out;
    // Flag groups first: `(?i)`, `(?is)`.
    while (re.size() > 3 && re.substr(0, 2) == "(?") {
        std::size_t close = re.find(')');
        if (close == std::string_view::npos ||
            re.substr(2, close - 2).find_first_not_of("imsU-") != std::string_view::npos) {
            break;
        }
        out.prefix += re.substr(0, close + 1);
        re.remove_prefix(close + 1);
    }
    // Splits `body` at the `|`s outside groups and classes; nothing when its
    // groups or classes do not balance.
    auto split = [](std::string_view body) {
        int depth = 0;
        std::size_t start = 0;
        std::vector<std::string_view> items;
        for (std::size_t i = 0; i < body.size(); ++i) {
            char c = body[i];
            if (c == '\\') {
                ++i;
            } else if (c == '[') {
                std::size_t end = class_end(body, i);
                if (end == std::string_view::npos) {
                    return std::vector<std::string_view>{};
                }
                i = end - 1;
            } else if (c == '(') {
                ++depth;
            } else if (c == ')') {
                if (--depth < 0) {
                    return std::vector<std::string_view>{};
                }
            } else if (c == '|' && depth == 0) {
                items.push_back(body.substr(start, i - start));
                start = i + 1;
            }
        }
        if (depth != 0) {
            return std::vector<std::string_view>{};
        }
        items.push_back(body.substr(start));
        return items;
    };
    std::vector<std::string_view> items = split(re);
    if (items.size() == 1 && re.size() >= 2 && re.front() == '(' && re.back() == ')') {
        // One group around it all? Its opening parenthesis must close last.
        std::string_view inner = re.substr(1, re.size() - 2);
        if (inner.substr(0, 2) == "?:") {
            inner.remove_prefix(2);
        } else if (inner.substr(0, 3) == "?P<" || inner.substr(0, 2) == "?<") {
            std::size_t close = inner.find('>');
            inner.remove_prefix(close == std::string_view::npos ? inner.size() : close + 1);
        } else if (!inner.empty() && inner.front() == '?') {
            return {};
        }
        items = split(inner);
    }
    if (items.size() < 2) {
        return {};
    }
    out.items = std::move(items);
    return out;
}

// A pattern that is a fixed run of single-byte positions (`6.4`,
// `\\[0-9]{3}`), checked on a lowercased ASCII line without RE2: a
// memchr for one literal byte, then each position's set around it. On such
// a line RE2's caseless `.` is any byte, as no line holds a newline.
class FixedRun {
  public:
    static std::optional<FixedRun> of(std::string_view re) {
        FixedRun run;
        std::size_t i = 0;
        while (i < re.size()) {
            std::bitset<128> set;
            char c = re[i++];
            if (c == '.') {
                set.set();
            } else if (c == '[') {
                std::size_t end = class_end(re, i - 1);
                if (end == std::string_view::npos || !read_class(re.substr(i, end - 1 - i), set)) {
                    return std::nullopt;
                }
                i = end;
            } else if (c == '\\') {
                if (i >= re.size()) {
                    return std::nullopt;
                }
                char e = re[i++];
                if (e == 'd') {
                    add_digits(set);
                } else if (std::isalnum(static_cast<unsigned char>(e)) ||
                           static_cast<unsigned char>(e) >= 0x80) {
                    return std::nullopt;
                } else {
                    set.set(static_cast<unsigned char>(e));
                }
            } else if (static_cast<unsigned char>(c) < 0x80 &&
                       std::strchr("()|*+?{}^$", c) == nullptr) {
                set.set(static_cast<unsigned char>(c));
            } else {
                return std::nullopt;
            }
            std::size_t times = 1;
            if (i < re.size() && re[i] == '{') {
                std::size_t close = re.find('}', i);
                std::string_view n = close == std::string_view::npos
                                         ? std::string_view()
                                         : re.substr(i + 1, close - i - 1);
                if (n.empty() || n.size() > 2 ||
                    n.find_first_not_of("0123456789") != std::string_view::npos) {
                    return std::nullopt;
                }
                times = static_cast<std::size_t>(std::stoi(std::string(n)));
                i = close + 1;
            }
            // Caseless: a letter in the set stands for both cases, and the
            // line is lowercase.
            for (int u = 'A'; u <= 'Z'; ++u) {
                if (set.test(static_cast<std::size_t>(u))) {
                    set.set(static_cast<std::size_t>(u - 'A' + 'a'));
                }
            }
            run.sets_.insert(run.sets_.end(), times, set);
        }
        if (run.sets_.empty() || run.sets_.size() > 64) {
            return std::nullopt;
        }
        for (std::size_t k = 0; k < run.sets_.size(); ++k) {
            if (run.sets_[k].count() == 1) {
                run.anchor_ = k;
                for (std::size_t b = 0; b < 128; ++b) {
                    if (run.sets_[k].test(b)) {
                        run.byte_ = static_cast<char>(b);
                    }
                }
                return run;
            }
        }
        return std::nullopt;  // nothing to look for first
    }

    /// `lowered`: a line of ASCII, lowercase.
    bool found_in(std::string_view lowered) const {
        const std::size_t width = sets_.size();
        if (lowered.size() < width) {
            return false;
        }
        const char* base = lowered.data();
        const char* last = base + (lowered.size() - width) + anchor_;  // the last anchor place
        const char* p = base + anchor_;
        while (p <= last) {
            p = static_cast<const char*>(
                std::memchr(p, byte_, static_cast<std::size_t>(last - p) + 1));
            if (p == nullptr) {
                return false;
            }
            const char* start = p - anchor_;
            std::size_t k = 0;
            while (k < width && sets_[k].test(static_cast<unsigned char>(start[k]))) {
                ++k;
            }
            if (k == width) {
                return true;
            }
            ++p;
        }
        return false;
    }

  private:
    static void add_digits(std::bitset<128>& set) {  // \d
        for (char d = '0'; d <= '9'; ++d) {
            set.set(static_cast<unsigned char>(d));
        }
    }
    // A class body of ASCII characters, ranges and \d; false for anything else.
    static bool read_class(std::string_view body, std::bitset<128>& set) {
        if (body.empty() || body.front() == '^' || body.find("[:") != std::string_view::npos) {
            return false;
        }
        for (std::size_t i = 0; i < body.size(); ++i) {
            auto c = static_cast<unsigned char>(body[i]);
            if (c >= 0x80) {
                return false;
            }
            if (c == '\\') {
                if (++i >= body.size()) {
                    return false;
                }
                auto e = static_cast<unsigned char>(body[i]);
                if (e == 'd') {
                    add_digits(set);
                    continue;
                }
                if (std::isalnum(e) || e >= 0x80) {
                    return false;
                }
                c = e;
            }
            if (i + 2 < body.size() && body[i + 1] == '-') {
                auto hi = static_cast<unsigned char>(body[i + 2]);
                if (hi >= 0x80 || hi == '\\' || hi < c) {
                    return false;
                }
                for (unsigned x = c; x <= hi; ++x) {
                    set.set(x);
                }
                i += 2;
                continue;
            }
            set.set(c);
        }
        return true;
    }

    std::vector<std::bitset<128>> sets_;
    std::size_t anchor_ = 0;
    char byte_ = 0;
};

}  // namespace

struct Matcher::Impl {
    const Catalogue& catalogue;
    std::vector<std::unique_ptr<LazyRegex>> regexes;  // by record index
    std::vector<int> specificity;                     // by record index

    // A regex is tried on a line when all literals of one of its terms occur.
    // Each term has one trigger, its rarest literal, in the automaton; the
    // rest are looked for only in lines where the trigger occurs, so a
    // common word in a term costs nothing on the lines without its trigger.
    // Kept flat (spans of shared arrays): with tens of thousands of terms,
    // each separate allocation read per line was a cache miss of its own.
    struct TermCheck {
        std::uint32_t regex;
        std::uint32_t rest_begin, rest_end;        // the other literals, in rest_literals
        std::uint32_t letters_begin, letters_end;  // the other letters, in rest_letters
        // The alternative of literals in order it was read from, in `ordered`,
        // or k_no_unit.
        std::uint32_t ordered;
        std::uint32_t unit;  // the alternative RE2 checks alone, in `units`, or k_no_unit
    };
    static constexpr std::uint32_t k_no_unit = UINT32_MAX;
    // Alternatives of literals in order, each distinct one once: decided once
    // a line whichever pattern holds it.
    std::vector<std::vector<Needle>> ordered;
    std::vector<std::unique_ptr<LazyRegex>> units;  // alternatives of patterns, each once
    std::vector<TermCheck> terms;
    std::vector<Needle> rest_literals;
    std::vector<std::uint32_t> rest_letters;  // by index in `letters`
    // A term's trigger is found through an automaton over short windows of
    // the triggers: long literals would make it large, slow to build and
    // slow to walk (cache misses), so a window found is confirmed in the line.
    struct Trigger {
        Needle text;
        std::vector<std::uint32_t> terms;
        bool confirmed_by_window = false;  // the window is the whole (ASCII) text
        bool unicode_fold = false;         // one of k_unicode_folds
    };
    std::vector<Trigger> triggers;
    // By window (of `windows`), what finding it leads to: entries of
    // window_terms from window_begin[w] to one marked last, a term each,
    // grouped by trigger. The automaton reports window_begin[w] itself
    // (LiteralSet::relabel): one lookup, a cache miss, less for each find.
    struct WindowTerm {
        std::uint32_t term;  // k_no_term: the trigger has none (a Unicode fold)
        std::uint32_t trigger;
        std::uint32_t regex;  // the term's, here so that a regex already decided costs no more
        bool confirmed;       // the window is the whole trigger: no need to look again
        bool last;            // the window's last entry
    };
    static constexpr std::uint32_t k_no_term = UINT32_MAX;
    std::vector<std::uint32_t> window_begin;
    std::vector<WindowTerm> window_terms;
    // Cased letters beyond ASCII the patterns require (UTF-8), and by letter
    // the terms it triggers. A line's characters beyond ASCII are matched
    // against `letter_set` (each letter alone, caseless, anchored), once
    // per distinct character and thread (letters_of).
    std::vector<std::string> letters;
    std::vector<std::vector<std::uint32_t>> letter_terms;
    bool letter_triggers = false;  // some term's trigger is a letter
    mutable std::once_flag letter_set_once;
    mutable std::unique_ptr<RE2::Set> letter_set;  // null: every letter counts as there
    const std::uint64_t serial = next_serial();    // tells matchers apart in thread caches
    static std::uint64_t next_serial() {
        static std::atomic<std::uint64_t> count{0};
        return ++count;
    }
    /// The letters that character `c` (UTF-8, beyond ASCII) is, caselessly.
    const std::vector<std::uint32_t>& letters_of(std::string_view c) const;
    std::vector<bool> pure;  // by regex: a term met is a match
    // By regex: alternatives of literals in order, checked without RE2 on an
    // ASCII line (RE2's `.` does not match a byte of invalid UTF-8); empty:
    // the pattern has another shape.
    std::vector<std::vector<std::vector<Needle>>> in_order;
    // What must be checked on every line: a pattern's alternatives with no
    // usable literal (`6.4` in `(tiananmen|6.4|...)`), or the whole pattern
    // when it is not an alternation. The alternatives with literals still
    // go through the triggers, so a broad pattern costs only its
    // literal-less part on every line. The same part in several patterns is
    // one residue, checked once.
    struct Residue {
        std::unique_ptr<LazyRegex> alone;  // the part compiled alone
        std::optional<FixedRun> run;       // checked without RE2 on ASCII lines
        std::vector<std::uint32_t> regexes;
    };
    std::vector<Residue> residues;
    std::vector<std::uint32_t> set_residues;  // residues without a run, by index
    // Built on first use (automaton()): a message of a few lines is matched
    // trigger by trigger faster than the automaton is built.
    std::vector<std::string> windows;
    mutable std::once_flag literals_once;
    mutable std::unique_ptr<detail::LiteralSet> literals;
    mutable std::atomic<bool> literals_built{false};
    const detail::LiteralSet& automaton() const;
    /// `windows`: the automaton's finds in `line`, when the caller walked it
    /// (LogScanner walks a batch of lines at once); null: match_line finds them.
    void match_line(std::string_view line, std::vector<std::size_t>& out,
                    const std::vector<std::uint32_t>* windows = nullptr) const;
    /// Where in `block` (whole lines) the scan must look next, from `from` (a
    /// line start): the start of the first line that may match a regex, or
    /// block.size() when none may. Lines before it hold none of the literals
    /// the regexes require, so they can be counted without being read.
    /// `scan` walks this block's automaton and keeps what it read ahead.
    std::size_t next_candidate(std::string_view block, std::size_t from,
                               detail::CandidateScan& scan) const;

    // The residues without a run as one RE2::Set: one pass per line instead
    // of one each. Null when RE2 could not build it (they then run one by one).
    mutable std::once_flag residue_set_once;
    mutable std::unique_ptr<RE2::Set> residue_set;

    // Similarity and exact-signature checks, built on first use.
    mutable std::once_flag index_once;
    mutable std::vector<std::vector<std::string>> record_words;
    mutable std::vector<std::string> record_text;  // normalized signature
    mutable std::unordered_map<std::string, double> idf;

    mutable std::once_flag problems_once;
    mutable std::vector<Problem> problems;

    explicit Impl(const Catalogue& c) : catalogue(c) {}

    void build_index() const {
        std::call_once(index_once, [this] {
            record_words.resize(catalogue.size());
            record_text.resize(catalogue.size());
            std::unordered_map<std::string, std::size_t> df;
            for (std::size_t i = 0; i < catalogue.size(); ++i) {
                const Record& record = catalogue.header(i);
                std::string text = record.signature;
                for (const auto& alias : record.aliases) {
                    text += ' ' + alias;
                }
                record_words[i] = words_of(text);
                record_text[i] = normalized(record.signature);
                for (const auto& w : record_words[i]) {
                    ++df[w];
                }
            }
            double n = static_cast<double>(std::max<std::size_t>(catalogue.size(), 1));
            for (const auto& [word, count] : df) {
                idf[word] = std::log(1.0 + n / static_cast<double>(count));
            }
        });
    }

    Problem regex_problem(std::uint32_t r) const {
        const Record& record = catalogue.header(r);
        const LazyRegex& l = *regexes[r];
        return {Severity::warning,
                record.source,
                record.source_line,
                0,
                record.format == RecordFormat::canon_json ? "/error/regex" : "regex",
                "`" + record.id + "`: RE2 cannot compile the regex (" + l.get().error() +
                    "); the record is found by id and similarity only",
                l.pattern};
    }
};

namespace {

// Words so common in logs that a literal made of one says little: a term's
// trigger is its rarest literal, and length alone would pick "connection"
// over "nat gateway".
const std::set<std::string, std::less<>> k_common_words = {
    "error",      "errors",    "failed",    "failure",   "warning",   "connection", "connect",
    "request",    "response",  "server",    "client",    "timeout",   "timed out",  "version",
    "install",    "download",  "package",   "module",    "import",    "build",      "config",
    "default",    "found",     "not found", "cannot",    "unable",    "invalid",    "missing",
    "http",       "https",     "https://",  "http://",   "localhost", "user",       "file",
    "files",      "directory", "process",   "service",   "start",     "started",    "running",
    "message",    "status",    "update",    "using",     "with",      "from",       "the",
    "and",        "for",       "not",       "test",      "tests",     "true",       "false",
    "null",       "none",      "value",     "exception", "info",      "debug",      "command",
    "option",     "options",   "setting",   "setup",     "table",     "node",       "host",
    "port",       "bytes",     "time",      "data",      "type",      "name",       "path",
    "line",       "new",       "use",       "used",      "api",       "key",        "log",
    "ssh",        "git",       "npm",       "pip",       "python",    "java",       "docker",
    "container",  "image",     "cache",     "memory",    "disk",      "network",    "access",
    "permission", "denied",    "allowed",   "exceeded",  "limit",     "size",       "session",
    "token",      "auth",      "password",  "secret",    "database",  "query",      "index",
    "schema",     "class",     "method",    "function",  "object",    "string",     "number",
    "system",     "local",     "remote",    "origin",    "master",    "main"};

// Bigger is rarer: length without the spaces around, less for a common word.
int rarity(const std::string& literal) {
    if (is_letter(literal)) {
        return 1;
    }
    std::string_view core = literal;
    while (!core.empty() && core.front() == ' ') {
        core.remove_prefix(1);
    }
    while (!core.empty() && core.back() == ' ') {
        core.remove_suffix(1);
    }
    int score = static_cast<int>(core.size()) * 2 + static_cast<int>(literal.size() - core.size());
    if (k_common_words.count(core) != 0) {
        score = score / 4 + 2;
    }
    return score;
}

constexpr std::size_t k_window_bytes = 32;

// The part of a trigger the automaton looks for: the whole trigger when
// short, else the window of k_window_bytes with the most distinct letters
// (spaces and digits are the commonest bytes in logs), whole UTF-8 characters.
std::string window_of(const std::string& trigger) {
    if (trigger.size() <= k_window_bytes) {
        return trigger;
    }
    auto starts_char = [&](std::size_t i) {
        return i == trigger.size() || (static_cast<unsigned char>(trigger[i]) & 0xC0) != 0x80;
    };
    // The window slides a byte at a time, counting each byte's occurrences,
    // so a long trigger costs one pass.
    std::array<std::uint8_t, 256> count{};
    int distinct = 0;
    auto counts = [](unsigned char c) { return c != ' ' && !std::isdigit(c); };
    auto enter = [&](unsigned char c) { distinct += counts(c) && count[c]++ == 0 ? 1 : 0; };
    auto leave = [&](unsigned char c) { distinct -= counts(c) && --count[c] == 0 ? 1 : 0; };
    for (std::size_t j = 0; j < k_window_bytes; ++j) {
        enter(static_cast<unsigned char>(trigger[j]));
    }
    std::size_t best = 0;
    int best_score = -1;
    for (std::size_t i = 0; i + k_window_bytes <= trigger.size(); ++i) {
        if (i > 0) {
            leave(static_cast<unsigned char>(trigger[i - 1]));
            enter(static_cast<unsigned char>(trigger[i + k_window_bytes - 1]));
        }
        if (distinct > best_score && starts_char(i) && starts_char(i + k_window_bytes)) {
            best_score = distinct;
            best = i;
        }
    }
    if (best_score < 0) {
        return trigger;  // no window on character boundaries: the whole of it
    }
    return trigger.substr(best, k_window_bytes);
}

// The terms the filter can use: each keeps its literals of 3+ bytes, else
// one of 2 (literals of one or two bytes would make almost every line a
// candidate). None when some term keeps nothing, or nothing is required.
std::optional<std::vector<Term>> usable_terms(Requirement required) {
    if (required.always()) {
        return std::nullopt;
    }
    std::vector<Term> terms;
    for (Term& term : required.terms) {
        Term kept;
        for (auto& lit : term) {
            if (is_letter(lit) || lit.size() >= 3) {
                kept.push_back(std::move(lit));
            }
        }
        for (auto& lit : term) {
            if (kept.empty() && lit.size() == 2) {
                kept.push_back(std::move(lit));
            }
        }
        if (kept.empty()) {
            return std::nullopt;
        }
        terms.push_back(std::move(kept));
    }
    return terms;
}

}  // namespace

Matcher::Matcher(const Catalogue& catalogue) : impl_(std::make_unique<Impl>(catalogue)) {
    Impl& m = *impl_;
    // Header fields only: a message needs few records whole (Catalogue).
    m.specificity.assign(catalogue.size(), 0);
    std::unordered_map<std::string, std::size_t> trigger_index;
    std::unordered_map<std::string, std::size_t> residue_index;
    std::unordered_map<std::string, std::size_t> letter_index;
    std::unordered_map<std::string, std::size_t> unit_index;
    std::unordered_map<std::string, std::size_t> ordered_index;
    for (std::size_t i = 0; i < catalogue.size(); ++i) {
        std::string pattern = effective_regex(catalogue.header(i));
        auto id = static_cast<std::uint32_t>(i);
        PatternFacts facts = PatternLiterals(pattern).read();
        m.regexes.push_back(std::make_unique<LazyRegex>(std::move(pattern)));
        m.specificity[i] = facts.literal_chars;

        // Pure when each alternative is one literal, kept whole as its term.
        std::optional<std::vector<Term>> terms = usable_terms(facts.required);
        bool pure = facts.literals_only() && terms.has_value();
        for (std::size_t t = 0; pure && t < terms->size(); ++t) {
            pure = (*terms)[t].size() == 1 && (*terms)[t] == facts.required.terms[t];
        }
        m.pure.push_back(pure);
        std::vector<std::vector<Needle>> in_order;
        if (facts.in_order_ok && !pure) {
            for (auto& pieces : facts.in_order) {
                in_order.emplace_back(std::make_move_iterator(pieces.begin()),
                                      std::make_move_iterator(pieces.end()));
            }
        }
        m.in_order.push_back(std::move(in_order));
        // In an alternation of literals in order, term k is read from
        // alternative k, one term each: a term met can check its own
        // alternative, and an alternative whose term is not met cannot hold.
        const bool term_per_alternative = terms.has_value() && !m.in_order.back().empty() &&
                                          m.in_order.back().size() == terms->size();
        // What alternative k requires: read with the pattern when the walk
        // saw the same alternatives, else read alone. Each is asked for
        // once, so it is moved out.
        auto required_by = [&facts](const Alternatives& alts, std::size_t k) {
            return facts.alternatives.size() == alts.items.size()
                       ? std::move(facts.alternatives[k])
                       : PatternLiterals(alts.items[k]).read().required;
        };
        // A pattern RE2 must decide, when an alternation whose alternatives
        // all have literals: each alternative's terms lead to that
        // alternative alone, so RE2 runs only on the alternatives whose
        // literals are there, and an alternative several patterns share
        // runs once a line.
        std::vector<std::uint32_t> term_units;
        if (terms && !pure && m.in_order.back().empty()) {
            Alternatives alts = top_alternatives(m.regexes.back()->pattern);
            std::vector<std::vector<Term>> by_alternative;
            for (std::size_t k = 0; k < alts.items.size(); ++k) {
                auto alt_terms = usable_terms(required_by(alts, k));
                if (!alt_terms) {
                    by_alternative.clear();
                    break;
                }
                by_alternative.push_back(std::move(*alt_terms));
            }
            if (!by_alternative.empty()) {
                terms->clear();
                for (std::size_t k = 0; k < by_alternative.size(); ++k) {
                    std::string text = alts.alone(alts.items[k]);
                    auto [at, fresh] = unit_index.emplace(text, m.units.size());
                    if (fresh) {
                        m.units.push_back(std::make_unique<LazyRegex>(std::move(text)));
                    }
                    term_units.insert(term_units.end(), by_alternative[k].size(),
                                      static_cast<std::uint32_t>(at->second));
                    terms->insert(terms->end(), std::make_move_iterator(by_alternative[k].begin()),
                                  std::make_move_iterator(by_alternative[k].end()));
                }
            }
        }
        if (!terms) {
            // Alternatives with literals still filter; the rest are residues.
            terms.emplace();
            Alternatives alts = top_alternatives(m.regexes.back()->pattern);
            bool caseless = alts.prefix.find('-') == std::string::npos;
            std::vector<std::string_view> rest;
            for (std::size_t k = 0; k < alts.items.size(); ++k) {
                std::string_view alt = alts.items[k];
                auto alt_terms = usable_terms(required_by(alts, k));
                if (alt_terms) {
                    terms->insert(terms->end(), std::make_move_iterator(alt_terms->begin()),
                                  std::make_move_iterator(alt_terms->end()));
                } else {
                    rest.push_back(alt);
                }
            }
            if (alts.items.empty()) {
                rest.push_back(m.regexes.back()->pattern);
            }
            for (std::string_view part : rest) {
                std::string alone = alts.items.empty() ? std::string(part) : alts.alone(part);
                auto [at, fresh] = residue_index.emplace(alone, m.residues.size());
                if (fresh) {
                    std::optional<FixedRun> run;
                    if (caseless) {
                        run = FixedRun::of(part);
                    }
                    if (!run) {
                        m.set_residues.push_back(static_cast<std::uint32_t>(m.residues.size()));
                    }
                    m.residues.push_back(
                        {std::make_unique<LazyRegex>(std::move(alone)), std::move(run), {}});
                }
                std::vector<std::uint32_t>& regexes = m.residues[at->second].regexes;
                if (regexes.empty() || regexes.back() != id) {
                    regexes.push_back(id);
                }
            }
        }
        for (Term& term : *terms) {
            auto term_id = static_cast<std::uint32_t>(m.terms.size());
            auto rarest = term.begin();
            int rarest_score = rarity(*rarest);
            for (auto it = term.begin() + 1; it != term.end(); ++it) {
                int score = rarity(*it);
                if (score > rarest_score) {
                    rarest = it;
                    rarest_score = score;
                }
            }
            std::string trigger = std::move(*rarest);
            term.erase(rarest);
            auto letter_id = [&](const std::string& lit) {
                auto [at, fresh] = letter_index.emplace(lit, m.letters.size());
                if (fresh) {
                    m.letters.push_back(lit.substr(k_letter_prefix.size()));
                    m.letter_terms.emplace_back();
                }
                return static_cast<std::uint32_t>(at->second);
            };
            Impl::TermCheck check{id, 0, 0, 0, 0, Impl::k_no_unit, Impl::k_no_unit};
            if (term_per_alternative) {
                const auto& pieces =
                    m.in_order.back()[static_cast<std::size_t>(&term - terms->data())];
                std::string key;
                for (const Needle& piece : pieces) {
                    key += piece.text();
                    key += '\0';
                }
                auto [at, fresh] = ordered_index.emplace(std::move(key), m.ordered.size());
                if (fresh) {
                    m.ordered.push_back(pieces);
                }
                check.ordered = static_cast<std::uint32_t>(at->second);
            }
            if (!term_units.empty()) {
                check.unit = term_units[static_cast<std::size_t>(&term - terms->data())];
            }
            check.rest_begin = static_cast<std::uint32_t>(m.rest_literals.size());
            check.letters_begin = static_cast<std::uint32_t>(m.rest_letters.size());
            for (std::string& lit : term) {
                if (is_letter(lit)) {
                    m.rest_letters.push_back(letter_id(lit));
                } else {
                    m.rest_literals.emplace_back(std::move(lit));
                }
            }
            check.rest_end = static_cast<std::uint32_t>(m.rest_literals.size());
            check.letters_end = static_cast<std::uint32_t>(m.rest_letters.size());
            m.terms.push_back(check);
            if (is_letter(trigger)) {
                m.letter_terms[letter_id(trigger)].push_back(term_id);
                m.letter_triggers = true;
                continue;
            }
            auto [it, fresh] = trigger_index.emplace(trigger, m.triggers.size());
            if (fresh) {
                m.triggers.push_back({Needle(trigger), {}, false, false});
            }
            m.triggers[it->second].terms.push_back(term_id);
        }
    }
    for (const auto& fold : k_unicode_folds) {
        m.triggers.push_back({Needle(fold), {}, false, true});
    }
    std::unordered_map<std::string, std::size_t> window_index;
    std::vector<std::string> windows;
    std::vector<std::vector<std::uint32_t>> triggers_of_window;
    for (std::uint32_t t = 0; t < m.triggers.size(); ++t) {
        Impl::Trigger& trigger = m.triggers[t];
        std::string window = window_of(trigger.text.text());
        trigger.confirmed_by_window =
            window == trigger.text.text() && std::all_of(window.begin(), window.end(), [](char c) {
                return static_cast<unsigned char>(c) < 0x80;
            });
        auto [it, fresh] = window_index.emplace(window, windows.size());
        if (fresh) {
            windows.push_back(window);
            triggers_of_window.emplace_back();
        }
        triggers_of_window[it->second].push_back(t);
    }
    m.windows = std::move(windows);
    for (const auto& of_window : triggers_of_window) {
        m.window_begin.push_back(static_cast<std::uint32_t>(m.window_terms.size()));
        for (std::uint32_t t : of_window) {
            const Impl::Trigger& trigger = m.triggers[t];
            if (trigger.terms.empty()) {
                m.window_terms.push_back(
                    {Impl::k_no_term, t, 0, trigger.confirmed_by_window, false});
            }
            for (std::uint32_t term : trigger.terms) {
                m.window_terms.push_back(
                    {term, t, m.terms[term].regex, trigger.confirmed_by_window, false});
            }
        }
        m.window_terms.back().last = true;  // every window has a trigger, with a term or a fold
    }
    m.window_begin.push_back(static_cast<std::uint32_t>(m.window_terms.size()));
}

const detail::LiteralSet& Matcher::Impl::automaton() const {
    std::call_once(literals_once, [this] {
        literals = std::make_unique<detail::LiteralSet>(windows);
        literals->relabel(window_begin);
        literals_built.store(true, std::memory_order_release);
    });
    return *literals;
}

Matcher::~Matcher() = default;

const Catalogue& Matcher::catalogue() const {
    return impl_->catalogue;
}
const std::vector<Problem>& Matcher::problems() const {
    const Impl& m = *impl_;
    std::call_once(m.problems_once, [&m] {
        for (std::uint32_t r = 0; r < m.regexes.size(); ++r) {
            if (!m.regexes[r]->get().ok()) {
                m.problems.push_back(m.regex_problem(r));
            }
        }
    });
    return m.problems;
}
std::vector<Problem> Matcher::problems_met() const {
    const Impl& m = *impl_;
    std::vector<Problem> out;
    for (std::uint32_t r = 0; r < m.regexes.size(); ++r) {
        if (m.regexes[r]->tried() && !m.regexes[r]->get().ok()) {
            out.push_back(m.regex_problem(r));
        }
    }
    return out;
}
bool Matcher::compiled(std::size_t i) const {
    return impl_->regexes.at(i)->get().ok();
}
int Matcher::specificity(std::size_t i) const {
    return impl_->specificity.at(i);
}
bool Matcher::holds_signature(std::size_t record_index, std::string_view normalized_text) const {
    // Normalized on demand: it is asked once per record found, and building
    // the similarity index for it would cost a message its start-up.
    std::string sig = normalized(impl_->catalogue.header(record_index).signature);
    return !sig.empty() && normalized_text.find(sig) != std::string_view::npos;
}

std::vector<std::size_t> Matcher::unfiltered_records() const {
    std::vector<std::size_t> out;
    for (const auto& residue : impl_->residues) {
        out.insert(out.end(), residue.regexes.begin(), residue.regexes.end());
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

namespace {

bool has_non_ascii(const char* p, std::size_t n) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, p + i, 8);
        if ((word & 0x8080808080808080ULL) != 0) {
            return true;
        }
    }
    for (; i < n; ++i) {
        if (static_cast<unsigned char>(p[i]) >= 0x80) {
            return true;
        }
    }
    return false;
}

/// Calls `f` with each well-formed UTF-8 character beyond ASCII in `text`.
/// A malformed byte is passed over alone, so every well-formed character is
/// seen whatever precedes it.
template <typename F>
void for_each_non_ascii_char(std::string_view text, F f) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    for (std::size_t i = 0; i < n;) {
        unsigned char lead = p[i];
        if (lead < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = lead >= 0xF0 && lead <= 0xF4   ? 4
                          : lead >= 0xE0 && lead <= 0xEF ? 3
                          : lead >= 0xC2 && lead <= 0xDF ? 2
                                                         : 0;
        bool ok = len != 0 && i + len <= n;
        for (std::size_t k = 1; ok && k < len; ++k) {
            ok = (p[i + k] & 0xC0) == 0x80;
        }
        if (!ok) {
            ++i;
            continue;
        }
        f(text.substr(i, len));
        i += len;
    }
}

/// True when `pieces` all occur in `lowered`, in order, without
/// overlapping: what `a.*b.*c` matches in a line of ASCII.
bool holds_in_order(const std::vector<Needle>& pieces, std::string_view lowered) {
    std::size_t at = 0;
    for (const auto& piece : pieces) {
        std::size_t found = piece.find_in(lowered, at);
        if (found == std::string_view::npos) {
            return false;
        }
        at = found + piece.text().size();
    }
    return true;
}

/// True when some alternative holds in order.
bool holds_in_order(const std::vector<std::vector<Needle>>& alternatives,
                    std::string_view lowered) {
    return std::any_of(alternatives.begin(), alternatives.end(),
                       [&](const auto& pieces) { return holds_in_order(pieces, lowered); });
}

}  // namespace

const std::vector<std::uint32_t>& Matcher::Impl::letters_of(std::string_view c) const {
    std::call_once(letter_set_once, [this] {
        auto set = std::make_unique<RE2::Set>(pattern_options(8 << 20), RE2::ANCHOR_BOTH);
        for (const auto& letter : letters) {
            if (set->Add(RE2::QuoteMeta(letter), nullptr) < 0) {
                return;
            }
        }
        if (set->Compile()) {
            letter_set = std::move(set);
        }
    });
    // Characters by thread, for this matcher: logs hold few distinct ones.
    struct Cache {
        std::uint64_t matcher = 0;
        std::unordered_map<std::string, std::vector<std::uint32_t>> letters;
    };
    thread_local Cache cache;
    if (cache.matcher != serial) {
        cache = {serial, {}};
    }
    auto [at, fresh] = cache.letters.try_emplace(std::string(c));
    if (fresh) {
        if (letter_set == nullptr) {
            at->second.resize(letters.size());
            for (std::uint32_t i = 0; i < letters.size(); ++i) {
                at->second[i] = i;
            }
        } else {
            std::vector<int> hits;
            letter_set->Match(c, &hits);
            at->second.assign(hits.begin(), hits.end());
        }
    }
    return at->second;
}

std::size_t Matcher::Impl::next_candidate(std::string_view block, std::size_t from,
                                          detail::CandidateScan& scan) const {
    const Impl& m = *this;
    std::size_t candidate = scan.next(from);
    if (m.letter_triggers && has_non_ascii(block.data() + from, candidate - from)) {
        // Some regex needs only a letter beyond ASCII: the line holding the first one.
        std::size_t i = from;
        while (static_cast<unsigned char>(block[i]) < 0x80) {
            ++i;
        }
        candidate = detail::line_start(block, from, i);
    }
    return candidate;
}

void Matcher::match_line(std::string_view line, std::vector<std::size_t>& out) const {
    std::size_t before = out.size();
    impl_->match_line(line, out);
    // One order whichever way the triggers were found.
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(before), out.end());
}

void Matcher::Impl::match_line(std::string_view line, std::vector<std::size_t>& out,
                               const std::vector<std::uint32_t>* windows) const {
    const Impl& m = *this;
    if (m.regexes.empty()) {
        return;
    }
    // Thread-local scratch keeps match_line const and allocation-free in the loop.
    thread_local std::vector<std::uint32_t> regex_stamp;
    thread_local std::vector<std::uint32_t> candidates;
    thread_local std::vector<int> set_hits;
    thread_local std::string lowered;
    thread_local std::vector<std::uint32_t> letter_stamp;  // by letter: in this line
    thread_local std::vector<std::uint32_t> line_letters;
    thread_local std::vector<std::uint32_t> unit_stamp;     // by unit: decided in this line
    thread_local std::vector<std::uint8_t> unit_result;     // 1 match, 0 none, 2 RE2 rejects it
    thread_local std::vector<std::uint32_t> ordered_stamp;  // by `ordered`: decided in this line
    thread_local std::vector<std::uint8_t> ordered_result;
    thread_local std::uint32_t generation = 0;
    if (regex_stamp.size() < m.regexes.size() || letter_stamp.size() < m.letters.size() ||
        unit_stamp.size() < m.units.size() || ordered_stamp.size() < m.ordered.size()) {
        regex_stamp.assign(std::max(regex_stamp.size(), m.regexes.size()), 0);
        letter_stamp.assign(std::max(letter_stamp.size(), m.letters.size()), 0);
        unit_stamp.assign(std::max(unit_stamp.size(), m.units.size()), 0);
        unit_result.assign(unit_stamp.size(), 0);
        ordered_stamp.assign(std::max(ordered_stamp.size(), m.ordered.size()), 0);
        ordered_result.assign(ordered_stamp.size(), 0);
        generation = 0;
    }
    if (++generation == 0) {
        std::fill(regex_stamp.begin(), regex_stamp.end(), 0);
        std::fill(letter_stamp.begin(), letter_stamp.end(), 0);
        std::fill(unit_stamp.begin(), unit_stamp.end(), 0);
        std::fill(ordered_stamp.begin(), ordered_stamp.end(), 0);
        generation = 1;
    }
    candidates.clear();
    const std::size_t out_before = out.size();
    bool fold = false;
    bool is_lowered = false;
    int non_ascii = -1;  // not looked at yet
    auto has_non_ascii_byte = [&] {
        if (non_ascii < 0) {
            non_ascii = has_non_ascii(line.data(), line.size()) ? 1 : 0;
        }
        return non_ascii == 1;
    };
    auto lower = [&]() -> const std::string& {
        if (!is_lowered) {
            lowered.assign(line);
            for (char& c : lowered) {
                c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
            }
            is_lowered = true;
        }
        return lowered;
    };
    bool letters_read = false;
    // The letters the line's characters beyond ASCII are.
    auto read_letters = [&] {
        if (letters_read) {
            return;
        }
        letters_read = true;
        line_letters.clear();
        for_each_non_ascii_char(line, [&](std::string_view c) {
            for (std::uint32_t letter : m.letters_of(c)) {
                if (letter_stamp[letter] != generation) {
                    letter_stamp[letter] = generation;
                    line_letters.push_back(letter);
                }
            }
        });
    };
    auto has_letter = [&](std::uint32_t letter) {
        if (!has_non_ascii_byte()) {
            return false;
        }
        read_letters();
        return letter_stamp[letter] == generation;
    };
    // A result kept for the rest of the line, worked out when first asked.
    auto for_the_line = [&](std::vector<std::uint32_t>& stamp, std::vector<std::uint8_t>& result,
                            std::uint32_t i, auto work) {
        if (stamp[i] != generation) {
            stamp[i] = generation;
            result[i] = static_cast<std::uint8_t>(work());
        }
        return result[i];
    };
    auto met = [&](std::uint32_t t) {
        const Impl::TermCheck& term = m.terms[t];
        if (regex_stamp[term.regex] == generation) {
            return;  // already a candidate
        }
        for (std::uint32_t i = term.letters_begin; i < term.letters_end; ++i) {
            if (!has_letter(m.rest_letters[i])) {
                return;
            }
        }
        for (std::uint32_t i = term.rest_begin; i < term.rest_end; ++i) {
            if (m.rest_literals[i].find_in(lower()) == std::string_view::npos) {
                return;
            }
        }
        if (term.unit != Impl::k_no_unit) {
            // RE2 on the alternative alone, once a line whichever pattern asks.
            std::uint8_t result = for_the_line(unit_stamp, unit_result, term.unit, [&] {
                const RE2& re = m.units[term.unit]->get();
                return re.ok() ? (RE2::PartialMatch(line, re) ? 1 : 0) : 2;
            });
            if (result == 2) {
                // RE2 rejects the part alone: the whole pattern decides.
                regex_stamp[term.regex] = generation;
                candidates.push_back(term.regex);
            } else if (result == 1 && m.regexes[term.regex]->get().ok()) {
                regex_stamp[term.regex] = generation;
                out.push_back(term.regex);
            }
            return;
        }
        if (term.ordered != Impl::k_no_unit && !has_non_ascii_byte()) {
            // Its own alternative decides; the others do when their terms are met.
            if (for_the_line(ordered_stamp, ordered_result, term.ordered, [&] {
                    return holds_in_order(m.ordered[term.ordered], lower()) ? 1 : 0;
                })) {
                regex_stamp[term.regex] = generation;
                out.push_back(term.regex);
            }
            return;
        }
        regex_stamp[term.regex] = generation;
        candidates.push_back(term.regex);
    };
    auto found = [&](const Impl::Trigger& trigger) {
        if (trigger.unicode_fold) {
            fold = true;
            return;
        }
        for (std::uint32_t term : trigger.terms) {
            met(term);
        }
    };
    // Trigger by trigger is for a few short lines (a message); a long line
    // would be read once per trigger.
    auto found_window = [&](std::uint32_t begin) {  // the window's first entry
        // A trigger the window does not confirm is looked for once.
        std::uint32_t looked_for = Impl::k_no_term;
        bool there = false;
        for (std::uint32_t e = begin;; ++e) {
            const Impl::WindowTerm& entry = m.window_terms[e];
            if (entry.term != Impl::k_no_term && regex_stamp[entry.regex] == generation) {
                if (entry.last) {
                    break;
                }
                continue;  // decided in this line already
            }
            if (!entry.confirmed && entry.trigger != looked_for) {
                looked_for = entry.trigger;
                there = m.triggers[entry.trigger].text.find_in(lower()) != std::string_view::npos;
            }
            if (entry.confirmed || there) {
                if (entry.term == Impl::k_no_term) {
                    found(m.triggers[entry.trigger]);  // a Unicode fold
                } else {
                    met(entry.term);
                }
            }
            if (entry.last) {
                break;
            }
        }
    };
    if (windows != nullptr) {
        for (std::uint32_t window : *windows) {
            found_window(window);
        }
    } else if (m.literals_built.load(std::memory_order_acquire) || line.size() > 1024) {
        m.automaton().for_each_match(line, found_window);
    } else {
        for (const Impl::Trigger& trigger : m.triggers) {
            if (trigger.text.find_in(lower()) != std::string_view::npos) {
                found(trigger);
            }
        }
    }
    if (m.letter_triggers && has_non_ascii_byte()) {
        read_letters();
        for (std::uint32_t letter : line_letters) {
            for (std::uint32_t t : m.letter_terms[letter]) {
                met(t);
            }
        }
    }
    auto run = [&](std::uint32_t r) {
        const RE2& re = m.regexes[r]->get();
        if (re.ok() && RE2::PartialMatch(line, re)) {
            out.push_back(r);
        }
    };
    if (fold) {
        out.resize(out_before);  // what alternatives in order found: every regex decides
        for (std::uint32_t r = 0; r < m.regexes.size(); ++r) {
            run(r);
        }
        return;
    }
    for (std::uint32_t r : candidates) {
        if (m.pure[r]) {
            out.push_back(r);
            continue;
        }
        if (!m.in_order[r].empty() && !has_non_ascii_byte()) {
            if (holds_in_order(m.in_order[r], lower())) {
                out.push_back(r);
            }
            continue;
        }
        run(r);
    }
    if (m.residues.empty()) {
        return;
    }
    // A regex already tried as a candidate was decided whole.
    auto decided = [&](const Impl::Residue& residue) {
        return std::all_of(residue.regexes.begin(), residue.regexes.end(),
                           [&](std::uint32_t r) { return regex_stamp[r] == generation; });
    };
    auto report = [&](const Impl::Residue& residue) {
        for (std::uint32_t r : residue.regexes) {
            if (regex_stamp[r] != generation && m.regexes[r]->get().ok()) {
                regex_stamp[r] = generation;
                out.push_back(r);
            }
        }
    };
    for (const Impl::Residue& residue : m.residues) {
        if (!residue.run || decided(residue)) {
            continue;
        }
        if (has_non_ascii_byte() ? RE2::PartialMatch(line, residue.alone->get())
                                 : residue.run->found_in(lower())) {
            report(residue);
        }
    }
    if (m.set_residues.empty()) {
        return;
    }
    std::call_once(m.residue_set_once, [&m] {
        auto set = std::make_unique<RE2::Set>(pattern_options(32 << 20), RE2::UNANCHORED);
        for (std::uint32_t i : m.set_residues) {
            if (set->Add(m.residues[i].alone->pattern, nullptr) < 0) {
                return;  // a part RE2 rejects: they run one by one, and it fails there
            }
        }
        if (set->Compile()) {
            m.residue_set = std::move(set);
        }
    });
    if (m.residue_set != nullptr) {
        set_hits.clear();
        RE2::Set::ErrorInfo error{};
        if (m.residue_set->Match(line, &set_hits, &error)) {
            for (int i : set_hits) {
                report(m.residues[m.set_residues[static_cast<std::size_t>(i)]]);
            }
            return;
        }
        if (error.kind == RE2::Set::kNoError) {
            return;  // no match
        }
        // The set's DFA ran out of memory on this line: one by one instead.
    }
    for (std::uint32_t i : m.set_residues) {
        const Impl::Residue& residue = m.residues[i];
        const RE2& re = residue.alone->get();
        if (!decided(residue) && re.ok() && RE2::PartialMatch(line, re)) {
            report(residue);
        }
    }
}

std::vector<std::pair<std::size_t, double>> Matcher::similar(std::string_view message,
                                                             std::size_t max) const {
    const Impl& m = *impl_;
    m.build_index();
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
    const char* p = raw.data();
    const char* end = p + raw.size();
    while (p != end) {
        if (*p == '\r') {
            ++p;
        } else if (*p == '\x1b') {
            p = detail::skip_escape(p, end);
        } else {
            out += *p++;
        }
    }
}

LogScanner::LogScanner(const Matcher& matcher, std::string source)
    : matcher_(matcher), source_(std::move(source)) {
    seen_.resize(matcher.catalogue().size());
}

void LogScanner::feed(std::string_view bytes) {
    while (!bytes.empty()) {
        if (!pending_.empty() || continuing_) {
            // Finish the line begun in an earlier chunk.
            const void* nl = std::memchr(bytes.data(), '\n', bytes.size());
            if (nl == nullptr) {
                hold(bytes);
                return;
            }
            std::size_t len = static_cast<std::size_t>(static_cast<const char*>(nl) - bytes.data());
            pending_.append(bytes.substr(0, len));
            scan_whole(pending_);
            pending_.clear();
            bytes.remove_prefix(len + 1);
            continue;
        }
        const void* last = memrchr(bytes.data(), '\n', bytes.size());
        if (last == nullptr) {
            hold(bytes);
            return;
        }
        std::size_t end =
            static_cast<std::size_t>(static_cast<const char*>(last) - bytes.data()) + 1;
        scan_block(bytes.substr(0, end));
        bytes.remove_prefix(end);
    }
}

void LogScanner::hold(std::string_view bytes) {
    pending_.append(bytes);
    // An over-long line is scanned in pieces so memory stays bounded.
    while (pending_.size() >= k_max_line_bytes) {
        scan_line(std::string_view(pending_).substr(0, k_max_line_bytes));
        continuing_ = true;
        pending_.erase(0, k_max_line_bytes);
    }
}

void LogScanner::scan_whole(std::string_view line) {
    // The same pieces as hold() makes, however the line arrived.
    while (line.size() >= k_max_line_bytes) {
        scan_line(line.substr(0, k_max_line_bytes));
        continuing_ = true;
        line.remove_prefix(k_max_line_bytes);
    }
    scan_line(line);
    continuing_ = false;
}

namespace {
// Where the line holding block[pos] ends: its newline (a block ends with one).
std::size_t line_end(std::string_view block, std::size_t pos) {
    const void* nl = std::memchr(block.data() + pos, '\n', block.size() - pos);
    return static_cast<std::size_t>(static_cast<const char*>(nl) - block.data());
}
}  // namespace

void LogScanner::scan_block(std::string_view block) {
    std::size_t pos = 0;
    // The first few kilobytes (all of a message) line by line: building the
    // automaton the block scan needs costs more than they do.
    while (pos < block.size() && bytes_scanned_ < k_direct_bytes) {
        std::size_t end = line_end(block, pos);
        scan_whole(block.substr(pos, end - pos));
        bytes_scanned_ += end + 1 - pos;
        pos = end + 1;
    }
    if (pos == block.size()) {
        return;  // a message: no automaton needed
    }
    const Matcher::Impl& m = *matcher_.impl_;
    const detail::LiteralSet& automaton = m.automaton();  // match_line uses it from now on
    if (!m.residues.empty()) {
        // Some regex must see every line: no line is skipped, and lines are
        // walked in batches, four at a time.
        while (pos < block.size()) {
            std::size_t after = scan_batch(block, pos);
            if (after == pos) {
                // A line to scan in pieces.
                std::size_t end = line_end(block, pos);
                scan_whole(block.substr(pos, end - pos));
                after = end + 1;
            }
            pos = after;
        }
        return;
    }
    // One two-lane scan for the whole block: what its lane B read ahead
    // serves the calls after.
    detail::CandidateScan scan(automaton, block);
    while (pos < block.size()) {
        std::size_t candidate = m.next_candidate(block, pos, scan);
        if (candidate - pos >= k_max_line_bytes) {
            // A line this long is scanned in pieces, each cleaned on its own,
            // which can find what the whole line cleaned does not: the
            // pieces decide, as they do when the line arrives in chunks.
            candidate = long_line_in(block, pos, candidate);
        }
        line_number_ += detail::count_newlines(block.data() + pos, candidate - pos);
        if (candidate == block.size()) {
            return;
        }
        std::size_t end = line_end(block, candidate);
        scan_whole(block.substr(candidate, end - candidate));
        pos = end + 1;
    }
}

std::size_t LogScanner::long_line_in(std::string_view block, std::size_t from, std::size_t to) {
    while (from < to) {
        const void* nl = std::memchr(block.data() + from, '\n', to - from);
        std::size_t end =
            nl == nullptr ? to
                          : static_cast<std::size_t>(static_cast<const char*>(nl) - block.data());
        if (end - from >= k_max_line_bytes) {
            return from;
        }
        from = end + 1;
    }
    return to;
}

void LogScanner::finish() {
    if (!pending_.empty() || continuing_) {
        scan_whole(pending_);
        pending_.clear();
    }
    continuing_ = false;
}

namespace {
double regex_score(const Matcher& matcher, std::size_t record, bool exact) {
    return 100.0 + matcher.specificity(record) + (exact ? 100.0 : 0.0);
}
}  // namespace

namespace {
// `raw` as matched: cleaned into `buffer` when it holds an escape or a CR.
std::string_view cleaned(std::string_view raw, std::string& buffer) {
    if (std::memchr(raw.data(), '\x1b', raw.size()) != nullptr ||
        std::memchr(raw.data(), '\r', raw.size()) != nullptr) {
        clean_line(raw, buffer);
        return buffer;
    }
    return raw;
}
}  // namespace

void LogScanner::scan_line(std::string_view raw) {
    if (!continuing_) {
        ++line_number_;
    }
    std::string_view line = cleaned(raw, cleaned_);
    hits_.clear();
    matcher_.match_line(line, hits_);
    note_hits(line);
}

std::size_t LogScanner::scan_batch(std::string_view block, std::size_t pos) {
    // Whole lines from `pos`, up to k_batch_lines, stopping before a line
    // long enough to be scanned in pieces.
    constexpr std::size_t k_batch_lines = 32;
    if (batch_cleaned_.size() < k_batch_lines) {
        batch_cleaned_.resize(k_batch_lines);
        batch_windows_.resize(k_batch_lines);
    }
    batch_lines_.clear();
    while (pos < block.size() && batch_lines_.size() < k_batch_lines) {
        std::size_t end = line_end(block, pos);
        if (end - pos >= k_max_line_bytes) {
            break;
        }
        std::size_t i = batch_lines_.size();
        batch_lines_.push_back(cleaned(block.substr(pos, end - pos), batch_cleaned_[i]));
        batch_windows_[i].clear();
        pos = end + 1;
    }
    matcher_.impl_->automaton().for_each_match_in(
        batch_lines_.data(), batch_lines_.size(),
        [this](std::size_t i, std::uint32_t w) { batch_windows_[i].push_back(w); });
    for (std::size_t i = 0; i < batch_lines_.size(); ++i) {
        ++line_number_;
        hits_.clear();
        matcher_.impl_->match_line(batch_lines_[i], hits_, &batch_windows_[i]);
        std::sort(hits_.begin(), hits_.end());
        note_hits(batch_lines_[i]);
    }
    return pos;
}

void LogScanner::note_hits(std::string_view line) {
    std::string norm_line;  // made once, and only when a record is seen for the first time
    for (std::size_t r : hits_) {
        Seen& s = seen_[r];
        if (s.count > 0 && s.last_line == line_number_) {
            continue;  // another piece of a line already counted
        }
        s.last_line = line_number_;
        if (s.count++ == 0) {
            s.line = line_number_;
            constexpr std::size_t k_max_kept = 4096;
            s.text = std::string(line.substr(0, k_max_kept));
            if (norm_line.empty()) {
                norm_line = normalized(line);
            }
            s.exact = matcher_.holds_signature(r, norm_line);
            order_.push_back(r);
            if (on_first_match_) {
                Diagnosis first = diagnosis_of(r);
                first.count = 1;
                on_first_match_(first);
            }
        }
    }
}

void LogScanner::append(const LogScanner& next) {
    for (std::size_t r : next.order_) {
        const Seen& theirs = next.seen_[r];
        Seen& mine = seen_[r];
        if (mine.count == 0) {
            mine = theirs;
            mine.line += line_number_;
            order_.push_back(r);
        } else {
            mine.count += theirs.count;
        }
        mine.last_line = theirs.last_line + line_number_;
    }
    line_number_ += next.line_number_;
}

Diagnosis LogScanner::diagnosis_of(std::size_t record) const {
    const Seen& s = seen_[record];
    return {&matcher_.catalogue().record(record),
            MatchKind::regex,
            regex_score(matcher_, record, s.exact),
            source_,
            s.line,
            s.text,
            s.count};
}

std::vector<Diagnosis> LogScanner::diagnoses_as_found() const {
    std::vector<Diagnosis> out;
    for (std::size_t r : order_) {
        out.push_back(diagnosis_of(r));
    }
    return out;
}

std::vector<Diagnosis> LogScanner::diagnoses() const {
    std::vector<Diagnosis> out = diagnoses_as_found();
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
    for (const auto& [index, similarity] : matcher.similar(cleaned, max_similar)) {
        out.push_back({&matcher.catalogue().record(index), MatchKind::similar,
                       std::round(similarity * 100.0), "", 0, "", 0});
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
