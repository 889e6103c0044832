// The one place that walks directories and reads catalogue files.
#include "errlens/catalogue.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <system_error>

#include "errlens/loaders.hpp"
#include "errlens/snapshot.hpp"

namespace errlens {

namespace fs = std::filesystem;

std::string Catalogue::add(Record record) {
    return add_deferred(std::move(record), {});
}

std::string Catalogue::add_deferred(Record header, std::string_view bytes) {
    std::lock_guard<std::mutex> guard(lock_.mutex);
    if (!bytes.empty()) {
        ++deferred_left_;
    }
    auto it = index_.find(header.id);
    if (it != index_.end()) {
        std::string replaced = records_[it->second].source;
        if (!deferred_[it->second].empty()) {
            --deferred_left_;
        }
        records_[it->second] = std::move(header);
        deferred_[it->second] = bytes;
        return replaced.empty() ? std::string("(unnamed)") : replaced;
    }
    index_.emplace(header.id, records_.size());
    records_.push_back(std::move(header));
    deferred_.push_back(bytes);
    return {};
}

void Catalogue::read_whole(std::size_t i) const {
    if (deferred_[i].empty()) {
        return;
    }
    // The bytes passed the snapshot's checksum when the header was read, so
    // this cannot fail short of a bug. The header fields are not written:
    // the matcher reads them from other threads without the lock.
    read_snapshot_rest(deferred_[i], records_[i]);
    deferred_[i] = {};
    --deferred_left_;
}

const std::vector<Record>& Catalogue::records() const {
    if (deferred_left_.load(std::memory_order_acquire) != 0) {
        std::lock_guard<std::mutex> guard(lock_.mutex);
        for (std::size_t i = 0; i < records_.size(); ++i) {
            read_whole(i);
        }
    }
    return records_;
}

const Record& Catalogue::record(std::size_t i) const {
    if (deferred_left_.load(std::memory_order_acquire) != 0) {
        std::lock_guard<std::mutex> guard(lock_.mutex);
        read_whole(i);
    }
    return records_.at(i);
}

const Record* Catalogue::find(std::string_view id) const {
    auto it = index_.find(std::string(id));
    return it == index_.end() ? nullptr : &record(it->second);
}

Catalogue& Catalogue::operator=(const Catalogue& other) {
    if (this != &other) {
        std::scoped_lock guard(lock_.mutex, other.lock_.mutex);
        records_ = other.records_;
        deferred_ = other.deferred_;
        deferred_left_ = other.deferred_left_.load();
        index_ = other.index_;
    }
    return *this;
}

Catalogue& Catalogue::operator=(Catalogue&& other) noexcept {
    if (this != &other) {
        std::scoped_lock guard(lock_.mutex, other.lock_.mutex);
        records_ = std::move(other.records_);
        deferred_ = std::move(other.deferred_);
        deferred_left_ = other.deferred_left_.exchange(0);
        index_ = std::move(other.index_);
        other.records_.clear();
        other.deferred_.clear();
        other.index_.clear();
    }
    return *this;
}

namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

std::string_view last_segment(std::string_view id) {
    auto slash = id.rfind('/');
    return slash == std::string_view::npos ? id : id.substr(slash + 1);
}

}  // namespace

std::vector<std::string> Catalogue::suggest(std::string_view id, std::size_t max) const {
    std::vector<std::pair<std::size_t, std::string>> scored;
    std::size_t limit = std::max<std::size_t>(3, id.size() / 3);
    for (const auto& r : records_) {
        std::size_t d = edit_distance(id, r.id);
        if (d > limit && last_segment(r.id) == last_segment(id)) {
            d = limit;
        }
        if (d <= limit) {
            scored.emplace_back(d, r.id);
        }
    }
    std::sort(scored.begin(), scored.end());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < scored.size() && i < max; ++i) {
        out.push_back(scored[i].second);
    }
    return out;
}

