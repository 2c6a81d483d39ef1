// SPDX-License-Identifier: GPL-2.0
// procsentryd's version (the package's upstream version).  Only version.cpp sees the build's
// PROCSENTRY_VERSION, so building another version recompiles one file.
#pragma once

namespace procsentry::app {

const char* daemon_version();

}  // namespace procsentry::app
