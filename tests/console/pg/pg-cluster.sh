#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# A throwaway PostgreSQL 15 cluster for tests.
#   pg-cluster.sh start DIR   initdb in DIR, start it on a unix socket in DIR (no TCP), create the
#                             database "procsentry", print its libpq conninfo on stdout
#   pg-cluster.sh stop DIR    stop it and remove DIR
# initdb refuses root: as root the cluster runs as the "postgres" user (PG_CLUSTER_USER to change).
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
dir=$2

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u "$owner" -- "$@"
    else
        "$@"
    fi
}

if [ "$(id -u)" -eq 0 ]; then
    owner=${PG_CLUSTER_USER:-postgres}
else
    owner=$(id -un)
fi

case $cmd in
start)
    if [ ! -x "$PGBIN/initdb" ]; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "$0: $PGBIN/initdb missing; install the postgresql package" >&2
            exit 1
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >&2
    fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ -e "$dir/data" ]; then
        echo "$0: $dir/data exists (stop it first)" >&2
        exit 1
    fi
    # The cluster's owner must reach DIR; the socket directory is its own, mode 0700: only it
    # (and root) can connect, so trust authentication is not open to other local users.
    chmod 0755 "$dir"
    mkdir -p "$dir/data" "$dir/sock"
    chmod 0700 "$dir/data" "$dir/sock"
    if [ "$(id -u)" -eq 0 ]; then
        chown "$owner" "$dir/data" "$dir/sock"
        touch "$dir/log"
        chown "$owner" "$dir/log"
    fi
    as_owner "$PGBIN/initdb" -D "$dir/data" -U procsentry -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$dir/sock' -c fsync=off \
            -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 \
            -c shared_buffers=256MB" start >&2 || { cat "$dir/log" >&2; exit 1; }
    as_owner "$PGBIN/createdb" -h "$dir/sock" -U procsentry procsentry >&2
    echo "host=$dir/sock dbname=procsentry user=procsentry"
    ;;
stop)
    [ -d "$dir" ] || exit 0
    if [ ! -f "$dir/data/PG_VERSION" ] && [ -n "$(ls -A "$dir")" ]; then
        echo "$0: $dir is not a cluster made by this script; not removing it" >&2
        exit 1
    fi
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >&2 || true
    rm -rf "$dir"
    ;;
*)
    usage
    ;;
esac
