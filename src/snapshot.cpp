// The snapshot layout, little-endian whatever the host:
//
//   header   "errlsnap" (8 bytes), format version (u32), payload size (u64),
//            XXH64 of the payload seeded with the version (u64)
//   payload  file count, then per file: name, records_seen, records, problems
//
// Counts and sizes are LEB128 varints; ints are zigzag varints; a string is
// its byte length then its bytes; std::optional<std::string> is length + 1
// (0: absent); std::optional<double> and <long long> are a presence byte then
// the value (a double as its 8 IEEE bytes, so it round-trips bit for bit).
// Fields follow the declaration order of the structs in record.hpp and
// problem.hpp.
#include "errlens/snapshot.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <limits>

namespace errlens {

// Adding a field to one of these structs changes its size, which stops the
// build here: write and read the field below, bump k_snapshot_format_version,
// fill it in the all-fields test (tests/test_snapshot.cpp), then update the
// size. Checked where the sizes are known (64-bit libstdc++, new string ABI).
#if defined(__GLIBCXX__) && defined(__LP64__) && _GLIBCXX_USE_CXX11_ABI
static_assert(sizeof(VersionNote) == 6 * 40, "VersionNote changed: update the snapshot");
static_assert(sizeof(Workaround) == 168, "Workaround changed: update the snapshot");
static_assert(sizeof(DeadEnd) == 232, "DeadEnd changed: update the snapshot");
static_assert(sizeof(RelatedError) == 112, "RelatedError changed: update the snapshot");
static_assert(sizeof(TransitionGraph) == 72, "TransitionGraph changed: update the snapshot");
static_assert(sizeof(Record) == 1160, "Record changed: update the snapshot");
static_assert(sizeof(Problem) == 144, "Problem changed: update the snapshot");
static_assert(sizeof(LoadResult) == 56, "LoadResult changed: update the snapshot");
#endif

namespace {

constexpr char k_magic[8] = {'e', 'r', 'r', 'l', 's', 'n', 'a', 'p'};
constexpr std::size_t k_header_size = 8 + 4 + 8 + 8;

// ---- XXH64 ------------------------------------------------------------------

constexpr std::uint64_t k_prime1 = 0x9E3779B185EBCA87ULL;
constexpr std::uint64_t k_prime2 = 0xC2B2AE3D27D4EB4FULL;
constexpr std::uint64_t k_prime3 = 0x165667B19E3779F9ULL;
constexpr std::uint64_t k_prime4 = 0x85EBCA77C2B2AE63ULL;
constexpr std::uint64_t k_prime5 = 0x27D4EB2F165667C5ULL;

std::uint64_t load_le64(const unsigned char* p) {
    std::uint64_t v = 0;
    std::memcpy(&v, p, 8);
    if constexpr (std::endian::native == std::endian::big) {
        v = __builtin_bswap64(v);
    }
    return v;
}

std::uint32_t load_le32(const unsigned char* p) {
    std::uint32_t v = 0;
    std::memcpy(&v, p, 4);
    if constexpr (std::endian::native == std::endian::big) {
        v = __builtin_bswap32(v);
    }
    return v;
}

std::uint64_t xxh_round(std::uint64_t acc, std::uint64_t input) {
    acc += input * k_prime2;
    acc = std::rotl(acc, 31);
    return acc * k_prime1;
}

std::uint64_t xxh_merge(std::uint64_t acc, std::uint64_t lane) {
    acc ^= xxh_round(0, lane);
    return acc * k_prime1 + k_prime4;
}

}  // namespace

std::uint64_t hash_bytes(std::string_view bytes, std::uint64_t seed) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const unsigned char* end = p + bytes.size();
    std::uint64_t h = 0;
    if (bytes.size() >= 32) {
        std::uint64_t v1 = seed + k_prime1 + k_prime2;
        std::uint64_t v2 = seed + k_prime2;
        std::uint64_t v3 = seed;
        std::uint64_t v4 = seed - k_prime1;
        const unsigned char* limit = end - 32;
        do {
            v1 = xxh_round(v1, load_le64(p));
            v2 = xxh_round(v2, load_le64(p + 8));
            v3 = xxh_round(v3, load_le64(p + 16));
            v4 = xxh_round(v4, load_le64(p + 24));
            p += 32;
        } while (p <= limit);
        h = std::rotl(v1, 1) + std::rotl(v2, 7) + std::rotl(v3, 12) + std::rotl(v4, 18);
        h = xxh_merge(h, v1);
        h = xxh_merge(h, v2);
        h = xxh_merge(h, v3);
        h = xxh_merge(h, v4);
    } else {
        h = seed + k_prime5;
    }
    h += bytes.size();
    for (; p + 8 <= end; p += 8) {
        h ^= xxh_round(0, load_le64(p));
        h = std::rotl(h, 27) * k_prime1 + k_prime4;
    }
    if (p + 4 <= end) {
        h ^= static_cast<std::uint64_t>(load_le32(p)) * k_prime1;
        h = std::rotl(h, 23) * k_prime2 + k_prime3;
        p += 4;
    }
    for (; p < end; ++p) {
        h ^= *p * k_prime5;
        h = std::rotl(h, 11) * k_prime1;
    }
    h ^= h >> 33;
    h *= k_prime2;
    h ^= h >> 29;
    h *= k_prime3;
    h ^= h >> 32;
    return h;
}

