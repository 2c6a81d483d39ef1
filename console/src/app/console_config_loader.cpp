// SPDX-License-Identifier: GPL-2.0
#include "app/console_config_loader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/ip/address.hpp>
#include <cerrno>
#include <cstring>
#include <set>
#include <stdexcept>

#include <json/reader.h>
#include <json/value.h>
#include <json/writer.h>

namespace procsentry::console::app {
namespace {

std::string render(const Json::Value& v)
{
    Json::StreamWriterBuilder b;
    b["indentation"] = "";
    std::string s = Json::writeString(b, v);
    std::string out;
    for (unsigned char c : s) {
        if (out.size() >= 96) {
            out += "...";
            break;
        }
        out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '?';
    }
    return out;
}

class Checker {
public:
    explicit Checker(std::string file) : file_(std::move(file)) {}

    void error(const std::string& key, const std::string& message, const Json::Value* value = nullptr)
    {
        if (errors.size() >= 100)
            return;
        errors.push_back(file_ + ": " + (key.empty() ? "" : key + ": ") + message +
                         (value ? " (got " + render(*value) + ")" : ""));
    }

    // Object check plus unknown keys.
    bool object(const Json::Value& v, const std::string& key, std::initializer_list<const char*> allowed)
    {
        if (!v.isObject()) {
            error(key.empty() ? "(top level)" : key, "must be an object", &v);
            return false;
        }
        std::set<std::string> ok(allowed.begin(), allowed.end());
        for (const auto& name : v.getMemberNames())
            if (!ok.count(name))
                error(join(key, render(Json::Value(name))), "unknown key");
        return true;
    }

    static std::string join(const std::string& a, const std::string& b) { return a.empty() ? b : a + "." + b; }

    void string(const Json::Value& obj, const std::string& prefix, const char* name, std::string& out, bool path)
    {
        if (!obj.isMember(name))
            return;
        const Json::Value& v = obj[name];
        const std::string key = join(prefix, name);
        if (!v.isString() || v.asString().empty()) {
            error(key, "must be a non-empty string", &v);
            return;
        }
        std::string s = v.asString();
        if (s.size() > 4096 || s.find('\0') != std::string::npos) {
            error(key, "is not a usable string", &v);
            return;
        }
        if (path && s[0] != '/') {
            error(key, "must be an absolute path", &v);
            return;
        }
        out = s;
    }

    template <class T>
    void integer(const Json::Value& obj, const std::string& prefix, const char* name, T& out, int64_t min, int64_t max)
    {
        if (!obj.isMember(name))
            return;
        const Json::Value& v = obj[name];
        const std::string key = join(prefix, name);
        if (!(v.type() == Json::intValue || v.type() == Json::uintValue) || !v.isInt64() || v.asInt64() < min ||
            v.asInt64() > max) {
            error(key, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max), &v);
            return;
        }
        out = static_cast<T>(v.asInt64());
    }

    void boolean(const Json::Value& obj, const std::string& prefix, const char* name, bool& out)
    {
        if (!obj.isMember(name))
            return;
        const Json::Value& v = obj[name];
        if (!v.isBool()) {
            error(join(prefix, name), "must be true or false", &v);
            return;
        }
        out = v.asBool();
    }

    std::vector<std::string> errors;

private:
    std::string file_;
};

bool is_loopback(const std::string& address)
{
    boost::system::error_code ec;
    auto a = boost::asio::ip::make_address(address, ec);
    return !ec && a.is_loopback();
}

}  // namespace

