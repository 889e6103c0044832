// The catalogue: every record the run knows, from the embedded data/ files
// and from user paths, with one record per id (a later source overrides an
// earlier one) and every problem met while reading them.
#pragma once

#include <atomic>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "errlens/problem.hpp"
#include "errlens/record.hpp"

namespace errlens {

/// A record file compiled into the binary: its path under the repository and its bytes.
struct EmbeddedFile {
    std::string_view name;
    std::string_view text;
};

/// The data/ files compiled into this build, sorted by name.
std::span<const EmbeddedFile> builtin_files();

/// What the loaders made of builtin_files(), as a snapshot (snapshot.hpp)
/// written at build time, so a run does not parse JSON. Empty in the build
/// tool that writes it.
std::string_view builtin_snapshot();

/// The records, one per id. The embedded ones are read from the snapshot in
/// part at load time and whole when first asked for (record, find, records),
/// because a one-line message needs a few of the hundreds: copying them all
/// was most of its run time. Reading one whole is safe from several threads.
class Catalogue {
  public:
    /// Adds a record; one with the same id is replaced. Returns the replaced record's
    /// source, or an empty string when the id was new.
    std::string add(Record record);

    /// Adds a record of which only the header fields (see header()) are read:
    /// the rest is read from `bytes` (read_snapshot_rest) when first needed.
    /// `bytes` must outlive the catalogue.
    std::string add_deferred(Record header, std::string_view bytes);

    /// Every record, whole.
    const std::vector<Record>& records() const;
    /// Record `i`, whole.
    const Record& record(std::size_t i) const;
    /// Record `i` as far as it is read: id, signature, signature_zh, regex,
    /// domain, category, aliases, source, source_line and format are always
    /// there, the other fields only once the record is read whole. What
    /// matching reads, without reading every record whole.
    const Record& header(std::size_t i) const { return records_.at(i); }

    std::size_t size() const { return records_.size(); }
    bool empty() const { return records_.empty(); }

    /// The record with this id, whole, or nullptr.
    const Record* find(std::string_view id) const;

    /// Ids close to `id` (edit distance, or sharing its last segment), best first.
    std::vector<std::string> suggest(std::string_view id, std::size_t max = 3) const;

  private:
    void read_whole(std::size_t i) const;  // with lock_ held

    // Reading a record whole writes to it under const: records_ and
    // deferred_ change only with lock_ held, and only the fields header()
    // does not promise, of records not yet whole.
    mutable std::vector<Record> records_;
    mutable std::vector<std::string_view> deferred_;  // by record: bytes to read, or empty
    mutable std::atomic<std::size_t> deferred_left_{0};
    struct Lock {
        std::mutex mutex;
        Lock() = default;
        Lock(const Lock&) {}  // a copied catalogue has a lock of its own
        Lock& operator=(const Lock&) { return *this; }
    };
    mutable Lock lock_;
    std::unordered_map<std::string, std::size_t> index_;

  public:
    Catalogue() = default;
    Catalogue(const Catalogue& other) { *this = other; }
    Catalogue& operator=(const Catalogue& other);
    Catalogue(Catalogue&& other) noexcept { *this = std::move(other); }
    Catalogue& operator=(Catalogue&& other) noexcept;
};

struct CatalogueOptions {
    bool builtin = true;             ///< start from the embedded records
    std::vector<std::string> paths;  ///< files or directories, in order; later ones override
    /// Where what was loaded from each of `paths` is kept as a snapshot named by
    /// a hash of its files' names and bytes, and reused while they are unchanged.
    /// Empty: no cache.
    std::string cache_dir = {};
};

/// Counts that add up: every record seen is loaded or rejected with a reason.
struct CatalogueCounts {
    std::size_t files = 0;             ///< files read (embedded ones included)
    std::size_t unreadable_files = 0;  ///< paths that could not be opened or read
    std::size_t records_seen = 0;
    std::size_t records_loaded = 0;
    std::size_t records_rejected = 0;
    std::size_t records_overridden = 0;  ///< loaded, then replaced by a later record with its id
};

struct CatalogueLoad {
    Catalogue catalogue;
    std::vector<Problem> problems;
    CatalogueCounts counts;
    /// id -> (source, group) of the record currently holding it; tells a
    /// duplicate inside one group from an override across groups.
    std::unordered_map<std::string, std::pair<std::string, int>> origins;
};

/// Reads the embedded records and every path (a directory is walked for `.json`
/// and `.txt` files, sorted, hidden entries and `*.schema.json` skipped; a file
/// named directly is read whatever its extension), loading each text with load_records.
/// The embedded records come from builtin_snapshot(), and a path's from its
/// cache file when `cache_dir` holds one for the same bytes: the result is the
/// same as parsing every file. Writing the cache may fail silently.
CatalogueLoad load_catalogue(const CatalogueOptions& options);

/// Adds the records of one text to `load`, as load_catalogue does for each file.
/// `group` tells sources apart: a duplicate id inside one group is reported,
/// across groups it is an intended override.
void add_source(CatalogueLoad& load, std::string_view name, std::string_view text, int group);

}  // namespace errlens
