// `errlens validate`: lints records beyond what loading needs. A record that
// loads can still be unfit for the catalogue: no Chinese, a regex RE2 rejects,
// examples its regex misses or near misses it catches.
#pragma once

#include <vector>

#include "errlens/matcher.hpp"
#include "errlens/problem.hpp"

namespace errlens {

/// Every problem of every record in the matcher's catalogue, in record order.
/// Checks: required fields, known verification tier, Chinese for the signature,
/// root cause, each workaround and each dead end, the regex compiles, each
/// `examples` line is matched by the record (through the full matcher) and
/// ranks it first among the catalogue's records, and no
/// `non_examples` line is.
std::vector<Problem> validate_records(const Matcher& matcher);

}  // namespace errlens
