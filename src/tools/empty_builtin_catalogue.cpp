// The build tool errlens_snapshot links the library's objects before the
// embedded catalogue exists (it is what writes it), so it gets an empty one.
#include "errlens/catalogue.hpp"
#include "errlens/snapshot.hpp"

namespace errlens {

std::span<const EmbeddedFile> builtin_files() {
    return {};
}

std::string_view builtin_snapshot() {
    return {};
}

std::uint64_t loader_build_id() {
    return 0;
}

}  // namespace errlens
