// SPDX-License-Identifier: GPL-2.0
// How the store's enums are spelled in the database (text, so a DBA reading a row understands it,
// and the same words as docs/api.md).  Unknown text read back is an error, not a default.
#pragma once

#include <string>

#include "store/store.hpp"

namespace procsentry::console::store {

constexpr int kMinSeverity = 0;  // info
constexpr int kMaxSeverity = 4;  // critical

inline const char* status_name(IncidentStatus s) {
    switch (s) {
        case IncidentStatus::open: return "open";
        case IncidentStatus::acknowledged: return "acknowledged";
        case IncidentStatus::false_positive: return "false_positive";
    }
    return "open";
}

inline IncidentStatus status_from(const std::string& s) {
    if (s == "open") return IncidentStatus::open;
    if (s == "acknowledged") return IncidentStatus::acknowledged;
    if (s == "false_positive") return IncidentStatus::false_positive;
    throw StoreError("unknown incident status in the store: " + s);
}

inline const char* role_name(Role r) {
    switch (r) {
        case Role::viewer: return "viewer";
        case Role::operator_: return "operator";
        case Role::admin: return "admin";
    }
    return "viewer";
}

inline Role role_from(const std::string& s) {
    if (s == "viewer") return Role::viewer;
    if (s == "operator") return Role::operator_;
    if (s == "admin") return Role::admin;
    throw StoreError("unknown role in the store: " + s);
}

inline const char* token_kind_name(TokenKind k) {
    switch (k) {
        case TokenKind::api: return "api";
        case TokenKind::enrollment: return "enrollment";
        case TokenKind::agent: return "agent";
    }
    return "api";
}

inline TokenKind token_kind_from(const std::string& s) {
    if (s == "api") return TokenKind::api;
    if (s == "enrollment") return TokenKind::enrollment;
    if (s == "agent") return TokenKind::agent;
    throw StoreError("unknown token kind in the store: " + s);
}

}  // namespace procsentry::console::store