namespace {

// ---- writing ----------------------------------------------------------------

// Every field of a record, in the snapshot's order, for the writer (a const
// Record) and the reader alike: one list, so the two cannot drift apart.
template <typename Archive, typename R>
void record_fields(Archive& a, R& r) {
    a.text(r.id);
    a.text(r.signature);
    a.text(r.signature_zh);
    a.text(r.regex);
    a.text(r.domain);
    a.text(r.category);
    a.text(r.subcategory);
    a.text(r.root_cause);
    a.text(r.root_cause_type);
    a.text(r.root_cause_zh);
    a.list(r.versions, 6, [&](auto& v) {
        a.text(v.version);
        a.text(v.introduced);
        a.text(v.deprecated);
        a.text(v.removed);
        a.text(v.behavior_change);
        a.text(v.status);
    });
    a.text(r.os_specific_json);
    a.list(r.dead_ends, 8, [&](auto& d) {
        a.text(d.action);
        a.text(d.why_fails);
        a.number(d.fail_rate);
        a.text(d.condition);
        a.texts(d.sources);
        a.text(d.action_zh);
        a.text(d.why_fails_zh);
        a.text(d.condition_zh);
    });
    a.list(r.workarounds, 6, [&](auto& w) {
        a.text(w.action);
        a.number(w.success_rate);
        a.text(w.how);
        a.text(w.condition);
        a.texts(w.sources);
        a.text(w.condition_zh);
    });
    a.texts(r.workarounds_zh);
    a.related(r.transition_graph.leads_to);
    a.related(r.transition_graph.preceded_by);
    a.related(r.transition_graph.frequently_confused_with);
    a.text(r.official_doc_url);
    a.text(r.official_doc_section);
    a.text(r.error_code);
    a.text(r.verification_tier);
    a.number(r.confidence);
    a.number(r.fix_success_rate);
    a.text(r.resolvable);
    a.text(r.first_seen);
    a.text(r.last_confirmed);
    a.text(r.last_updated);
    a.number(r.evidence_count);
    a.texts(r.tags);
    a.text(r.locale);
    a.texts(r.aliases);
    a.texts(r.examples);
    a.texts(r.non_examples);
    a.text(r.reproduction);
    a.text(r.source_url);
    a.text(r.source);
    a.small_int(r.source_line);
    a.record_format(r.format);
}

class SnapshotWriter {
  public:
    explicit SnapshotWriter(std::string& out) : out_(out) {}

    void byte(std::uint8_t b) { out_.push_back(static_cast<char>(b)); }

    void fixed(std::uint64_t v, int bytes) {
        for (int i = 0; i < bytes; ++i) {
            byte(static_cast<std::uint8_t>(v >> (8 * i)));
        }
    }

    void varint(std::uint64_t v) {
        while (v >= 0x80) {
            byte(static_cast<std::uint8_t>(v | 0x80));
            v >>= 7;
        }
        byte(static_cast<std::uint8_t>(v));
    }

    void signed_varint(std::int64_t v) {
        varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
    }

    void text(std::string_view s) {
        varint(s.size());
        out_.append(s);
    }

    void text(const std::string& s) { text(std::string_view(s)); }

    void text(const std::optional<std::string>& s) {
        if (!s) {
            varint(0);
            return;
        }
        varint(s->size() + 1);
        out_.append(*s);
    }