ConsoleConfigLoader::Result ConsoleConfigLoader::load_string(const std::string& text, const std::string& name)
{
    Result r;
    Checker c(name);
    r.config.source = name;
    if (text.size() > kMaxBytes) {
        c.error("", "larger than " + std::to_string(kMaxBytes) + " bytes");
        r.errors = c.errors;
        return r;
    }
    Json::CharReaderBuilder b;
    Json::CharReaderBuilder::strictMode(&b.settings_);
    b.settings_["stackLimit"] = 32;
    std::unique_ptr<Json::CharReader> reader(b.newCharReader());
    Json::Value root;
    std::string errs;
    bool parsed = false;
    try {
        parsed = reader->parse(text.data(), text.data() + text.size(), &root, &errs);
    } catch (const std::exception& e) {
        errs = e.what();
    }
    if (!parsed) {
        for (auto& ch : errs)
            if (ch == '\n')
                ch = ' ';
        c.error("", "not valid JSON: " + errs.substr(0, 200));
        r.errors = c.errors;
        return r;
    }
    ConsoleConfig& cfg = r.config;
    if (c.object(root, "", {"version", "listen", "tls", "allow_plain_http", "store", "ui_dir", "state_dir", "threads",
                            "sessions", "agents", "retention"})) {
        if (!root.isMember("version"))
            c.error("version", "is required (1)");
        else if (!root["version"].isInt() || root["version"].asInt() != 1)
            c.error("version", "must be 1", &root["version"]);
        if (root.isMember("listen") && c.object(root["listen"], "listen", {"address", "port"})) {
            const Json::Value& l = root["listen"];
            c.string(l, "listen", "address", cfg.listen_address, false);
            if (l.isMember("address")) {
                boost::system::error_code ec;
                boost::asio::ip::make_address(cfg.listen_address, ec);
                if (ec)
                    c.error("listen.address", "must be an IP address", &l["address"]);
            }
            c.integer(l, "listen", "port", cfg.listen_port, 1, 65535);
        }
        if (root.isMember("tls") && !root["tls"].isNull() &&
            c.object(root["tls"], "tls", {"cert_file", "key_file"})) {
            const Json::Value& t = root["tls"];
            c.string(t, "tls", "cert_file", cfg.tls_cert_file, true);
            c.string(t, "tls", "key_file", cfg.tls_key_file, true);
            if (!t.isMember("cert_file") || !t.isMember("key_file"))
                c.error("tls", "needs both cert_file and key_file");
        }
        c.boolean(root, "", "allow_plain_http", cfg.allow_plain_http);
        if (root.isMember("store") && c.object(root["store"], "store", {"type", "path", "conninfo_file"})) {
            const Json::Value& s = root["store"];
            c.string(s, "store", "type", cfg.store_type, false);
            if (cfg.store_type != "sqlite" && cfg.store_type != "postgresql")
                c.error("store.type", "must be \"sqlite\" or \"postgresql\"", &s["type"]);
            c.string(s, "store", "path", cfg.store_path, true);
            c.string(s, "store", "conninfo_file", cfg.conninfo_file, true);
            if (cfg.store_type == "postgresql" && cfg.conninfo_file.empty())
                c.error("store.conninfo_file", "is required with \"type\": \"postgresql\"");
            if (cfg.store_type == "sqlite" && s.isMember("conninfo_file"))
                c.error("store.conninfo_file", "is only for \"type\": \"postgresql\"");
            if (cfg.store_type == "postgresql" && s.isMember("path"))
                c.error("store.path", "is only for \"type\": \"sqlite\"");
        }
        c.string(root, "", "ui_dir", cfg.ui_dir, true);
        c.string(root, "", "state_dir", cfg.state_dir, true);
        c.integer(root, "", "threads", cfg.threads, 1, 64);
        if (root.isMember("sessions") &&
            c.object(root["sessions"], "sessions", {"idle_timeout_s", "absolute_timeout_s"})) {
            c.integer(root["sessions"], "sessions", "idle_timeout_s", cfg.idle_timeout_s, 60, 2592000);
            c.integer(root["sessions"], "sessions", "absolute_timeout_s", cfg.absolute_timeout_s, 60, 2592000);
            if (cfg.absolute_timeout_s < cfg.idle_timeout_s)
                c.error("sessions.absolute_timeout_s", "must not be shorter than sessions.idle_timeout_s",
                        &root["sessions"]["absolute_timeout_s"]);
        }
        if (root.isMember("agents") &&
            c.object(root["agents"], "agents", {"heartbeat_wait_s", "offline_after_s"})) {
            c.integer(root["agents"], "agents", "heartbeat_wait_s", cfg.heartbeat_wait_s, 1, 300);
            c.integer(root["agents"], "agents", "offline_after_s", cfg.offline_after_s, 10, 86400);
            if (cfg.offline_after_s <= cfg.heartbeat_wait_s)
                c.error("agents.offline_after_s", "must be longer than agents.heartbeat_wait_s",
                        root["agents"].isMember("offline_after_s") ? &root["agents"]["offline_after_s"] : nullptr);
        }
        if (root.isMember("retention") && c.object(root["retention"], "retention", {"max_age_days"}))
            c.integer(root["retention"], "retention", "max_age_days", cfg.retention_max_age_days, 0, 36500);
        if (!cfg.tls() && !cfg.allow_plain_http && !is_loopback(cfg.listen_address))
            c.error("tls", "is required unless listen.address is a loopback address or allow_plain_http is true");
    }
    r.errors = c.errors;
    r.ok = r.errors.empty();
    if (!r.ok)
        r.config = ConsoleConfig{};
    return r;
}

