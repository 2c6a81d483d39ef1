// SPDX-License-Identifier: GPL-2.0
// libFuzzer: request bodies through the strict JSON parser and BodyReader, as the handlers
// use them; only ApiError may come out, and its answer is always valid JSON.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "api/api_error.hpp"
#include "api/body_reader.hpp"
#include "api/json_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace procsentry::console;
    http::Request req;
    req.method = "POST";
    req.headers.emplace_back("content-type", "application/json");
    req.body.assign(reinterpret_cast<const char*>(data), size);
    try {
        Json::Value body = api::BodyReader::parse_object(req);
        api::BodyReader b(body, "", {"name", "max_uses", "host_ids", "enabled", "targets", "comment"});
        b.string("name", false, 100);
        b.integer("max_uses", false, 1, 1000000);
        b.id_list("host_ids", false, 10000);
        b.boolean("enabled", false);
        b.nullable_string("comment", 1000);
        if (const Json::Value* t = b.object("targets", false))
            api::BodyReader(*t, "targets", {"host_ids"}).id_list("host_ids", true, 10);
    } catch (const api::ApiError& e) {
        if (!api::JsonText::parse(e.response().body))
            std::abort();
    }
    return 0;
}
