// SPDX-License-Identifier: GPL-2.0
#include "app/sink_set.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "support/temp_dir.hpp"

namespace procsentry::app {
namespace {

alert::SerializedPtr alert_of(const std::string& id)
{
    auto s = std::make_shared<alert::Serialized>();
    s->id = id;
    s->severity = rules::Severity::high;
    s->json = "{\"id\":\"" + id + "\"}";
    return s;
}

rules::SinkSpec file_spec(const std::string& path, rules::Severity min)
{
    rules::SinkSpec s;
    s.name = "file";
    s.type = "file";
    s.min_severity = min;
    s.file.path = path;
    return s;
}

const sinks::SinkHealth* find(const std::vector<sinks::SinkHealth>& all, const std::string& name)
{
    for (const auto& h : all)
        if (h.name == name)
            return &h;
    return nullptr;
}

// A reload that replaces or removes a sink must not wipe what it counted:
// alerts it dropped would vanish from status ("loss never silent").
TEST(SinkSet, CountersOfReplacedAndRemovedSinksStayInHealth)
{
    test::TempDir dir;
    SinkSet set("host");
    set.apply({file_spec(dir.file("a.json"), rules::Severity::info)});
    for (int i = 0; i < 3; ++i)
        set.submit(alert_of("a" + std::to_string(i)));
    // Changed spec: the sink is replaced; its three alerts still count.
    set.apply({file_spec(dir.file("a.json"), rules::Severity::low)});
    auto h = set.health();
    ASSERT_EQ(h.size(), 1u);
    EXPECT_EQ(h[0].submitted, 3u);
    EXPECT_EQ(h[0].delivered + h[0].dropped, 3u);
    set.submit(alert_of("b"));
    // Removed: listed on its own, totals kept.
    rules::SinkSpec other = file_spec(dir.file("b.json"), rules::Severity::info);
    other.name = "other";
    set.apply({other});
    h = set.health();
    const auto* gone = find(h, "file");
    ASSERT_NE(gone, nullptr);
    EXPECT_EQ(gone->submitted, 4u);
    EXPECT_EQ(gone->delivered + gone->dropped, 4u);
    EXPECT_EQ(gone->last_error, "removed by a reload");
    ASSERT_NE(find(h, "other"), nullptr);
    set.stop(std::chrono::milliseconds(2000));
}

}  // namespace
}  // namespace procsentry::app
