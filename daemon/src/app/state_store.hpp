// SPDX-License-Identifier: GPL-2.0
// What survives a restart, in <state_dir>/state.json (written by rename, so
// a crash leaves the old or the new file, never half of one):
// - whether monitoring is enabled on this host (procsentryctl enable/disable);
// - the running session: boot id, time of the last record, clean stop or
//   not.  The next start compares it with now to report the monitoring gap.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace procsentry::app {

struct Session {
    std::string boot_id;
    uint64_t last_ts_ns = 0;  // CLOCK_BOOTTIME of the last record / heartbeat
    int64_t last_wall_ns = 0;
    bool clean = false;       // the daemon stopped on purpose
};

class StateStore {
public:
    explicit StateStore(std::string dir);
    // Reads the file; a missing file is a first start.  A corrupt file is
    // reported (error) and treated as a first start with monitoring enabled.
    bool load(std::string& error);
    // durable: fsync too (enable/disable, clean stop); the periodic
    // heartbeat only needs to survive the daemon, not the machine.
    bool save(std::string& error, bool durable = false) const;

    bool enabled() const { return enabled_; }
    void set_enabled(bool on) { enabled_ = on; }
    // The console's monitoring generation last applied (0: none).
    uint64_t console_generation() const { return console_generation_; }
    void set_console_generation(uint64_t g) { console_generation_ = g; }
    const std::optional<Session>& previous() const { return previous_; }
    Session& current() { return current_; }
    const std::string& path() const { return path_; }

private:
    std::string dir_, path_;
    bool enabled_ = true;
    uint64_t console_generation_ = 0;
    std::optional<Session> previous_;
    Session current_;
};

}  // namespace procsentry::app
