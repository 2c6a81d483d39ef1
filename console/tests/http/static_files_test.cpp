// SPDX-License-Identifier: GPL-2.0
#include "http/static_files.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace procsentry::console::http {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        base_ = fs::temp_directory_path() / ("psc-static-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(base_);
        fs::create_directories(base_ / "ui" / "assets");
        write(base_ / "ui" / "index.html", "<html>index</html>");
        write(base_ / "ui" / "assets" / "app.js", "console.log(1)");
        write(base_ / "ui" / "assets" / "style.css", "body{}");
        write(base_ / "ui" / ".hidden", "secret");
        write(base_ / "secret.txt", "outside");
        fs::create_symlink(base_ / "secret.txt", base_ / "ui" / "link.txt");
        fs::create_directory_symlink(base_, base_ / "ui" / "up");
        ::mkfifo((base_ / "ui" / "fifo").c_str(), 0600);
    }
    void TearDown() override { fs::remove_all(base_); }
    static void write(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }

    Response get(const std::string& path)
    {
        Request r;
        r.method = "GET";
        r.path = path;
        return StaticFiles((base_ / "ui").string()).serve(r);
    }

    fs::path base_;
};

TEST_F(StaticFilesTest, ServesIndexAtRootWithContentType)
{
    Response r = get("/");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, "<html>index</html>");
    EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
}

TEST_F(StaticFilesTest, ServesAssetsWithTheirTypes)
{
    Response js = get("/ui/assets/app.js");
    EXPECT_EQ(js.status, 200);
    EXPECT_EQ(js.body, "console.log(1)");
    EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
    EXPECT_EQ(get("/ui/assets/style.css").content_type, "text/css; charset=utf-8");
}

TEST_F(StaticFilesTest, RefusesTraversalHiddenSymlinksAndSpecialFiles)
{
    for (const char* p : {"/ui/../secret.txt", "/ui/assets/../../secret.txt", "/ui/./index.html", "/ui/.hidden",
                          "/ui/link.txt", "/ui/up/secret.txt", "/ui/fifo", "/ui/assets", "/ui//index.html",
                          "/ui/assets\\..\\..\\secret.txt", "/secret.txt", "/index.html/..", "/etc/passwd",
                          "/ui/nope.js"}) {
        Response r = get(p);
        EXPECT_EQ(r.status, 404) << p;
        EXPECT_EQ(r.body.find("outside"), std::string::npos) << p;
        EXPECT_EQ(r.body.find("secret"), std::string::npos) << p;
    }
}

TEST_F(StaticFilesTest, OnlyGetAndHead)
{
    Request r;
    r.method = "POST";
    r.path = "/";
    EXPECT_EQ(StaticFiles((base_ / "ui").string()).serve(r).status, 405);
    r.method = "HEAD";
    Response h = StaticFiles((base_ / "ui").string()).serve(r);
    EXPECT_EQ(h.status, 200);
    EXPECT_EQ(h.body.size(), 18u);  // the server drops it and keeps the length
}

TEST(StaticFilesPaths, RelativePath)
{
    EXPECT_EQ(StaticFiles::relative_path("/"), "index.html");
    EXPECT_EQ(StaticFiles::relative_path("/ui/a/b.js"), "a/b.js");
    EXPECT_EQ(StaticFiles::relative_path("/ui/a/../b.js"), "");
    EXPECT_EQ(StaticFiles::relative_path("/other"), "");
    EXPECT_EQ(StaticFiles::relative_path("/ui/a\x01.js"), "");
}

}  // namespace
}  // namespace procsentry::console::http
