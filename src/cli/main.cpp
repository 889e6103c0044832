// The errlens command: everything happens in the library and commands.cpp.
#include "commands.hpp"

int main(int argc, char** argv) {
    return errlens::cli::run(argc, argv);
}