    void texts(const std::vector<std::string>& list) {
        varint(list.size());
        for (const auto& s : list) {
            text(s);
        }
    }

    void number(const std::optional<double>& d) {
        byte(d ? 1 : 0);
        if (d) {
            fixed(std::bit_cast<std::uint64_t>(*d), 8);
        }
    }

    void number(const std::optional<long long>& n) {
        byte(n ? 1 : 0);
        if (n) {
            signed_varint(*n);
        }
    }

    void related(const std::vector<RelatedError>& list) {
        varint(list.size());
        for (const auto& r : list) {
            text(r.error_id);
            number(r.probability);
            text(r.condition);
            text(r.distinction);
        }
    }

    void record(const Record& r) { record_fields(*this, r); }

    template <typename T, typename Each>
    void list(const std::vector<T>& items, std::size_t /*min_bytes*/, Each each) {
        varint(items.size());
        for (const auto& item : items) {
            each(item);
        }
    }
    void small_int(int v) { signed_varint(v); }
    void record_format(RecordFormat f) { byte(static_cast<std::uint8_t>(f)); }

    void problem(const Problem& p) {
        byte(static_cast<std::uint8_t>(p.severity));
        text(p.source);
        signed_varint(p.line);
        signed_varint(p.column);
        text(p.field);
        text(p.message);
        text(p.snippet);
    }

  private:
    std::string& out_;
};

// ---- reading ----------------------------------------------------------------

/// The fields of `r` that matching reads (Catalogue::header): what
/// read_snapshot_headers reads, and what read_snapshot_rest leaves alone.
std::array<const void*, 10> header_fields(const Record& r) {
    return {&r.id,       &r.signature, &r.signature_zh, &r.regex,       &r.domain,
            &r.category, &r.aliases,   &r.source,       &r.source_line, &r.format};
}

/// Reads the payload. Every read is bounds-checked; the first failure is kept
/// and later reads return empty values, so callers check `failed()` once per
/// record rather than after every field.
class SnapshotReader {
  public:
    SnapshotReader(const char* begin, const char* end) : begin_(begin), p_(begin), end_(end) {}

    bool failed() const { return !error_.empty(); }
    const std::string& error() const { return error_; }
    bool at_end() const { return p_ == end_; }
    std::size_t offset() const { return static_cast<std::size_t>(p_ - begin_); }

    void fail(const std::string& what) {
        if (error_.empty()) {
            error_ = what + " at payload byte " + std::to_string(offset());
        }
        p_ = end_;
    }

