// Internal: an Aho-Corasick automaton over the lowercase literals the matcher
// requires of its patterns, as a dense DFA over an alphabet of byte classes.
// ASCII upper and lower case share a class, so text is matched
// case-insensitively without lowercasing it first.
//
// The same automaton runs two ways. Over one cleaned line (for_each_match),
// or a batch of them walked four at a time (for_each_match_in), it reports
// every literal found. Over a block of raw log lines (CandidateScan,
// find_candidate) it only says where the first line that may match is, which is what lets the
// scanner skip the lines that hold no literal at all; for that it also knows
// what cleaning would do to a raw line: a newline resets it (literals never
// span lines), a carriage return is skipped as clean_line drops it, and an
// escape byte leads to a flagged state, as cleaning could join a
// literal across an escape sequence, so the scan steps over the sequence and
// goes on from the state before it, as if the line had been cleaned.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace errlens::detail {

class LiteralSet {
  public:
    /// `literals` must be lowercase ASCII or caseless UTF-8 bytes, without a
    /// newline; an empty one never matches. Bytes >= 0x80 all match each
    /// other: a literal holding one is only a candidate, for the caller to confirm.
    explicit LiteralSet(const std::vector<std::string>& literals);

    /// Calls `found(literal_index)` for every literal occurring in `text`
    /// (possibly more than once for the same literal), and for literals with
    /// bytes >= 0x80 that may occur.
    template <typename Found>
    void for_each_match(std::string_view text, Found found) const {
        walk(0, text, found);
    }

    /// for_each_match over each of `texts` (`count` of them), calling
    /// `found(text_index, literal_index)`. Four texts are walked at once, and
    /// a walk that ends goes on with the next text: each walk is a chain of
    /// dependent loads through a table too large for the cache, and
    /// independent chains overlap (public records, 17 MB: two lanes 1.28x
    /// one, four a little more).
    template <typename Found>
    void for_each_match_in(const std::string_view* texts, std::size_t count, Found found) const {
        constexpr int k_lanes = 4;
        struct Lane {
            const unsigned char* p = nullptr;
            const unsigned char* end = nullptr;
            std::uint32_t state = 0;
            std::size_t text = 0;
        };
        std::size_t next_text = 0;
        auto start = [&](Lane& lane) {
            while (next_text < count) {
                const auto* p = reinterpret_cast<const unsigned char*>(texts[next_text].data());
                lane = {p, p + texts[next_text].size(), 0, next_text};
                ++next_text;
                if (lane.p != lane.end) {
                    return true;
                }
            }
            return false;
        };
        const std::uint32_t* next = next_.data();
        const std::uint16_t* cls = class_of_.data();
        const std::uint32_t flagged = first_flagged_;
        Lane lanes[k_lanes];
        int live = 0;
        while (live < k_lanes && start(lanes[live])) {
            ++live;
        }
        // Every lane walks while each has a text; once none is left to
        // start, the lanes still walking end alone.
        while (live == k_lanes) {
            auto steps = lanes[0].end - lanes[0].p;
            for (int k = 1; k < k_lanes; ++k) {
                steps = std::min(steps, lanes[k].end - lanes[k].p);
            }
            for (; steps > 0; --steps) {
                bool any = false;
                for (Lane& lane : lanes) {
                    lane.state = next[lane.state + cls[*lane.p++]];
                    any |= lane.state >= flagged;
                }
                if (any) {
                    for (const Lane& lane : lanes) {
                        if (lane.state >= flagged) {
                            report(lane.state, [&](std::uint32_t lit) { found(lane.text, lit); });
                        }
                    }
                }
            }
            for (int k = 0; k < live;) {
                if (lanes[k].p == lanes[k].end && !start(lanes[k])) {
                    lanes[k] = lanes[--live];
                } else {
                    ++k;
                }
            }
        }
        for (int k = 0; k < live; ++k) {
            const Lane& lane = lanes[k];
            walk(lane.state,
                 std::string_view(reinterpret_cast<const char*>(lane.p),
                                  static_cast<std::size_t>(lane.end - lane.p)),
                 [&](std::uint32_t lit) { found(lane.text, lit); });
        }
    }

    /// Offset in `block` of the first byte of the first line holding a literal
    /// once cleaned (see clean_line), starting at `from` (a line start);
    /// block.size() when none does. The scanner asks CandidateScan, which
    /// gives the same answers faster; this one-lane walk is what
    /// test_literal_set checks it against.
    std::size_t find_candidate(std::string_view block, std::size_t from) const;

