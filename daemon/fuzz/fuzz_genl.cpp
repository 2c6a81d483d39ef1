// SPDX-License-Identifier: GPL-2.0
// libFuzzer: arbitrary datagrams into the netlink dispatcher (our parsing and
// libnl's attribute parsing), with a command in flight, then decode events.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "abi/decoder.hpp"
#include "source/genl_dispatcher.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace procsentry;
    source::GenlDispatcher d(0x1d);
    d.expect(1);
    d.feed(std::span<const uint8_t>(data, size));
    if (d.reply_done()) {
        const auto r = d.take_reply();
        if (r.extack.size() > size)
            std::abort();
    }
    abi::Decoder dec;
    source::Message m;
    while (d.pop_event(m)) {
        if (m.records.size() > size)
            std::abort();
        (void)dec.decode(m.records, m.cpu);
    }
    return 0;
}