    std::uint8_t byte() {
        if (p_ == end_) {
            fail("truncated");
            return 0;
        }
        return static_cast<std::uint8_t>(*p_++);
    }

    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p_ == end_) {
                fail("truncated varint");
                return 0;
            }
            auto b = static_cast<std::uint8_t>(*p_++);
            v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        fail("varint longer than 64 bits");
        return 0;
    }

    std::int64_t signed_varint() {
        std::uint64_t u = varint();
        return static_cast<std::int64_t>((u >> 1) ^ (~(u & 1) + 1));
    }

    int small_int() {
        std::int64_t v = signed_varint();
        if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
            fail("int out of range");
            return 0;
        }
        return static_cast<int>(v);
    }

    /// A count of items each at least `min_bytes` long: one larger than what is
    /// left could hold is corruption, caught before anything is reserved.
    std::size_t count(std::size_t min_bytes = 1) {
        std::uint64_t n = varint();
        if (n > remaining() / min_bytes) {
            fail("count " + std::to_string(n) + " larger than the bytes left");
            return 0;
        }
        return static_cast<std::size_t>(n);
    }

    void text(std::string& s, bool keep) {
        std::uint64_t n = varint();
        if (n > remaining()) {
            fail("string longer than the bytes left");
            return;
        }
        if (keep) {
            s.assign(p_, static_cast<std::size_t>(n));
        }
        p_ += n;
    }

    void text(std::string& s) { text(s, !skipped(&s)); }

    void text(std::optional<std::string>& s) {
        std::uint64_t n = varint();
        if (n == 0) {
            if (!skipped(&s)) {
                s.reset();
            }
            return;
        }
        --n;
        if (n > remaining()) {
            fail("string longer than the bytes left");
            return;
        }
        if (skipped(&s)) {
            p_ += n;
            return;
        }
        if (s) {
            s->assign(p_, static_cast<std::size_t>(n));  // keeps its capacity
        } else {
            s.emplace(p_, static_cast<std::size_t>(n));
        }
        p_ += n;
    }

    void texts(std::vector<std::string>& list) {
        bool keep = !skipped(&list);
        if (!keep) {
            std::string ignored;
            for (std::size_t n = count(); n > 0; --n) {
                text(ignored, false);
            }
            return;
        }
        list.resize(count());
        for (auto& s : list) {
            text(s, true);
        }
    }

    /// Reads a record, writing only its header fields (header_fields) when
    /// `header`, else only the others; what is not written is stepped over,
    /// not copied. The fields left alone are not touched at all: other
    /// threads read a record's header while the rest is read.
    void record_in_part(Record& r, bool header) {
        auto fields = header_fields(r);
        fields_ = &fields;
        write_listed_ = header;
        record_fields(*this, r);
        fields_ = nullptr;
    }

    void number(std::optional<double>& d) {
        bool present = presence();
        if (present && remaining() < 8) {
            fail("truncated double");
            return;
        }
        std::optional<double> value;
        if (present) {
            value = std::bit_cast<double>(load_le64(reinterpret_cast<const unsigned char*>(p_)));
            p_ += 8;
        }
        if (!skipped(&d)) {
            d = value;
        }
    }

    void number(std::optional<long long>& n) {
        std::optional<long long> value;
        if (presence()) {
            value = signed_varint();
        }
        if (!skipped(&n)) {
            n = value;
        }
    }

    void related(std::vector<RelatedError>& list) {
        auto each = [this](RelatedError& r) {
            text(r.error_id);
            number(r.probability);
            text(r.condition);
            text(r.distinction);
        };
        this->list(list, 4, each);
    }

    void record(Record& r) { record_fields(*this, r); }

    /// Reads a count (each item takes at least `min_bytes`, so a count larger
    /// than the bytes left fails before anything is reserved), then the items.
    template <typename T, typename Each>
    void list(std::vector<T>& items, std::size_t min_bytes, Each each) {
        if (skipped(&items)) {
            // Each item read into one that is thrown away: its fields are
            // not listed, so when only the listed ones are written, nothing is.
            T ignored;
            for (std::size_t n = count(min_bytes); n > 0; --n) {
                each(ignored);
            }
            return;
        }
        items.resize(count(min_bytes));
        for (auto& item : items) {
            each(item);
        }
    }
    void small_int(int& v) {
        int value = small_int();
        if (!skipped(&v)) {
            v = value;
        }
    }
    void record_format(RecordFormat& f) {
        std::uint8_t format = byte();
        if (format > static_cast<std::uint8_t>(RecordFormat::canon_json)) {
            fail("unknown record format " + std::to_string(format));
            return;
        }
        if (!skipped(&f)) {
            f = static_cast<RecordFormat>(format);
        }
    }

    void problem(Problem& p) {
        std::uint8_t severity = byte();
        if (severity > static_cast<std::uint8_t>(Severity::warning)) {
            fail("unknown severity " + std::to_string(severity));
            return;
        }
        p.severity = static_cast<Severity>(severity);
        text(p.source);
        p.line = small_int();
        p.column = small_int();
        text(p.field);
        text(p.message);
        text(p.snippet);
    }

  private:
    std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }

    /// True when reading a record in part leaves `field` alone.
    bool skipped(const void* field) const {
        if (fields_ == nullptr) {
            return false;
        }
        bool listed = std::find(fields_->begin(), fields_->end(), field) != fields_->end();
        return listed != write_listed_;
    }

    bool presence() {
        std::uint8_t b = byte();
        if (b > 1) {
            fail("presence flag " + std::to_string(b));
            return false;
        }
        return b == 1;
    }

    const char* begin_;
    const char* p_;
    const char* end_;
    // Reading a record in part: the fields written are the listed ones, or the others.
    const std::array<const void*, 10>* fields_ = nullptr;
    bool write_listed_ = true;
    std::string error_;
};

}  // namespace

