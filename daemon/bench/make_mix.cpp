// SPDX-License-Identifier: GPL-2.0
// Writes the benchmark's record mix (record_mix.hpp) as a replay file, for
// procsentryd --replay: `make bench` measures the daemon's peak RSS with
// 10 k live processes from a file this program wrote with --no-exit.
//
//   procsentry_make_mix OUT PROCESSES [--no-exit]
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "record_mix.hpp"
#include "source/replay_writer.hpp"

int main(int argc, char** argv)
{
    if (argc < 3 || argc > 4 || (argc == 4 && std::string(argv[3]) != "--no-exit")) {
        std::fprintf(stderr, "usage: %s OUT PROCESSES [--no-exit]\n", argv[0]);
        return 2;
    }
    char* end = nullptr;
    const unsigned long long n = std::strtoull(argv[2], &end, 10);
    if (*argv[2] == '\0' || *end != '\0' || n == 0) {
        std::fprintf(stderr, "%s: PROCESSES '%s' is not a positive number\n", argv[0], argv[2]);
        return 2;
    }
    try {
        procsentry::bench::RecordMix mix(argc != 4);
        const auto msgs = mix.make(n);
        procsentry::source::ReplayWriter w(argv[1]);
        for (const auto& m : msgs)
            w.write(m);
        w.flush();
        std::printf("%s: %llu records, %llu processes, %zu messages\n", argv[1],
                    static_cast<unsigned long long>(mix.stats().records),
                    static_cast<unsigned long long>(mix.stats().processes), msgs.size());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s: %s\n", argv[0], argv[1], e.what());
        return 1;
    }
    return 0;
}
