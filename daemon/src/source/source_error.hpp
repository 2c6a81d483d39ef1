// SPDX-License-Identifier: GPL-2.0
#pragma once

#include <stdexcept>
#include <string>

namespace procsentry::source {

class SourceError : public std::runtime_error {
public:
    enum class Kind { other, not_loaded, permission, abi_mismatch, io };

    SourceError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}

    Kind kind() const { return kind_; }

private:
    Kind kind_;
};

}  // namespace procsentry::source
