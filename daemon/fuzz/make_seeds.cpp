// SPDX-License-Identifier: GPL-2.0
// Writes seed inputs for the fuzzers into the directories given:
//   make_seeds DECODER_DIR REPLAY_DIR GENL_DIR
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "source/replay_writer.hpp"
#include "support/netlink_builder.hpp"
#include "support/record_builder.hpp"

namespace {

void put(const std::string& path, const std::vector<uint8_t>& b)
{
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()),
                                                static_cast<std::streamsize>(b.size()));
}

std::vector<uint8_t> with_cpu(uint32_t cpu, const std::vector<uint8_t>& rec)
{
    std::vector<uint8_t> out(4);
    for (int i = 0; i < 4; ++i)
        out[i] = static_cast<uint8_t>(cpu >> (8 * i));
    out.insert(out.end(), rec.begin(), rec.end());
    return out;
}

}  // namespace

int main(int argc, char** argv)
{
    using namespace procsentry;
    if (argc != 4) {
        std::fprintf(stderr, "usage: make_seeds DECODER_DIR REPLAY_DIR GENL_DIR\n");
        return 2;
    }
    const std::string dec = argv[1], rep = argv[2], genl = argv[3];
    const std::vector<std::vector<uint8_t>> recs{
        test::sample_exec(1),      test::sample_exec_failed(2), test::sample_cred_change(3),
        test::sample_exit(4),      test::sample_fork(5),        test::sample_lost(PROCSENTRY_LOST_READER, 9, 0)};
    std::vector<uint8_t> all;
    for (std::size_t i = 0; i < recs.size(); ++i) {
        put(dec + "/rec" + std::to_string(i), with_cpu(0, recs[i]));
        test::append(all, recs[i]);
    }
    put(dec + "/all", with_cpu(0, all));

    put(genl + "/events", test::concat({test::events_message(0, all), test::events_message(1, recs[4])}));
    put(genl + "/reply", test::concat({test::GenlMessage(PROCSENTRY_CMD_REGISTER, 1)
                                           .u32(PROCSENTRY_A_ABI_VERSION, 1)
                                           .u32(PROCSENTRY_A_NR_CPUS, 2)
                                           .wire(),
                                       test::ack_message(1, 0)}));
    put(genl + "/extack", test::ack_message(1, -71, "module ABI is 2"));

    source::ReplayWriter w(rep + "/all.replay");
    w.write({0, all});
    w.write({1, test::sample_fork(1, 1)});
    return 0;
}
