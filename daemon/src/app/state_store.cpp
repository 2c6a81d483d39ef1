// SPDX-License-Identifier: GPL-2.0
#include "app/state_store.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <json/json.h>

namespace procsentry::app {

StateStore::StateStore(std::string dir) : dir_(std::move(dir)), path_(dir_ + "/state.json") {}

bool StateStore::load(std::string& error)
{
    std::ifstream in(path_);
    if (!in) {
        if (errno == ENOENT)
            return true;
        error = path_ + ": " + std::strerror(errno);
        return false;
    }
    Json::CharReaderBuilder b;
    Json::Value root;
    std::string errs;
    if (!Json::parseFromStream(b, in, &root, &errs) || !root.isObject()) {
        error = path_ + ": not valid JSON, ignored: " + errs;
        return false;
    }
    if (root["enabled"].isBool())
        enabled_ = root["enabled"].asBool();
    if (root["console_generation"].isUInt64())
        console_generation_ = root["console_generation"].asUInt64();
    const Json::Value& s = root["session"];
    if (s.isObject() && s["boot_id"].isString() && s["last_ts_ns"].isUInt64()) {
        Session p;
        p.boot_id = s["boot_id"].asString();
        p.last_ts_ns = s["last_ts_ns"].asUInt64();
        p.last_wall_ns = s["last_wall_ns"].isInt64() ? s["last_wall_ns"].asInt64() : 0;
        p.clean = s["clean"].isBool() && s["clean"].asBool();
        previous_ = p;
    }
    return true;
}

bool StateStore::save(std::string& error, bool durable) const
{
    Json::Value root;
    root["enabled"] = enabled_;
    root["console_generation"] = Json::UInt64(console_generation_);
    Json::Value s;
    s["boot_id"] = current_.boot_id;
    s["last_ts_ns"] = Json::UInt64(current_.last_ts_ns);
    s["last_wall_ns"] = Json::Int64(current_.last_wall_ns);
    s["clean"] = current_.clean;
    root["session"] = s;
    Json::StreamWriterBuilder w;
    w["indentation"] = "";
    const std::string text = Json::writeString(w, root) + "\n";

    const std::string tmp = path_ + ".tmp";
    const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = tmp + ": " + std::strerror(errno);
        return false;
    }
    const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && (!durable || fsync(fd) == 0);
    const int saved = errno;
    close(fd);
    if (!ok || rename(tmp.c_str(), path_.c_str()) != 0) {
        error = path_ + ": " + std::strerror(ok ? errno : saved);
        unlink(tmp.c_str());
        return false;
    }
    return true;
}

}  // namespace procsentry::app