std::string write_snapshot(std::span<const LoadedFile> files) {
    std::string payload;
    SnapshotWriter w(payload);
    w.varint(files.size());
    for (const auto& file : files) {
        w.text(file.name);
        w.varint(file.result.records_seen);
        w.varint(file.result.records.size());
        for (const auto& r : file.result.records) {
            w.record(r);
        }
        w.varint(file.result.problems.size());
        for (const auto& p : file.result.problems) {
            w.problem(p);
        }
    }
    std::string out;
    out.reserve(k_header_size + payload.size());
    out.append(k_magic, sizeof k_magic);
    SnapshotWriter header(out);
    header.fixed(k_snapshot_format_version, 4);
    header.fixed(payload.size(), 8);
    header.fixed(hash_bytes(payload, k_snapshot_format_version), 8);
    out += payload;
    return out;
}

namespace {

/// read_snapshot, or with `deferred` read_snapshot_headers.
bool read_snapshot_files(std::string_view bytes, std::vector<LoadedFile>& out,
                         std::vector<std::vector<std::string_view>>* deferred, std::string& error,
                         Checksum checksum) {
    out.clear();
    if (deferred != nullptr) {
        deferred->clear();
    }
    const auto* raw = reinterpret_cast<const unsigned char*>(bytes.data());
    if (bytes.size() < k_header_size) {
        error = "truncated: " + std::to_string(bytes.size()) + " bytes, shorter than the header";
        return false;
    }
    if (std::memcmp(bytes.data(), k_magic, sizeof k_magic) != 0) {
        error = "not an errlens snapshot (bad magic)";
        return false;
    }
    std::uint32_t version = load_le32(raw + 8);
    if (version != k_snapshot_format_version) {
        error = "snapshot format version " + std::to_string(version) + ", this build reads " +
                std::to_string(k_snapshot_format_version);
        return false;
    }
    std::uint64_t size = load_le64(raw + 12);
    if (size != bytes.size() - k_header_size) {
        error = "payload of " + std::to_string(bytes.size() - k_header_size) +
                " bytes, the header says " + std::to_string(size);
        return false;
    }
    std::string_view payload = bytes.substr(k_header_size);
    if (checksum == Checksum::verify &&
        hash_bytes(payload, k_snapshot_format_version) != load_le64(raw + 20)) {
        error = "checksum mismatch: the snapshot is corrupted";
        return false;
    }
    SnapshotReader r(payload.data(), payload.data() + payload.size());
    // A file takes at least 4 bytes (name length, records_seen and two counts).
    out.resize(r.count(4));
    if (deferred != nullptr) {
        deferred->resize(out.size());
    }
    for (std::size_t f = 0; f < out.size(); ++f) {
        LoadedFile& file = out[f];
        r.text(file.name);
        file.result.records_seen = r.varint();
        // A record takes at least 39 bytes: one per string, count, flag and int.
        file.result.records.resize(r.count(39));
        for (auto& record : file.result.records) {
            if (deferred == nullptr) {
                r.record(record);
                continue;
            }
            std::size_t begin = r.offset();
            r.record_in_part(record, true);
            (*deferred)[f].push_back(payload.substr(begin, r.offset() - begin));
        }
        file.result.problems.resize(r.count(7));
        for (auto& problem : file.result.problems) {
            r.problem(problem);
        }
        if (r.failed()) {
            break;
        }
    }
    if (!r.failed() && !r.at_end()) {
        r.fail("unread bytes after the last file");
    }
    if (r.failed()) {
        error = r.error();
        out.clear();
        if (deferred != nullptr) {
            deferred->clear();
        }
        return false;
    }
    return true;
}

}  // namespace

bool read_snapshot(std::string_view bytes, std::vector<LoadedFile>& out, std::string& error) {
    return read_snapshot_files(bytes, out, nullptr, error, Checksum::verify);
}

bool read_snapshot_headers(std::string_view bytes, std::vector<LoadedFile>& out,
                           std::vector<std::vector<std::string_view>>& deferred, std::string& error,
                           Checksum checksum) {
    return read_snapshot_files(bytes, out, &deferred, error, checksum);
}

bool read_snapshot_rest(std::string_view record_bytes, Record& header) {
    SnapshotReader r(record_bytes.data(), record_bytes.data() + record_bytes.size());
    r.record_in_part(header, false);
    return !r.failed() && r.at_end();
}

bool read_snapshot_record(std::string_view record_bytes, Record& out) {
    SnapshotReader r(record_bytes.data(), record_bytes.data() + record_bytes.size());
    Record whole;
    r.record(whole);
    if (r.failed() || !r.at_end()) {
        return false;
    }
    out = std::move(whole);
    return true;
}

}  // namespace errlens
