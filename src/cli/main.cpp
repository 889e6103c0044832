// The errlens command: everything happens in the library and commands.cpp.
#include "commands.hpp"
#include "errlens/huge_pages.hpp"

int main(int argc, char** argv) {
    // First, so that the catalogue and the matcher are allocated on huge
    // pages: fewer page faults in start-up, fewer TLB misses in a scan.
    errlens::prefer_huge_pages();
    return errlens::cli::run(argc, argv);
}