    std::size_t states() const { return output_begin_.size() - 1; }

    /// From now on, reports `values[i]` where it reported literal `i`: what
    /// the caller would look up first, saved a lookup per find.
    void relabel(const std::vector<std::uint32_t>& values) {
        for (auto& output : outputs_) {
            output = values.at(output);
        }
    }

  private:
    template <typename Found>
    void report(std::uint32_t state, Found&& found) const {
        std::uint32_t s = state / classes_;
        for (std::uint32_t i = output_begin_[s]; i < output_begin_[s + 1]; ++i) {
            found(outputs_[i]);
        }
    }
    template <typename Found>
    void walk(std::uint32_t state, std::string_view text, Found&& found) const {
        const auto* p = reinterpret_cast<const unsigned char*>(text.data());
        const auto* end = p + text.size();
        const std::uint32_t* next = next_.data();
        for (; p != end; ++p) {
            state = next[state + class_of_[*p]];
            if (state >= first_flagged_) {
                report(state, found);
            }
        }
    }

    friend class CandidateScan;
    std::array<std::uint16_t, 256> class_of_{};
    std::uint32_t classes_ = 1;
    // Transitions as offsets (state * classes_) so the loop needs no multiply;
    // states with outputs, and the escape state, are numbered last so one
    // comparison (>= first_flagged_) tells the loop to stop.
    std::vector<std::uint32_t> next_;
    std::uint32_t first_flagged_ = 0;
    std::vector<std::uint32_t> output_begin_;  // by state number, states + 1
    std::vector<std::uint32_t> outputs_;
};

/// LiteralSet::find_candidate over one block, asked with `from` never
/// decreasing, in two interleaved lanes. The automaton's walk is a chain of
/// dependent loads, so two independent walks take about the time of one.
/// The block is cut at line starts into chunks (the automaton is in its
/// start state at a line start, whatever came before): lane A reads the
/// chunk holding `from` up to the next line holding a literal, lane B reads
/// the chunks after it, noting every line holding one, for the calls that
/// follow to answer without reading. Same answers as find_candidate.
class CandidateScan {
  public:
    /// `chunk`: the bytes a chunk holds at least (it ends at the next line
    /// start), long enough for both lanes to have long runs to read.
    CandidateScan(const LiteralSet& set, std::string_view block, std::size_t chunk = 16 << 10)
        : set_(set), block_(block), chunk_bytes_(chunk) {}

    /// find_candidate(block, from); `from` a line start, not before the
    /// previous call's.
    std::size_t next(std::size_t from);

  private:
    struct Chunk {
        std::size_t begin;
        std::size_t end;
        // Read from `start` (a line start) to `pos`, in automaton state
        // `state`; `lines`: the starts of the lines holding a literal in
        // there (each is read to its end, and the walk goes on at the next
        // line). Read to the end when pos == end.
        bool read = false;
        std::size_t start = 0;
        std::size_t pos = 0;
        std::uint32_t state = 0;
        std::vector<std::size_t> lines;

        void read_from(std::size_t at);  // a line start: read anew from there
    };
    /// Notes the line holding the byte at `chunk.pos`, which leads to a
    /// literal, and moves the chunk's walk to the next line; returns the
    /// line's start.
    std::size_t note_line(Chunk& chunk) const;
    /// Chunk `i`, cutting the chunks up to it first; false past the block.
    bool have_chunk(std::size_t i) { return i < chunks_.size() || cut_chunks(i); }
    bool cut_chunks(std::size_t i);

    const LiteralSet& set_;
    std::string_view block_;
    std::size_t chunk_bytes_;
    std::vector<Chunk> chunks_;
    std::size_t a_ = 0;  // the chunk lane A is in
    std::size_t b_ = 0;  // no chunk before it is left for lane B
};

/// The end of the escape sequence starting at `esc` (an ESC byte), at most
/// `end`, never past a newline: CSI (ESC [ parameters final), OSC (ESC ] ...
/// BEL or ESC \\), or ESC, intermediate bytes and one final byte. What
/// clean_line drops, and what the block scan steps over.
const char* skip_escape(const char* esc, const char* end);

/// Where the line holding `block[pos]` starts, not before `from` (a line start).
std::size_t line_start(std::string_view block, std::size_t from, std::size_t pos);

/// Newlines in [p, p + n).
std::size_t count_newlines(const char* p, std::size_t n);

}  // namespace errlens::detail