namespace {

bool read_file(const fs::path& path, std::string& out, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::error_code ec(errno, std::generic_category());
        error = ec.message();
        return false;
    }
    out.clear();
    // One read of the file's size when it has one (a warm cached load reads
    // every catalogue file, so this matters). Not std::ios::ate: libstdc++
    // then fails to open a pipe (`--catalog <(...)`), which is read to its end below.
    std::streamoff size = in.seekg(0, std::ios::end) ? std::streamoff(in.tellg()) : -1;
    in.clear();
    if (size > 0 && in.seekg(0)) {
        out.resize(static_cast<std::size_t>(size));
        in.read(out.data(), size);
        out.resize(static_cast<std::size_t>(in.gcount()));
        in.clear();
    }
    // A pipe, or a file that grew while being read: take whatever follows.
    std::ostringstream rest;
    rest << in.rdbuf();
    if (in.bad()) {
        error = "read error";
        return false;
    }
    out += std::move(rest).str();
    return true;
}

// A JSON Schema beside the records (record.schema.json) is not a record.
bool is_schema(const fs::path& p) {
    std::string name = p.filename().string();
    return name.size() > 12 && name.compare(name.size() - 12, 12, ".schema.json") == 0;
}

bool is_hidden(const fs::path& p) {
    std::string name = p.filename().string();
    return !name.empty() && name[0] == '.';
}

/// Adds what one source file loaded to `load`. Every way a file's records
/// arrive (parsed now, from the embedded snapshot, from the cache) goes
/// through here, so counts, problems and override warnings are the same.
void add_loaded(CatalogueLoad& load, LoadResult result, int group,
                const std::vector<std::string_view>* deferred = nullptr) {
    ++load.counts.files;
    load.counts.records_seen += result.records_seen;
    load.counts.records_loaded += result.records.size();
    load.counts.records_rejected += result.records_seen - result.records.size();
    for (auto& p : result.problems) {
        load.problems.push_back(std::move(p));
    }
    for (std::size_t i = 0; i < result.records.size(); ++i) {
        Record& record = result.records[i];
        auto it = load.origins.find(record.id);
        if (it != load.origins.end()) {
            ++load.counts.records_overridden;
            if (it->second.second == group) {
                load.problems.push_back({Severity::warning,
                                         record.source,
                                         record.source_line,
                                         0,
                                         "id",
                                         "duplicate id `" + record.id + "` (also in " +
                                             it->second.first + "); this later record wins",
                                         {}});
            }
        }
        load.origins[record.id] = {record.source, group};
        load.catalogue.add_deferred(std::move(record),
                                    deferred != nullptr ? (*deferred)[i] : std::string_view());
    }
}

/// True when `files` are, in order, the files named in `names`.
template <typename Names, typename NameOf>
bool same_names(const std::vector<LoadedFile>& files, const Names& names, NameOf name_of) {
    if (files.size() != std::size(names)) {
        return false;
    }
    std::size_t i = 0;
    for (const auto& n : names) {
        if (files[i++].name != name_of(n)) {
            return false;
        }
    }
    return true;
}

void add_builtin(CatalogueLoad& load) {
    std::vector<LoadedFile> files;
    std::string error;
    // The snapshot is written with the embedded files in the same build; the
    // names are checked anyway so that a mismatch falls back to parsing.
    // Its records are read in part, and whole when first needed (Catalogue).
    // Part of the binary, it is not hashed at each run (test_snapshot reads
    // it with its checksum verified).
    std::vector<std::vector<std::string_view>> deferred;
    if (!builtin_snapshot().empty() &&
        read_snapshot_headers(builtin_snapshot(), files, deferred, error, Checksum::trust) &&
        same_names(files, builtin_files(), [](const EmbeddedFile& f) { return f.name; })) {
        for (std::size_t f = 0; f < files.size(); ++f) {
            add_loaded(load, std::move(files[f].result), 0, &deferred[f]);
        }
        return;
    }
    for (const auto& file : builtin_files()) {
        add_source(load, file.name, file.text, 0);
    }
}

/// A file of a user path: its bytes, or why they could not be read.
struct UserFile {
    std::string name;
    std::string text;
    std::optional<std::string> read_error;
};

/// The cache key of a path's files: what the loaders make of them depends on
/// their names and bytes, the loader code and the snapshot layout, so all
/// four are hashed.
std::uint64_t cache_key(const std::vector<UserFile>& files) {
    std::string build;
    for (std::uint64_t v : {std::uint64_t{k_snapshot_format_version}, loader_build_id()}) {
        for (int i = 0; i < 8; ++i) {
            build.push_back(static_cast<char>(v >> (8 * i)));
        }
    }
    std::uint64_t h = hash_bytes(build);
    for (const auto& f : files) {
        if (!f.read_error) {
            // Each call mixes in its length, so name/text boundaries cannot shift.
            h = hash_bytes(f.name, h);
            h = hash_bytes(f.text, h);
        }
    }
    return h;
}

