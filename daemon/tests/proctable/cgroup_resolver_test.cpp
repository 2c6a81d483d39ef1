// SPDX-License-Identifier: GPL-2.0
#include "proctable/cgroup_resolver.hpp"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <string>

#include "support/temp_dir.hpp"

namespace procsentry::proctable {
namespace {

const std::string kId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

std::string from(const std::string& p)
{
    return CgroupResolver::container_id_from_path(p);
}

TEST(ContainerIdFromPath, EachRuntime)
{
    EXPECT_EQ(from("/system.slice/docker-" + kId + ".scope"), kId);
    EXPECT_EQ(from("/docker/" + kId), kId);
    EXPECT_EQ(from("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234_ab.slice/cri-containerd-" +
                   kId + ".scope"),
              kId);
    EXPECT_EQ(from("/kubepods/besteffort/pod0a1b2c3d-0000-1111-2222-333344445555/" + kId), kId);
    EXPECT_EQ(from("/kubepods.slice/crio-" + kId + ".scope"), kId);
    EXPECT_EQ(from("/kubepods/crio-" + kId), kId);
    EXPECT_EQ(from("/machine.slice/libpod-" + kId + ".scope"), kId);
    EXPECT_EQ(from("/machine.slice/libpod-" + kId + ".scope/container"), kId);  // podman split cgroups
    EXPECT_EQ(from("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" + kId + ".scope"), kId);
    EXPECT_EQ(from("/lxc.payload.web-1/init.scope"), "web-1");
    EXPECT_EQ(from("/lxc.payload.c1"), "c1");
    // systemd inside a docker container: the container's own sub-cgroups.
    EXPECT_EQ(from("/system.slice/docker-" + kId + ".scope/init.scope"), kId);
}

TEST(ContainerIdFromPath, HostPaths)
{
    EXPECT_EQ(from("/"), "");
    EXPECT_EQ(from(""), "");
    EXPECT_EQ(from("/init.scope"), "");
    EXPECT_EQ(from("/system.slice/ssh.service"), "");
    EXPECT_EQ(from("/user.slice/user-1000.slice/session-3.scope"), "");
    EXPECT_EQ(from("/system.slice/docker.service"), "");
    EXPECT_EQ(from("/machine.slice/libpod-conmon-" + kId + ".scope"), "");
    EXPECT_EQ(from("/kubepods.slice/crio-conmon-" + kId + ".scope"), "");
    EXPECT_EQ(from("/lxc.monitor.c1"), "");
}

TEST(ContainerIdFromPath, HostilePaths)
{
    const std::string upper = "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef";
    EXPECT_EQ(from("/docker-" + upper + ".scope"), "");
    EXPECT_EQ(from("/docker-" + kId.substr(1) + ".scope"), "");          // 63 digits
    EXPECT_EQ(from("/docker-" + kId + "0.scope"), "");                   // 65 digits
    EXPECT_EQ(from("/docker-" + kId + ".scope.evil"), "");
    EXPECT_EQ(from("/docker-" + kId + ".service"), "");
    EXPECT_EQ(from("/xdocker-" + kId + ".scope"), "");
    EXPECT_EQ(from("/" + kId), "");                                      // bare id, no runtime parent
    EXPECT_EQ(from("/tmp/" + kId), "");
    EXPECT_EQ(from("/docker/" + kId + "/../.."), "");
    EXPECT_EQ(from("/docker/../docker-" + kId + ".scope"), "");
    EXPECT_EQ(from("/docker/./" + kId), "");
    EXPECT_EQ(from("/lxc.payload."), "");
    EXPECT_EQ(from("/lxc.payload..."), "");
    EXPECT_EQ(from("/lxc.payload.a\nb"), "");
    EXPECT_EQ(from("/lxc.payload.a\"b"), "");
    EXPECT_EQ(from("/lxc.payload." + std::string(65, 'a')), "");
    EXPECT_EQ(from(std::string("/docker-") + std::string(1, '\0') + kId), "");
    EXPECT_EQ(from("/a" + std::string(5000, '/') + "docker-" + kId + ".scope"), "");  // too long
    EXPECT_EQ(from("//docker//" + kId + "//"), kId);  // empty components are nothing
}

uint64_t inode_of(const std::string& path)
{
    struct stat st{};
    EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
    return st.st_ino;
}

TEST(CgroupResolver, ResolvesAnInodeByWalkingTheTree)
{
    test::TempDir d;
    d.mkdirs("system.slice/ssh.service");
    d.mkdirs("system.slice/docker-" + kId + ".scope/inner");
    d.mkdirs("lxc.payload.box");
    CgroupResolver r(d.path(), 100, 0);
    EXPECT_EQ(r.container_id(inode_of(d.sub("system.slice/docker-" + kId + ".scope/inner"))), kId);
    EXPECT_EQ(r.stats().walks, 1u);
    // The same walk taught it the other directories.
    EXPECT_EQ(r.container_id(inode_of(d.sub("lxc.payload.box"))), "box");
    EXPECT_EQ(r.container_id(inode_of(d.sub("system.slice/ssh.service"))), "");
    EXPECT_EQ(r.container_id(inode_of(d.path())), "");
    EXPECT_EQ(r.stats().walks, 1u);
    EXPECT_EQ(r.container_id(0), "");
}

TEST(CgroupResolver, UnknownIdsAreCachedAsHostAfterAWalk)
{
    test::TempDir d;
    d.mkdirs("a");
    CgroupResolver r(d.path(), 100, 0);
    EXPECT_EQ(r.container_id(123456789012345ull), "");
    EXPECT_EQ(r.container_id(123456789012345ull), "");
    EXPECT_EQ(r.stats().walks, 1u);
    EXPECT_EQ(r.stats().hits, 1u);
}

TEST(CgroupResolver, WalksAreRateLimited)
{
    test::TempDir d;
    d.mkdirs("a");
    CgroupResolver r(d.path(), 100, 3600'000'000'000ull);
    EXPECT_EQ(r.container_id(inode_of(d.sub("a"))), "");
    d.mkdirs("docker-" + kId + ".scope");
    const uint64_t ino = inode_of(d.sub("docker-" + kId + ".scope"));
    EXPECT_EQ(r.container_id(ino), "");  // not walked: too soon
    EXPECT_EQ(r.stats().walks, 1u);
    EXPECT_EQ(r.stats().rate_limited, 1u);
    // Not cached as host: a later walk may still find it.
    CgroupResolver fresh(d.path(), 100, 0);
    EXPECT_EQ(fresh.container_id(ino), kId);
}

TEST(CgroupResolver, CacheIsBounded)
{
    test::TempDir d;
    for (int i = 0; i < 20; ++i)
        d.mkdirs("g" + std::to_string(i));
    d.mkdirs("lxc.payload.last");
    CgroupResolver r(d.path(), 5, 0);
    EXPECT_EQ(r.container_id(inode_of(d.sub("lxc.payload.last"))), "last");
    EXPECT_LE(r.cached(), 5u);
    for (int i = 0; i < 20; ++i)
        r.container_id(inode_of(d.sub("g" + std::to_string(i))));
    EXPECT_LE(r.cached(), 5u);
    EXPECT_GT(r.stats().evicted, 0u);
}

TEST(CgroupResolver, NotePathNeedsNoWalk)
{
    CgroupResolver r("/nonexistent", 10, 0);
    r.note_path(99, "/system.slice/docker-" + kId + ".scope");
    EXPECT_EQ(r.container_id(99), kId);
    EXPECT_EQ(r.stats().walks, 0u);
}

TEST(CgroupResolver, SymlinksAreNotFollowed)
{
    test::TempDir d;
    test::TempDir outside;
    outside.mkdirs("docker-" + kId + ".scope");
    d.symlink(outside.path(), "link");
    CgroupResolver r(d.path(), 100, 0);
    EXPECT_EQ(r.container_id(inode_of(outside.sub("docker-" + kId + ".scope"))), "");
}

}  // namespace
}  // namespace procsentry::proctable
