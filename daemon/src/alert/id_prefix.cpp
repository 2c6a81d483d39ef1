// SPDX-License-Identifier: GPL-2.0
#include "alert/id_prefix.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>

namespace procsentry::alert {

namespace {

bool from_getrandom(uint64_t& v)
{
    // GRND_NONBLOCK: very early in boot the pool may not be ready, and alert
    // ids are not worth blocking startup for.
    return getrandom(&v, sizeof v, GRND_NONBLOCK) == static_cast<ssize_t>(sizeof v);
}

bool from_urandom(uint64_t& v)
{
    const int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = read(fd, &v, sizeof v) == static_cast<ssize_t>(sizeof v);
    close(fd);
    return ok;
}

uint64_t splitmix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

uint64_t from_clocks()
{
    timespec a{}, b{};
    clock_gettime(CLOCK_REALTIME, &a);
    clock_gettime(CLOCK_MONOTONIC, &b);
    uint64_t x = splitmix(static_cast<uint64_t>(a.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(a.tv_nsec));
    x = splitmix(x ^ (static_cast<uint64_t>(b.tv_sec) << 30 ^ static_cast<uint64_t>(b.tv_nsec)));
    x = splitmix(x ^ static_cast<uint64_t>(getpid()));
    return splitmix(x ^ reinterpret_cast<uintptr_t>(&x));
}

}  // namespace

std::string random_id_prefix()
{
    uint64_t v = 0;
    if (!from_getrandom(v) && !from_urandom(v))
        v = from_clocks();
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s(16, '0');
    for (int i = 15; i >= 0; --i, v >>= 4)
        s[static_cast<std::size_t>(i)] = kHex[v & 0xf];
    return s;
}

}  // namespace procsentry::alert
