// SPDX-License-Identifier: GPL-2.0
#include "store/store.hpp"

#include "store/pg_store.hpp"
#include "store/sqlite_store.hpp"

namespace procsentry::console::store {

std::unique_ptr<Store> open_store(const StoreSpec& spec) {
    if (spec.type == "sqlite") {
        if (spec.path.empty()) {
            throw StoreError("store: sqlite needs a path");
        }
        return std::make_unique<SqliteStore>(spec.path);
    }
    if (spec.type == "postgresql") {
        if (spec.conninfo.empty()) {
            throw StoreError("store: postgresql needs a conninfo");
        }
        return std::make_unique<PgStore>(spec.conninfo);
    }
    throw StoreError("store: unknown type \"" + spec.type + "\" (sqlite or postgresql)");
}

}  // namespace procsentry::console::store
