// A binary copy of what the loaders produced for a set of files, so a run can
// skip JSON parsing: the embedded catalogue carries one made at build time,
// and user catalogues are cached as one per path, keyed by their content.
// The bytes are never trusted: a wrong magic, version, length or checksum,
// or any field running past the end, makes read_snapshot fail.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "errlens/loaders.hpp"

namespace errlens {

/// The layout's version: bump it whenever what write_snapshot writes changes
/// (a field added to Record or Problem included), so old snapshots are refused.
constexpr std::uint32_t k_snapshot_format_version = 1;

/// One source file and what load_records made of it.
struct LoadedFile {
    std::string name;
    LoadResult result;
};

/// The files, their records (every field, with source, source_line and format)
/// and problems, in order.
std::string write_snapshot(std::span<const LoadedFile> files);

/// Replaces `out` with the files of a snapshot. On malformed bytes returns false,
/// leaves `out` empty and says what is wrong in `error`.
bool read_snapshot(std::string_view bytes, std::vector<LoadedFile>& out, std::string& error);

/// Whether a snapshot's checksum is checked. `trust` skips hashing the whole
/// payload (every field is still checked as it is read): for the embedded
/// snapshot, part of the binary and written by the same build, whose checksum
/// the tests check; hashing its megabytes was 0.3 ms of a one-message run.
enum class Checksum { verify, trust };

/// As read_snapshot, but each record is read only in part, what matching
/// needs (Catalogue::header lists the fields), so that a run which needs few
/// records whole does not copy them all: `deferred[file][record]` gets the
/// bytes to read that record whole from with read_snapshot_record. They point
/// into `bytes`, which must outlive them (the embedded snapshot does).
bool read_snapshot_headers(std::string_view bytes, std::vector<LoadedFile>& out,
                           std::vector<std::vector<std::string_view>>& deferred, std::string& error,
                           Checksum checksum = Checksum::verify);

/// Reads one record whole from bytes read_snapshot_headers gave. False, and
/// `out` untouched, when they are not one record.
bool read_snapshot_record(std::string_view record_bytes, Record& out);

/// Reads into `header`, a record as read_snapshot_headers gave it, the fields
/// that left out, from its bytes; the header fields are not written, so other
/// threads may read them meanwhile. False when the bytes are not one record
/// (some fields may then be read).
bool read_snapshot_rest(std::string_view record_bytes, Record& header);

/// XXH64 (8 bytes at a time, four lanes): the snapshot checksum, and the cache
/// key of user catalogues (chained through `seed`). Not cryptographic: it
/// detects accidents, not attacks.
std::uint64_t hash_bytes(std::string_view bytes, std::uint64_t seed = 0);

/// Identifies the loader code of this build: a snapshot written by a build
/// whose loaders differ must not be reused, even for the same input bytes.
/// Generated at build time (a hash of the snapshot tool, which links the same
/// loader objects).
std::uint64_t loader_build_id();

}  // namespace errlens
