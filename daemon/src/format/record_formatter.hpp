// SPDX-License-Identifier: GPL-2.0
// One decoded record as one JSON object (no trailing newline).  The keys are
// fixed: tests and docs depend on them (see daemon/README.md).
#pragma once

#include <string>

#include "abi/record.hpp"

namespace procsentry::format {

class RecordFormatter {
public:
    // Appends the JSON object for r to out.
    static void append(const abi::Record& r, std::string& out);
    static std::string to_json(const abi::Record& r);
};

}  // namespace procsentry::format
