// SPDX-License-Identifier: GPL-2.0
// The PostgreSQL schema: the same tables, columns and indexes as SqliteSchema with PostgreSQL
// types; text search by a pg_trgm GIN index when the extension can be created.  Ordered
// migrations, append only.
#pragma once

#include <string>
#include <vector>

namespace procsentry::console::store {

class PgSchema {
public:
    static const std::vector<std::string>& migrations();
    // The trigram index, created apart from the migrations because it needs pg_trgm, which a
    // database owner may not be allowed to install (ILIKE then scans).
    static std::string trigram_index();
};

}  // namespace procsentry::console::store
