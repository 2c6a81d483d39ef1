// SPDX-License-Identifier: GPL-2.0
#include "rules/config_loader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <set>
#include <vector>

#include <json/reader.h>

#include "format/json_writer.hpp"
#include "rules/config_checks.hpp"
#include "rules/config_console_reader.hpp"
#include "rules/config_errors.hpp"
#include "rules/config_reader.hpp"
#include "rules/config_sink_reader.hpp"
#include "rules/path_match.hpp"

namespace procsentry::rules {

namespace {

// The nesting our layout needs is 5; jsoncpp recurses per level.
constexpr int kStackLimit = 64;

std::string errno_text(int err) { return std::strerror(err); }

// jsoncpp reports "* Line 3, Column 5\n  Missing ',' ...\n" per problem;
// each becomes one error "Line 3, Column 5: Missing ',' ...".
void add_parse_errors(const std::string& errs, ConfigErrors& errors)
{
    std::vector<std::string> problems;
    std::size_t pos = 0;
    while (pos < errs.size()) {
        std::size_t end = errs.find('\n', pos);
        end = end == std::string::npos ? errs.size() : end;
        std::string line = errs.substr(pos, end - pos);
        pos = end + 1;
        const std::size_t first = line.find_first_not_of(' ');
        if (first == std::string::npos)
            continue;
        line.erase(0, first);
        if (line.starts_with("* ") || problems.empty())
            problems.push_back(line.starts_with("* ") ? line.substr(2) : line);
        else
            problems.back() += ": " + line;
    }
    // After a duplicate key jsoncpp stops and then also reports the rest of
    // the text as extra: only the first problem is real.
    if (problems.size() > 1 && problems.back().find("Extra non-whitespace") != std::string::npos)
        problems.pop_back();
    if (problems.empty())
        problems.emplace_back("parse failed");
    // jsoncpp quotes pieces of the input (a duplicate key) as they are.
    for (const auto& p : problems) {
        std::string msg = "invalid JSON: ";
        format::escape_json_string(p.substr(0, 200), msg);
        errors.add("", std::move(msg));
    }
}

std::string skip_command(const std::string& s, std::string& message)
{
    message = check_command(s);
    return s.front() == '/' ? normalize_path(s) : s;
}

std::string skip_path(const std::string& s, std::string& message)
{
    message = check_absolute_path(s);
    if (!message.empty())
        return s;
    std::string n = normalize_path(s);
    if (n == "/")
        message = "\"/\" would skip every executable";
    return n;
}

std::string user(const std::string& s, std::string& message)
{
    message = check_user(s);
    return s;
}

std::string glob(const std::string& s, std::string& message)
{
    message = check_glob(s);
    return s;
}

void read_skip(ConfigReader& r, const Json::Value& v, const std::string& path, SkipSpec& skip)
{
    if (!r.object(v, path, {"commands", "paths", "users"}))
        return;
    r.get_list(v, path, "commands", skip.commands, skip_command);
    r.get_list(v, path, "paths", skip.paths, skip_path);
    r.get_list(v, path, "users", skip.users, user);
}

void read_daemon(ConfigReader& r, const Json::Value& v, DaemonSpec& d)
{
    const std::string path = "daemon";
    if (!r.object(v, path, {"ancestry_depth", "max_processes", "argv_max", "escalation_window_ms", "loss_severity"}))
        return;
    r.get(v, path, "ancestry_depth", 1u, 64u, d.ancestry_depth);
    r.get(v, path, "max_processes", 1024u, 4'194'304u, d.max_processes);  // pid_max can reach 2^22
    r.get(v, path, "argv_max", 0u, 16384u, d.argv_max);                   // the module's limit
    r.get(v, path, "escalation_window_ms", 100u, 600'000u, d.escalation_window_ms);
    r.get_severity(v, path, "loss_severity", d.loss_severity, true);
}

void read_noise(ConfigReader& r, const Json::Value& v, NoiseSpec& n)
{
    const std::string path = "noise";
    if (!r.object(v, path, {"fold_window_ms", "max_alerts_per_minute"}))
        return;
    r.get(v, path, "fold_window_ms", 0u, 3'600'000u, n.fold_window_ms);
    r.get(v, path, "max_alerts_per_minute", 0u, 1'000'000u, n.max_alerts_per_minute);
}

void read_rule(ConfigReader& r, ConfigErrors& errors, const Json::Value& v, const std::string& path, Rule& rule)
{
    if (!r.object(v, path, {"name", "description", "type", "enabled", "severity", "match", "skip"}))
        return;
    if (r.get(v, path, "name", rule.name, true))
        if (std::string err = check_name(rule.name); !err.empty()) {
            errors.add(ConfigReader::member_path(path, "name"), v["name"], err);
            rule.name.clear();
        }
    r.get(v, path, "description", rule.description);
    std::string type;
    if (r.get(v, path, "type", type, true)) {
        if (const auto t = parse_rule_type(type))
            rule.type = *t;
        else
            errors.add(ConfigReader::member_path(path, "type"), v["type"],
                       "unknown rule type (one of bin-execution, root-escalation, termination-failure)");
    }
    r.get(v, path, "enabled", rule.enabled);
    if (const Json::Value* sev = r.member(v, path, "severity", true)) {
        const std::string sp = ConfigReader::member_path(path, "severity");
        if (r.object(*sev, sp, {"success", "failure"})) {
            r.get_severity(*sev, sp, "success", rule.on_success, true, true);
            r.get_severity(*sev, sp, "failure", rule.on_failure, true, true);
        }
    }
    if (const Json::Value* m = r.member(v, path, "match", false)) {
        const std::string mp = ConfigReader::member_path(path, "match");
        if (r.object(*m, mp, {"exe", "users", "parent_exe"})) {
            r.get_list(*m, mp, "exe", rule.match.exe, glob);
            r.get_list(*m, mp, "users", rule.match.users, user);
            r.get_list(*m, mp, "parent_exe", rule.match.parent_exe, glob);
        }
    }
    if (const Json::Value* s = r.member(v, path, "skip", false))
        read_skip(r, *s, ConfigReader::member_path(path, "skip"), rule.skip);
}

void read_rules(ConfigReader& r, ConfigErrors& errors, const Json::Value& v, std::vector<Rule>& rules)
{
    if (!v.isArray()) {
        errors.add("rules", v, "must be an array of rule objects");
        return;
    }
    std::set<std::string> names;
    for (Json::ArrayIndex i = 0; i < v.size(); i++) {
        const std::string path = ConfigReader::element_path("rules", i);
        Rule rule;
        read_rule(r, errors, v[i], path, rule);
        if (!rule.name.empty() && !names.insert(rule.name).second)
            errors.add(ConfigReader::member_path(path, "name"), v[i]["name"],
                       "duplicate rule name (names must be unique)");
        rules.push_back(std::move(rule));
    }
}

void read_document(const Json::Value& root, Config& c, ConfigErrors& errors, const std::string& state_dir)
{
    ConfigReader r(errors);
    if (!root.isObject()) {
        errors.add("", root, "the top level must be an object");
        return;
    }
    r.object(root, "", {"version", "daemon", "skip", "noise", "rules", "sinks", "console"});
    uint64_t version = 0;
    if (r.get(root, "", "version", uint64_t{0}, uint64_t{UINT32_MAX}, version, true) && version != 1)
        errors.add("version", root["version"], "unsupported version: this procsentryd reads version 1");
    if (const Json::Value* d = r.member(root, "", "daemon", false))
        read_daemon(r, *d, c.daemon);
    if (const Json::Value* s = r.member(root, "", "skip", false))
        read_skip(r, *s, "skip", c.skip);
    if (const Json::Value* n = r.member(root, "", "noise", false))
        read_noise(r, *n, c.noise);
    if (const Json::Value* rules = r.member(root, "", "rules", true))
        read_rules(r, errors, *rules, c.rules);
    if (const Json::Value* sinks = r.member(root, "", "sinks", true)) {
        ConfigSinkReader sr(r, errors, state_dir);
        c.sinks = sr.read(*sinks);
    }
    if (const Json::Value* console = r.member(root, "", "console", false)) {
        ConsoleSpec spec;
        ConfigConsoleReader(r, errors).read(*console, spec);
        c.console = spec;
        // The console section brings its own sink under this name.
        if (const Json::Value* sinks = r.member(root, "", "sinks", false); sinks && sinks->isArray())
            for (Json::ArrayIndex i = 0; i < sinks->size(); i++)
                if ((*sinks)[i].isObject() && (*sinks)[i]["name"] == Json::Value("console"))
                    errors.add(ConfigReader::member_path(ConfigReader::element_path("sinks", i), "name"),
                               (*sinks)[i]["name"], "the name console is taken by the console section's sink");
    }
}

}  // namespace

std::string ConfigError::to_string() const
{
    std::string s = file + ": ";
    if (!key.empty())
        s += key + ": ";
    s += message;
    if (!value.empty())
        s += " (got " + value + ")";
    return s;
}

ConfigLoader::ConfigLoader(std::string state_dir) : state_dir_(std::move(state_dir)) {}

bool ConfigLoader::parse(const std::string& text, Json::Value& root, ConfigErrors& errors)
{
    if (text.size() > kMaxBytes) {
        errors.add("", "larger than " + std::to_string(kMaxBytes) + " bytes (" + std::to_string(text.size()) +
                           "); a configuration is a few kilobytes");
        return false;
    }
    Json::CharReaderBuilder builder;
    Json::CharReaderBuilder::strictMode(&builder.settings_);
    builder["stackLimit"] = kStackLimit;
    const std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
    std::string errs;
    bool parsed = false;
    try {
        parsed = reader->parse(text.data(), text.data() + text.size(), &root, &errs);
    } catch (const std::exception& e) {
        // jsoncpp throws when nesting passes stackLimit.
        errs = std::string("* ") + e.what();
    }
    if (!parsed)
        add_parse_errors(errs, errors);
    return parsed;
}

LoadResult ConfigLoader::load_value(const Json::Value& root, const std::string& name, ConfigErrors& errors) const
{
    LoadResult res;
    res.config.source = name;
    read_document(root, res.config, errors, state_dir_);
    res.ok = errors.empty();
    res.errors = errors.take();
    if (!res.ok)
        res.config = Config{};
    return res;
}

LoadResult ConfigLoader::load_string(const std::string& text, const std::string& name) const
{
    ConfigErrors errors(name);
    Json::Value root;
    if (!parse(text, root, errors)) {
        LoadResult res;
        res.errors = errors.take();
        return res;
    }
    return load_value(root, name, errors);
}

LoadResult ConfigLoader::load_file_with_policy(const std::string& path, const Json::Value& policy,
                                               const std::string& policy_name) const
{
    LoadResult res;
    std::string text;
    if (!read_checked(path, text, res))
        return res;
    const std::string name = path + " with " + policy_name;
    ConfigErrors errors(name);
    Json::Value root;
    if (!parse(text, root, errors)) {
        res.errors = errors.take();
        return res;
    }
    // A policy is only skip and rules: daemon limits, sinks and the console
    // connection stay what this host's own file says.
    ConfigReader r(errors);
    if (!r.object(policy, "policy", {"skip", "rules"}) || !r.member(policy, "policy", "rules", true) ||
        !root.isObject()) {
        if (!root.isObject())
            errors.add("", root, "the top level must be an object");
        res.errors = errors.take();
        return res;
    }
    root.removeMember("skip");
    if (policy.isMember("skip"))
        root["skip"] = policy["skip"];
    root["rules"] = policy["rules"];
    return load_value(root, name, errors);
}

bool ConfigLoader::read_checked(const std::string& path, std::string& text, LoadResult& res)
{
    const auto fail = [&](std::string message) {
        res.errors.push_back({path, {}, {}, std::move(message)});
        return false;
    };
    // O_NONBLOCK: a FIFO given by mistake must not hang check-config.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return fail("cannot open: " + errno_text(errno));
    const auto closer = [](const int* f) { ::close(*f); };
    const std::unique_ptr<const int, decltype(closer)> guard(&fd, closer);
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return fail("cannot stat: " + errno_text(errno));
    if (!S_ISREG(st.st_mode))
        return fail("not a regular file");
    // Whoever can write the rules can add a skip for their own tools.
    if (st.st_mode & S_IWOTH)
        return fail("writable by every user (mode " + [&] {
            char buf[8];
            std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(st.st_mode & 07777));
            return std::string(buf);
        }() + "); chmod o-w it");
    // Nor may a user own it (they can chmod it back) or write it through
    // a group of theirs.
    if (st.st_uid != 0 && st.st_uid != ::geteuid())
        return fail("owned by uid " + std::to_string(st.st_uid) + ", not root; chown root it");
    if ((st.st_mode & S_IWGRP) && st.st_gid != 0 && st.st_gid != ::getegid())
        return fail("writable by group " + std::to_string(st.st_gid) + "; chmod g-w it");
    if (static_cast<uint64_t>(st.st_size) > kMaxBytes)
        return fail("larger than " + std::to_string(kMaxBytes) + " bytes (" + std::to_string(st.st_size) +
                    "); a configuration is a few kilobytes");
    text.resize(kMaxBytes + 1);
    std::size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return fail("cannot read: " + errno_text(errno));
        if (n == 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);  // a file that grew past the limit is refused by parse
    return true;
}

LoadResult ConfigLoader::load_file(const std::string& path) const
{
    LoadResult res;
    std::string text;
    if (!read_checked(path, text, res))
        return res;
    return load_string(text, path);
}

}  // namespace procsentry::rules
