#include "literal_set.hpp"

#include "errlens/huge_pages.hpp"

#include <algorithm>
#include <cstring>
#include <deque>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace errlens::detail {

LiteralSet::LiteralSet(const std::vector<std::string>& literals) {
    // Byte classes: one per distinct byte in the literals (case-folded), one
    // each for newline, carriage return and escape, class 0 for the rest.
    std::array<bool, 256> used{};
    bool high = false;
    for (const auto& lit : literals) {
        for (unsigned char c : lit) {
            used[c] = c < 0x80;
            high = high || c >= 0x80;
        }
    }
    used['\n'] = used['\r'] = used['\x1b'] = true;
    for (int c = 0; c < 0x80; ++c) {
        if (used[c] && !(c >= 'A' && c <= 'Z')) {
            class_of_[c] = static_cast<std::uint16_t>(classes_++);
        }
    }
    // All bytes >= 0x80 share one class: CJK, Hangul and Cyrillic literals
    // would otherwise add a class per byte and multiply the table's size.
    if (high) {
        for (int c = 0x80; c < 0x100; ++c) {
            class_of_[c] = static_cast<std::uint16_t>(classes_);
        }
        ++classes_;
    }
    for (int c = 'A'; c <= 'Z'; ++c) {
        class_of_[c] = class_of_[c - 'A' + 'a'];
    }
    const std::uint32_t newline = class_of_['\n'];
    const std::uint32_t carriage_return = class_of_['\r'];
    const std::uint32_t escape = class_of_['\x1b'];

    // Trie. Its table is reserved for the most states the literals can make
    // (one per byte, the root and the escape state): grown by doubling, it
    // was copied and faulted in anew at each step, most of a scan's start-up.
    std::size_t most_states = 2;
    for (const auto& lit : literals) {
        most_states += lit.size();
    }
    std::vector<std::vector<std::uint32_t>> out_of_state(1);
    out_of_state.reserve(most_states);
    std::vector<std::uint32_t> trie;
    trie.reserve(most_states * classes_);
    // Tens of MB with tens of thousands of literals, read at random: with 4 KB
    // pages most walk steps also missed the TLB (20,000 records: the walk
    // alone 226 -> 276 MB/s, the whole scan about 8% faster).
    advise_huge_pages(trie.data(), trie.capacity() * sizeof(std::uint32_t));
    trie.assign(classes_, 0);
    auto child = [&](std::uint32_t s, std::uint32_t cls) -> std::uint32_t& {
        return trie[s * classes_ + cls];
    };
    std::uint32_t states = 1;
    for (std::uint32_t i = 0; i < literals.size(); ++i) {
        if (literals[i].empty()) {
            continue;
        }
        std::uint32_t s = 0;
        for (unsigned char c : literals[i]) {
            std::uint32_t cls = class_of_[c];
            if (child(s, cls) == 0) {
                child(s, cls) = states++;
                trie.resize(static_cast<std::size_t>(states) * classes_, 0);
                out_of_state.emplace_back();
            }
            s = child(s, cls);
        }
        out_of_state[s].push_back(i);
    }

    // Breadth-first failure links, turning the trie into a full DFA.
    std::vector<std::uint32_t> fail(states, 0);
    std::deque<std::uint32_t> queue;
    for (std::uint32_t cls = 0; cls < classes_; ++cls) {
        if (child(0, cls) != 0) {
            queue.push_back(child(0, cls));
        }
    }
    while (!queue.empty()) {
        std::uint32_t s = queue.front();
        queue.pop_front();
        const auto& inherited = out_of_state[fail[s]];
        out_of_state[s].insert(out_of_state[s].end(), inherited.begin(), inherited.end());
        for (std::uint32_t cls = 0; cls < classes_; ++cls) {
            std::uint32_t t = child(s, cls);
            if (t != 0) {
                fail[t] = child(fail[s], cls);
                queue.push_back(t);
            } else {
                child(s, cls) = child(fail[s], cls);
            }
        }
    }

    // The escape state: flagged, without outputs, and otherwise like the root.
    const std::uint32_t escape_state = states++;
    trie.resize(static_cast<std::size_t>(states) * classes_, 0);
    out_of_state.emplace_back();
    for (std::uint32_t cls = 0; cls < classes_; ++cls) {
        child(escape_state, cls) = child(0, cls);
    }
    for (std::uint32_t s = 0; s < states; ++s) {
        child(s, newline) = 0;
        child(s, carriage_return) = s;
        child(s, escape) = escape_state;
    }

    // Renumber: unflagged states first (the root stays 0), flagged ones last.
    std::vector<std::uint32_t> order;
    std::vector<std::uint32_t> number(states);
    for (int flagged = 0; flagged < 2; ++flagged) {
        for (std::uint32_t s = 0; s < states; ++s) {
            bool f = s == escape_state || !out_of_state[s].empty();
            if (f == (flagged == 1)) {
                number[s] = static_cast<std::uint32_t>(order.size());
                order.push_back(s);
            }
        }
        if (flagged == 0) {
            first_flagged_ = static_cast<std::uint32_t>(order.size()) * classes_;
        }
    }
    // The trie's table becomes the DFA's in place (a second table of the
    // same size was as many page faults again): targets renumbered and
    // premultiplied, then rows moved to their new numbers, cycle by cycle.
    for (auto& target : trie) {
        target = number[target] * classes_;
    }
    std::vector<bool> placed(states, false);
    std::vector<std::uint32_t> row(classes_);
    for (std::uint32_t start = 0; start < states; ++start) {
        if (placed[start]) {
            continue;
        }
        // Old row `start` goes to number[start], whose old row goes on, and so on.
        std::copy_n(trie.begin() + std::ptrdiff_t{start} * classes_, classes_, row.begin());
        std::uint32_t s = start;
        while (!placed[number[s]]) {
            std::uint32_t to = number[s];
            placed[to] = true;
            auto to_row = trie.begin() + std::ptrdiff_t{to} * classes_;
            std::swap_ranges(row.begin(), row.end(), to_row);
            s = to;
        }
    }
    next_ = std::move(trie);
    output_begin_.reserve(states + 1);
    for (std::uint32_t n = 0; n < states; ++n) {
        std::uint32_t s = order[n];
        output_begin_.push_back(static_cast<std::uint32_t>(outputs_.size()));
        outputs_.insert(outputs_.end(), out_of_state[s].begin(), out_of_state[s].end());
    }
    output_begin_.push_back(static_cast<std::uint32_t>(outputs_.size()));
}

