// The command line: parses arguments with CLI11, calls the library, prints
// its results and maps them to grep-like exit codes.
#pragma once

namespace errlens::cli {

/// Exit codes, as grep has them (with the sense of "found" inverted for a diagnoser).
constexpr int k_exit_nothing_found = 0;
constexpr int k_exit_found = 1;
constexpr int k_exit_error = 2;

int run(int argc, char** argv);

}  // namespace errlens::cli