fs::path cache_path(const std::string& cache_dir, std::uint64_t key) {
    char name[40];
    std::snprintf(name, sizeof name, "catalogue-%016llx.bin", static_cast<unsigned long long>(key));
    return fs::path(cache_dir) / name;
}

/// Writes the cache file by renaming a complete temporary file into place,
/// so another run never reads half a file. Failures are ignored: it is only
/// a cache, and a corrupt one would be rejected by its checksum anyway.
void write_cache(const fs::path& path, std::string_view bytes) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
        return;
    }
    // Unique enough between runs writing at once; a clash costs a rewrite.
    fs::path temp = path;
    temp += ".tmp" + std::to_string(getpid()) + "-" +
            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) {
            fs::remove(temp, ec);
            return;
        }
    }
    fs::rename(temp, path, ec);
    if (ec) {
        fs::remove(temp, ec);
    }
}

/// What the loaders make of the readable `files`, from the cache when it
/// holds them, else parsed (and then cached).
std::vector<LoadedFile> load_user_files(const std::vector<UserFile>& files,
                                        const std::string& cache_dir) {
    std::vector<const UserFile*> readable;
    for (const auto& f : files) {
        if (!f.read_error) {
            readable.push_back(&f);
        }
    }
    std::vector<LoadedFile> loaded;
    if (readable.empty()) {
        return loaded;
    }
    fs::path cache;
    if (!cache_dir.empty()) {
        cache = cache_path(cache_dir, cache_key(files));
        std::string bytes;
        std::string error;
        if (read_file(cache, bytes, error) && read_snapshot(bytes, loaded, error) &&
            same_names(loaded, readable, [](const UserFile* f) { return f->name; })) {
            return loaded;
        }
        loaded.clear();
    }
    loaded.reserve(readable.size());
    for (const UserFile* f : readable) {
        loaded.push_back({f->name, load_records(f->name, f->text)});
    }
    if (!cache.empty()) {
        write_cache(cache, write_snapshot(loaded));
    }
    return loaded;
}

/// The files a path names: a directory walked (see load_catalogue), or the path itself.
std::vector<fs::path> files_of(const std::string& path_text, CatalogueLoad& load) {
    fs::path path(path_text);
    std::error_code ec;
    std::vector<fs::path> files;
    if (!fs::is_directory(path, ec)) {
        files.push_back(path);
        return files;
    }
    fs::recursive_directory_iterator it(path, fs::directory_options::none, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        if (is_hidden(it->path())) {
            if (it->is_directory()) {
                it.disable_recursion_pending();
            }
            continue;
        }
        auto ext = it->path().extension().string();
        if (it->is_regular_file() && (ext == ".json" || ext == ".txt") && !is_schema(it->path())) {
            files.push_back(it->path());
        }
    }
    if (ec) {
        ++load.counts.unreadable_files;
        load.problems.push_back(
            {Severity::error, path_text, 0, 0, "", "cannot read directory: " + ec.message(), {}});
    }
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

void add_source(CatalogueLoad& load, std::string_view name, std::string_view text, int group) {
    add_loaded(load, load_records(name, text), group);
}

CatalogueLoad load_catalogue(const CatalogueOptions& options) {
    CatalogueLoad load;
    if (options.builtin) {
        add_builtin(load);
    }
    int group = 0;
    for (const auto& path_text : options.paths) {
        ++group;
        // All of a path's files are read first: the cache key needs their bytes.
        std::vector<UserFile> files;
        for (const auto& file : files_of(path_text, load)) {
            UserFile f{file.string(), {}, {}};
            std::string error;
            if (!read_file(file, f.text, error)) {
                f.read_error = std::move(error);
            }
            files.push_back(std::move(f));
        }
        std::vector<LoadedFile> loaded = load_user_files(files, options.cache_dir);
        // In file order, as if each were read and loaded in turn.
        auto next = loaded.begin();
        for (const auto& f : files) {
            if (f.read_error) {
                ++load.counts.unreadable_files;
                load.problems.push_back(
                    {Severity::error, f.name, 0, 0, "", "cannot read: " + *f.read_error, {}});
                continue;
            }
            add_loaded(load, std::move(next->result), group);
            ++next;
        }
    }
    return load;
}

}  // namespace errlens