ConsoleConfigLoader::Result ConsoleConfigLoader::load_file(const std::string& path)
{
    Result r;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        r.errors.push_back(path + ": cannot open: " + std::strerror(errno));
        return r;
    }
    struct stat st {};
    std::string text;
    std::string problem;
    if (::fstat(fd, &st) != 0)
        problem = std::string("cannot stat: ") + std::strerror(errno);
    else if (!S_ISREG(st.st_mode))
        problem = "not a regular file";
    else if (st.st_mode & S_IWOTH)
        problem = "writable by every user";
    else if (static_cast<std::size_t>(st.st_size) > kMaxBytes)
        problem = "larger than " + std::to_string(kMaxBytes) + " bytes";
    if (problem.empty()) {
        char buf[65536];
        while (true) {
            ssize_t n = ::read(fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                problem = std::string("cannot read: ") + std::strerror(errno);
                break;
            }
            if (n == 0)
                break;
            text.append(buf, static_cast<std::size_t>(n));
            if (text.size() > kMaxBytes) {
                problem = "larger than " + std::to_string(kMaxBytes) + " bytes";
                break;
            }
        }
    }
    ::close(fd);
    if (!problem.empty()) {
        r.errors.push_back(path + ": " + problem);
        return r;
    }
    return load_string(text, path);
}

std::string ConsoleConfigLoader::read_conninfo(const std::string& path)
{
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        throw std::runtime_error("store.conninfo_file " + path + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    std::string problem;
    std::string text;
    if (::fstat(fd, &st) != 0)
        problem = std::string("cannot stat: ") + std::strerror(errno);
    else if (!S_ISREG(st.st_mode))
        problem = "not a regular file";
    else if (st.st_mode & (S_IROTH | S_IWOTH))
        problem = "readable or writable by every user (it holds the database password; chmod 600 or 640)";
    else if (st.st_size > 65536)
        problem = "larger than 64 KiB";
    if (problem.empty()) {
        text.resize(static_cast<std::size_t>(st.st_size));
        ssize_t n = ::read(fd, text.data(), text.size());
        if (n < 0)
            problem = std::string("cannot read: ") + std::strerror(errno);
        else
            text.resize(static_cast<std::size_t>(n));
    }
    ::close(fd);
    if (!problem.empty())
        throw std::runtime_error("store.conninfo_file " + path + ": " + problem);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    if (text.empty())
        throw std::runtime_error("store.conninfo_file " + path + ": empty");
    return text;
}

}  // namespace procsentry::console::app
