// The matcher finds which records a line matches (RE2, case-insensitive)
// without running every regex on every line: each pattern is reduced to the
// literals any match must contain, an automaton finds where they occur, and
// only the patterns whose literals are all there are run, each regex compiled
// when first needed. Results are data (Diagnosis); rendering is elsewhere.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "errlens/catalogue.hpp"
#include "errlens/problem.hpp"

namespace errlens {

/// How a record was found.
enum class MatchKind {
    regex,    ///< its regex matched a line
    similar,  ///< no regex matched; the message resembles its signature
    lookup,   ///< asked for by id (`errlens show`)
};

/// One record found in the input: the evidence for it and its rank.
struct Diagnosis {
    const Record* record = nullptr;
    MatchKind kind = MatchKind::regex;
    /// Higher is better. Regex matches score 100 + the literal characters their
    /// pattern requires (+100 when the line holds the exact signature); similar
    /// matches score their similarity in percent (below 100).
    double score = 0;
    std::string source;     ///< the input's name (a file, `-` for stdin), empty for a message
    std::size_t line = 0;   ///< first matching line, 1-based; 0 when not from a line
    std::string text;       ///< that line after cleaning (ANSI codes and CR removed)
    std::size_t count = 0;  ///< how many lines matched this record
};

class Matcher {
  public:
    /// Reads what every record's pattern requires (regexes compile on first use);
    /// the catalogue must outlive the matcher.
    explicit Matcher(const Catalogue& catalogue);
    ~Matcher();
    Matcher(const Matcher&) = delete;
    Matcher& operator=(const Matcher&) = delete;

    const Catalogue& catalogue() const;

    /// Records whose regex RE2 rejected, one warning each (field `regex`);
    /// those records are still found by id and by similarity. Regexes are
    /// compiled on first use, so this compiles every one not compiled yet.
    const std::vector<Problem>& problems() const;

    /// The same warnings for the regexes compiled so far only: the ones a
    /// scan needed. Cheap; what a scan reports without compiling the rest.
    std::vector<Problem> problems_met() const;

    /// Appends the indices (into catalogue().records()) of the records whose
    /// regex matches `line`, in no particular order. `line` should be one
    /// cleaned line (see clean_line).
    void match_line(std::string_view line, std::vector<std::size_t>& out) const;

    /// True when the record's regex compiles (compiling it if not yet done).
    bool compiled(std::size_t record_index) const;

    /// Literal characters the record's pattern requires: longer is more specific.
    int specificity(std::size_t record_index) const;

    /// Records that resemble `message` without a regex match, best first, at
    /// most `max`, each with its similarity in 0..1.
    std::vector<std::pair<std::size_t, double>> similar(std::string_view message,
                                                        std::size_t max) const;

    /// True when `normalized_text` (lowercase, whitespace runs as one space)
    /// contains the record's whole signature, normalized the same way.
    bool holds_signature(std::size_t record_index, std::string_view normalized_text) const;

    /// Records whose regex has a part with no usable literal (a top-level
    /// alternative, or the whole regex when it is not an alternation): that
    /// part is checked on every line, the rest through the literals.
    std::vector<std::size_t> unfiltered_records() const;

  private:
    friend class LogScanner;  // scans blocks through Impl's two-lane candidate scan
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Removes ANSI escape sequences and carriage returns, into `out`.
void clean_line(std::string_view raw, std::string& out);

/// Scans a log fed in chunks of any size: splits lines, cleans them, matches
/// each, and keeps one Diagnosis per record with its first line and count.
class LogScanner {
  public:
    /// Lines longer than this are scanned in pieces of this size (same line number).
    static constexpr std::size_t k_max_line_bytes = 1 << 20;

    LogScanner(const Matcher& matcher, std::string source);
    /// Called once per record, at the line where it first matches (count 1 then),
    /// for output that streams diagnoses as they are found.
    void on_first_match(std::function<void(const Diagnosis&)> callback) {
        on_first_match_ = std::move(callback);
    }
    void feed(std::string_view bytes);
    /// Scans a last line without a newline. Call once, after the last feed.
    void finish();
    /// Takes in the scan of the text that directly follows this one (same
    /// source, this scan ended at a line end): its lines come after these,
    /// first lines and counts combine as if one scanner had read both.
    void append(const LogScanner& next);
    /// Diagnoses ranked best first.
    std::vector<Diagnosis> diagnoses() const;
    /// Diagnoses in the order their records were first found.
    std::vector<Diagnosis> diagnoses_as_found() const;
    std::size_t lines() const { return line_number_; }

  private:
    void hold(std::string_view bytes);
    void scan_whole(std::string_view line);
    void scan_block(std::string_view block);
    static std::size_t long_line_in(std::string_view block, std::size_t from, std::size_t to);
    void scan_line(std::string_view raw);
    /// Scans the whole lines of `block` from `pos` in one batch, their
    /// automaton walks four at a time; returns where the batch ended.
    std::size_t scan_batch(std::string_view block, std::size_t pos);
    void note_hits(std::string_view line);
    Diagnosis diagnosis_of(std::size_t record) const;

    const Matcher& matcher_;
    std::string source_;
    std::string pending_;
    std::string cleaned_;
    std::vector<std::string> batch_cleaned_;
    std::vector<std::string_view> batch_lines_;
    std::vector<std::vector<std::uint32_t>> batch_windows_;
    std::vector<std::size_t> hits_;
    std::size_t line_number_ = 0;
    static constexpr std::size_t k_direct_bytes = 8 << 10;
    std::size_t bytes_scanned_ = 0;  // counted up to k_direct_bytes only
    bool continuing_ = false;        // pending_ holds the tail of an over-long line
    struct Seen {
        std::size_t line = 0;
        std::size_t count = 0;
        std::size_t last_line = 0;
        std::string text;
        bool exact = false;
    };
    std::vector<Seen> seen_;  // by record index
    std::vector<std::size_t> order_;
    std::function<void(const Diagnosis&)> on_first_match_;
};

/// What scanning one log file gave.
struct FileScan {
    std::string source;                ///< the name as given (`-`: standard input)
    std::vector<Diagnosis> diagnoses;  ///< ranked best first
    std::size_t lines = 0;
    std::string error;  ///< why the file could not be read (whole), empty when it was
};

/// Scans log files (`-` is standard input), one FileScan each, in order.
/// With `jobs` > 1, files are scanned at once and a large regular file is cut
/// at line ends into pieces scanned at once; the result is exactly what one
/// thread gives. `on_first_match` is called once per record and file: as it
/// is found with one job, after the file's last piece (in the order found) with more.
std::vector<FileScan> scan_files(const Matcher& matcher, const std::vector<std::string>& files,
                                 unsigned jobs,
                                 const std::function<void(const Diagnosis&)>& on_first_match = {});

/// Diagnoses a message given on the command line: regex matches on any of its
/// lines, or, when none matches, the closest records by similarity (at most `max_similar`).
std::vector<Diagnosis> diagnose_message(const Matcher& matcher, std::string_view message,
                                        std::size_t max_similar = 3);

/// Sorts best first: regex before similar, exact signature, specificity,
/// fix_success_rate, confidence, then first line and id for a stable order.
void rank(std::vector<Diagnosis>& diagnoses);

}  // namespace errlens
