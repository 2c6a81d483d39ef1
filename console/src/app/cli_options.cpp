// SPDX-License-Identifier: GPL-2.0
#include "app/cli_options.hpp"

#include <charconv>

namespace procsentry::console::app {
namespace {

bool parse_count(const std::string& s, int64_t min, int64_t max, int64_t& out)
{
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size() && out >= min && out <= max;
}

}  // namespace

std::string CliOptions::usage()
{
    return "usage: procsentry-console [--config FILE] [--check-config]\n"
           "       procsentry-console [--config FILE] user add NAME --role admin|operator|viewer "
           "[--generate-password]\n"
           "       procsentry-console [--config FILE] enrollment-token create NAME [--max-uses N] "
           "[--expires-days D]\n"
           "user add reads the password from stdin (one line, at least 12 characters) unless "
           "--generate-password is given.\n";
}

std::optional<CliOptions> CliOptions::parse(const std::vector<std::string>& args, std::string& error)
{
    CliOptions o;
    std::vector<std::string> words;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](const char* what) -> std::optional<std::string> {
            if (i + 1 >= args.size()) {
                error = a + " needs " + what;
                return std::nullopt;
            }
            return args[++i];
        };
        if (a == "--config" || a == "-c") {
            auto v = value("a file");
            if (!v)
                return std::nullopt;
            o.config = *v;
        } else if (a == "--check-config") {
            o.command = Command::check_config;
        } else if (a == "--help" || a == "-h") {
            o.command = Command::help;
            return o;
        } else if (a == "--version") {
            o.command = Command::version;
            return o;
        } else if (a == "--role") {
            auto v = value("admin, operator or viewer");
            if (!v)
                return std::nullopt;
            o.role = *v;
        } else if (a == "--generate-password") {
            o.generate_password = true;
        } else if (a == "--max-uses") {
            auto v = value("a count");
            if (!v)
                return std::nullopt;
            if (!parse_count(*v, 1, 1000000, o.max_uses)) {
                error = "--max-uses must be 1 to 1000000";
                return std::nullopt;
            }
        } else if (a == "--expires-days") {
            auto v = value("a number of days");
            if (!v)
                return std::nullopt;
            if (!parse_count(*v, 1, 3650, o.expires_days)) {
                error = "--expires-days must be 1 to 3650";
                return std::nullopt;
            }
        } else if (!a.empty() && a[0] == '-') {
            error = "unknown option " + a;
            return std::nullopt;
        } else {
            words.push_back(a);
        }
    }
    if (words.empty()) {
        if (!o.role.empty() || o.generate_password || o.max_uses || o.expires_days) {
            error = "--role, --generate-password, --max-uses and --expires-days belong to a subcommand";
            return std::nullopt;
        }
        return o;
    }
    if (o.command == Command::check_config) {
        error = "--check-config takes no subcommand";
        return std::nullopt;
    }
    if (words.size() == 3 && words[0] == "user" && words[1] == "add") {
        o.command = Command::user_add;
        o.name = words[2];
        if (o.role != "admin" && o.role != "operator" && o.role != "viewer") {
            error = "user add needs --role admin|operator|viewer";
            return std::nullopt;
        }
        if (o.max_uses || o.expires_days) {
            error = "--max-uses and --expires-days are for enrollment-token create";
            return std::nullopt;
        }
        return o;
    }
    if (words.size() == 3 && words[0] == "enrollment-token" && words[1] == "create") {
        o.command = Command::enrollment_token_create;
        o.name = words[2];
        if (!o.role.empty() || o.generate_password) {
            error = "--role and --generate-password are for user add";
            return std::nullopt;
        }
        return o;
    }
    error = "unknown command: " + words[0];
    return std::nullopt;
}

}  // namespace procsentry::console::app
