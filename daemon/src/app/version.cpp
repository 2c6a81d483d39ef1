// SPDX-License-Identifier: GPL-2.0
#include "app/version.hpp"

#include "procsentry_version.h"

namespace procsentry::app {

const char* daemon_version()
{
    return PROCSENTRY_VERSION;
}

}  // namespace procsentry::app