std::size_t LiteralSet::find_candidate(std::string_view block, std::size_t from) const {
    const auto* base = reinterpret_cast<const unsigned char*>(block.data());
    const auto* p = base + from;
    const auto* end = base + block.size();
    const std::uint32_t* next = next_.data();
    const std::uint16_t* cls = class_of_.data();
    const std::uint32_t flagged = first_flagged_;
    std::uint32_t state = 0;
    while (true) {
        // Two steps between checks of the end: this loop is the whole scan of most text.
        std::uint32_t s = state;
        while (end - p >= 2) {
            std::uint32_t s1 = next[s + cls[p[0]]];
            if (s1 >= flagged) {
                break;
            }
            s = next[s1 + cls[p[1]]];
            if (s >= flagged) {
                s = s1;
                ++p;
                break;
            }
            p += 2;
        }
        // p is at the byte that leads to a flagged state, or near the end.
        std::uint32_t hit = 0;
        for (; p != end; ++p) {
            hit = next[s + cls[*p]];
            if (hit >= flagged) {
                break;
            }
            s = hit;
        }
        if (p == end) {
            return block.size();
        }
        if (*p != 0x1b) {
            break;  // a literal
        }
        // Step over the escape sequence from the state before it.
        p = reinterpret_cast<const unsigned char*>(
            skip_escape(reinterpret_cast<const char*>(p), reinterpret_cast<const char*>(end)));
        state = s;
    }
    return line_start(block, from, static_cast<std::size_t>(p - base));
}

bool CandidateScan::cut_chunks(std::size_t i) {
    while (chunks_.size() <= i) {
        std::size_t begin = chunks_.empty() ? 0 : chunks_.back().end;
        if (begin >= block_.size()) {
            return false;
        }
        std::size_t at = begin + chunk_bytes_;
        const void* nl = at < block_.size()
                             ? std::memchr(block_.data() + at, '\n', block_.size() - at)
                             : nullptr;
        std::size_t end =
            nl == nullptr
                ? block_.size()
                : static_cast<std::size_t>(static_cast<const char*>(nl) - block_.data()) + 1;
        Chunk chunk;
        chunk.begin = begin;
        chunk.end = end;
        chunks_.push_back(std::move(chunk));
    }
    return true;
}

void CandidateScan::Chunk::read_from(std::size_t at) {
    read = true;
    start = pos = at;
    state = 0;
    lines.clear();
}

std::size_t CandidateScan::note_line(Chunk& chunk) const {
    std::size_t line = line_start(block_, chunk.start, chunk.pos);
    const void* nl = std::memchr(block_.data() + chunk.pos, '\n', chunk.end - chunk.pos);
    chunk.pos = nl == nullptr
                    ? chunk.end
                    : static_cast<std::size_t>(static_cast<const char*>(nl) - block_.data()) + 1;
    chunk.state = 0;
    chunk.lines.push_back(line);
    return line;
}

