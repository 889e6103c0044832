// Process memory policy for scans with large catalogues.
#pragma once

#include <cstddef>

namespace errlens {

/// Asks the kernel to back the whole 2 MB pages of [data, data + bytes) with
/// transparent huge pages: for a large block read at random (the automaton's
/// table, the heap's reserve). Advice only: where it is not taken, the
/// memory is as before. Returns whether it was given (false when the range
/// holds no whole 2 MB page, or off Linux).
bool advise_huge_pages(const void* data, std::size_t bytes);

/// Asks that the C heap be backed by transparent huge pages from now on:
/// what the catalogue, the matcher and the regexes allocate afterwards.
/// With thousands of records the matcher's data is hundreds of MB read at
/// random, line after line, and with 4 KB pages most of those reads also
/// miss the TLB (20,000 records, 10 MB log: 57.8 -> 63.5 MB/s, beside the
/// automaton's table, which asks for huge pages itself: 52.7 -> 57.8).
///
/// A choice for the program, not the library: it changes how malloc grows
/// the heap for the whole process. Call it once, at the start of main,
/// before a catalogue is loaded; later calls do nothing. The heap grows at
/// once by a reserve of 1 GB of address space (only memory touched counts),
/// which is advised; blocks of any size are cut from it while it lasts, and
/// the heap is trimmed back to no less than it. Beyond it the heap grows as
/// usual, without the advice, and blocks of 32 MB and more are mapped alone.
/// Where the reserve cannot be had (a data size limit under 1 GB, strict
/// overcommit without room) malloc is left as it was. Where the kernel
/// gives huge pages only on request (Debian's default), this is the request;
/// where it never gives them, or off Linux with glibc, nothing changes.
/// Returns whether the request was made.
bool prefer_huge_pages();

}  // namespace errlens
