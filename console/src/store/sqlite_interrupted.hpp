// SPDX-License-Identifier: GPL-2.0
// Thrown when a query ran out of the time budget its progress handler gave it.
#pragma once

#include "store/store.hpp"

namespace procsentry::console::store {

class SqliteInterrupted : public StoreError {
public:
    using StoreError::StoreError;
};

}  // namespace procsentry::console::store