std::size_t CandidateScan::next(std::size_t from) {
    const auto* base = reinterpret_cast<const unsigned char*>(block_.data());
    const std::uint32_t* next = set_.next_.data();
    const std::uint16_t* cls = set_.class_of_.data();
    const std::uint32_t flagged = set_.first_flagged_;
    auto escape_end = [](const unsigned char* esc, const unsigned char* limit) {
        return reinterpret_cast<const unsigned char*>(
            skip_escape(reinterpret_cast<const char*>(esc), reinterpret_cast<const char*>(limit)));
    };
    while (have_chunk(a_) && chunks_[a_].end <= from) {
        ++a_;
    }
    while (have_chunk(a_)) {
        Chunk& ca = chunks_[a_];
        // What was read of A's chunk holds `from` (a line start, where a
        // walk begun earlier is also in the start state), or it is read anew.
        if (!ca.read || from < ca.start || from > ca.pos) {
            ca.read_from(from);
        }
        auto known = std::lower_bound(ca.lines.begin(), ca.lines.end(), from);
        if (known != ca.lines.end()) {
            return *known;
        }
        if (ca.pos == ca.end) {
            from = ca.end;
            ++a_;
            continue;
        }
        // Lane B: the first chunk after A's not read to its end.
        b_ = std::max(b_, a_ + 1);
        while (have_chunk(b_) && chunks_[b_].read && chunks_[b_].pos == chunks_[b_].end) {
            ++b_;
        }
        // Cutting chunks for B may have moved them: A's chunk afresh.
        Chunk& a = chunks_[a_];
        const unsigned char* pa = base + a.pos;
        const unsigned char* ea = base + a.end;
        std::uint32_t sa = a.state;
        if (b_ < chunks_.size()) {
            Chunk& cb = chunks_[b_];
            if (!cb.read) {
                cb.read_from(cb.begin);
            }
            const unsigned char* pb = base + cb.pos;
            const unsigned char* eb = base + cb.end;
            std::uint32_t sb = cb.state;
            std::uint32_t na = 0;
            std::uint32_t nb = 0;
            while (pa != ea && pb != eb) {
                na = next[sa + cls[*pa]];
                nb = next[sb + cls[*pb]];
                if (na >= flagged || nb >= flagged) {
                    break;
                }
                sa = na;
                sb = nb;
                ++pa;
                ++pb;
            }
            cb.pos = static_cast<std::size_t>(pb - base);
            cb.state = sb;
            if (pb != eb && nb >= flagged) {
                if (*pb == 0x1b) {
                    cb.pos = static_cast<std::size_t>(escape_end(pb, eb) - base);
                } else {
                    note_line(cb);  // and B goes on at the next line
                }
            }
        } else {
            // No chunk left for B: A alone.
            while (pa != ea && next[sa + cls[*pa]] < flagged) {
                sa = next[sa + cls[*pa]];
                ++pa;
            }
        }
        a.pos = static_cast<std::size_t>(pa - base);
        a.state = sa;
        if (pa != ea && next[sa + cls[*pa]] >= flagged) {
            if (*pa == 0x1b) {
                a.pos = static_cast<std::size_t>(escape_end(pa, ea) - base);
                continue;
            }
            // A's answer; the caller goes on after its line, where A's walk resumes.
            return note_line(a);
        }
        // Go round: A's chunk is read to its end (next chunk) or further.
    }
    return block_.size();
}

std::size_t line_start(std::string_view block, std::size_t from, std::size_t pos) {
    const void* nl = memrchr(block.data() + from, '\n', pos - from);
    return nl == nullptr
               ? from
               : static_cast<std::size_t>(static_cast<const char*>(nl) - block.data()) + 1;
}

const char* skip_escape(const char* esc, const char* end) {
    auto in = [](const char* q, int lo, int hi) {
        auto c = static_cast<unsigned char>(*q);
        return c >= lo && c <= hi;
    };
    const char* q = esc + 1;
    if (q == end || *q == '\n') {
        return q;
    }
    if (*q == '[') {
        ++q;
        while (q != end && in(q, 0x20, 0x3F)) {
            ++q;
        }
        if (q != end && in(q, 0x40, 0x7E)) {
            ++q;
        }
        return q;
    }
    if (*q == ']') {
        ++q;
        while (q != end && *q != '\n' && *q != '\x07' &&
               !(*q == '\x1b' && q + 1 != end && q[1] == '\\')) {
            ++q;
        }
        if (q == end || *q == '\n') {
            return q;
        }
        return q + (*q == '\x07' ? 1 : 2);
    }
    // ESC, intermediate bytes (0x20-0x2F), one final byte: ESC ( B, ESC 7, ...
    while (q != end && in(q, 0x20, 0x2F)) {
        ++q;
    }
    return q == end || *q == '\n' ? q : q + 1;
}

std::size_t count_newlines(const char* p, std::size_t n) {
    std::size_t count = 0;
    std::size_t i = 0;
#if defined(__SSE2__)
    // Byte counters (0 - (-1) per newline), summed every 255 rounds before they wrap.
    const __m128i newline = _mm_set1_epi8('\n');
    const __m128i zero = _mm_setzero_si128();
    while (i + 16 <= n) {
        __m128i counters = zero;
        std::size_t rounds = std::min<std::size_t>(255, (n - i) / 16);
        for (std::size_t r = 0; r < rounds; ++r, i += 16) {
            __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
            counters = _mm_sub_epi8(counters, _mm_cmpeq_epi8(bytes, newline));
        }
        __m128i sums = _mm_sad_epu8(counters, zero);
        count += static_cast<std::size_t>(_mm_cvtsi128_si64(sums)) +
                 static_cast<std::size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sums, sums)));
    }
#endif
    for (; i < n; ++i) {
        count += p[i] == '\n' ? 1 : 0;
    }
    return count;
}

}  // namespace errlens::detail
