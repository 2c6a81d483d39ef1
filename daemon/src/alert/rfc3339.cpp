// SPDX-License-Identifier: GPL-2.0
#include "alert/rfc3339.hpp"

namespace procsentry::alert {

namespace {

// Days since 1970-01-01 -> proleptic Gregorian date (H. Hinnant's
// civil_from_days): pure arithmetic, no locale, no time zone, no gmtime_r.
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

void put_digits(std::string& out, uint64_t v, int width)
{
    char buf[20];
    for (int i = width - 1; i >= 0; --i) {
        buf[i] = static_cast<char>('0' + v % 10);
        v /= 10;
    }
    out.append(buf, static_cast<std::size_t>(width));
}

// Floor division: -1 ns is 1969-12-31T23:59:59.999999999Z, not 1970-01-01.
int64_t floor_div(int64_t a, int64_t b)
{
    const int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

}  // namespace

void append_rfc3339(int64_t ns, std::string& out)
{
    constexpr int64_t kNsPerSec = 1'000'000'000;
    constexpr int64_t kSecPerDay = 86'400;
    const int64_t secs = floor_div(ns, kNsPerSec);
    // ns % k, not ns - secs * k: the product overflows for INT64_MIN.
    const int64_t rem = ns % kNsPerSec;
    const auto frac = static_cast<uint64_t>(rem < 0 ? rem + kNsPerSec : rem);
    const int64_t days = floor_div(secs, kSecPerDay);
    const auto sod = static_cast<uint64_t>(secs - days * kSecPerDay);
    int64_t y;
    unsigned m, d;
    civil_from_days(days, y, m, d);

    put_digits(out, static_cast<uint64_t>(y), 4);  // int64 ns spans 1677..2262
    out += '-';
    put_digits(out, m, 2);
    out += '-';
    put_digits(out, d, 2);
    out += 'T';
    put_digits(out, sod / 3600, 2);
    out += ':';
    put_digits(out, sod / 60 % 60, 2);
    out += ':';
    put_digits(out, sod % 60, 2);
    out += '.';
    put_digits(out, frac, 9);
    out += 'Z';
}

std::string rfc3339(int64_t ns)
{
    std::string s;
    s.reserve(30);
    append_rfc3339(ns, s);
    return s;
}

}  // namespace procsentry::alert
