# SPDX-License-Identifier: GPL-2.0
"""Kernel record fixtures: read, cut down and replay recorded procsentry records.

File format (daemon/src/source/replay_format.hpp): frames of ``u32 cpu, u32 len`` (little
endian) followed by ``len`` bytes of RECORDS payload, no file header.  Records follow
include/procsentry/procsentry_abi.h (x86-64 layout): every record starts with the 32-byte
``procsentry_rec_hdr``; the body starts at ``hdr_size``; every body except LOST starts with
``procsentry_task``.

A recorded fixture is replayed many times, so each replay is rewritten to look like a new
event: per-CPU sequence numbers continue where the previous feed ended (a hole would be
reported as loss), every pid is mapped to a fresh one (a new process identity, so nothing is
folded into or confused with an earlier replay), and times are shifted to "now" on
CLOCK_BOOTTIME (the daemon converts them to wall-clock time).

Also a command line: ``records.py extract GUEST_LOG OUTDIR`` (used by record-fixtures.sh) and
``records.py show FILE`` (what a fixture holds).
"""
import base64
import itertools
import json
import os
import re
import struct
import sys
import time

FRAME_HDR = struct.Struct("<II")
REC_HDR = struct.Struct("<IHBBQQII")  # size type abi hdr_size seq ts_ns cpu flags
HDR_SIZE = 32
MAX_FRAME = 16 << 20

REC_EXEC, REC_EXEC_FAILED, REC_CRED_CHANGE, REC_EXIT, REC_FORK, REC_LOST, REC_CONFIG = range(1, 8)
TYPE_NAMES = {REC_EXEC: "EXEC", REC_EXEC_FAILED: "EXEC_FAILED", REC_CRED_CHANGE: "CRED_CHANGE",
              REC_EXIT: "EXIT", REC_FORK: "FORK", REC_LOST: "LOST", REC_CONFIG: "CONFIG"}
LOST_CPU = 0xFFFFFFFF

# Offsets inside procsentry_task (from the body start).
T_PID, T_TGID, T_PPID, T_LOGINUID = 0, 4, 8, 12
T_START_NS = 40
T_COMM = 48
T_CRED = 64
TASK_SIZE = 120
CREDS_SIZE = 56
# procsentry_exec: task, cred_before, exec_flags, argc, old_pid, reserved, path, filename, ...
EXEC_FLAGS = TASK_SIZE + CREDS_SIZE
EXEC_OLD_PID = EXEC_FLAGS + 8
EXEC_PATH = EXEC_FLAGS + 16
EXEC_FILENAME = EXEC_PATH + 8
EXEC_ARGV = EXEC_PATH + 32
# procsentry_fork: task, creator_tgid
FORK_CREATOR = TASK_SIZE
# procsentry_exit: task, exit_code, status, signal, core_dumped
EXIT_STATUS = TASK_SIZE + 4
# procsentry_cred_change: task, cred_before, call, entry, result, nargs, args[3]
CRED_CALL = TASK_SIZE + CREDS_SIZE


def read_frames(data):
    """[(cpu, payload)] of a replay file's bytes; raises ValueError on a bad frame."""
    frames, pos = [], 0
    while pos < len(data):
        if len(data) - pos < FRAME_HDR.size:
            raise ValueError("partial frame header at %d" % pos)
        cpu, length = FRAME_HDR.unpack_from(data, pos)
        if length > MAX_FRAME or pos + FRAME_HDR.size + length > len(data):
            raise ValueError("bad frame length %d at %d" % (length, pos))
        frames.append((cpu, data[pos + FRAME_HDR.size:pos + FRAME_HDR.size + length]))
        pos += FRAME_HDR.size + length
    return frames


def write_frames(frames):
    return b"".join(FRAME_HDR.pack(cpu, len(p)) + p for cpu, p in frames)


def split_records(payload):
    """The records of one frame payload, as mutable bytearrays."""
    out, pos = [], 0
    while pos + HDR_SIZE <= len(payload):
        size = REC_HDR.unpack_from(payload, pos)[0]
        if size < HDR_SIZE or size % 8 or pos + size > len(payload):
            raise ValueError("bad record size %d at %d" % (size, pos))
        out.append(bytearray(payload[pos:pos + size]))
        pos += size
    return out


class Record:
    """A view on one record's bytes with the fields the tests rewrite."""

    def __init__(self, raw):
        self.raw = raw
        (self.size, self.type, self.abi, self.hdr_size, self.seq, self.ts_ns, self.cpu,
         self.flags) = REC_HDR.unpack_from(raw, 0)

    def u32(self, off):
        return struct.unpack_from("<I", self.raw, self.hdr_size + off)[0]

    def i32(self, off):
        return struct.unpack_from("<i", self.raw, self.hdr_size + off)[0]

    def u64(self, off):
        return struct.unpack_from("<Q", self.raw, self.hdr_size + off)[0]

    def put32(self, off, v):
        struct.pack_into("<I", self.raw, self.hdr_size + off, v)

    def put64(self, off, v):
        struct.pack_into("<Q", self.raw, self.hdr_size + off, v)

    def set_header(self, seq, ts_ns):
        struct.pack_into("<QQ", self.raw, 8, seq, ts_ns)
        self.seq, self.ts_ns = seq, ts_ns

    @property
    def has_task(self):
        return self.type in (REC_EXEC, REC_EXEC_FAILED, REC_CRED_CHANGE, REC_EXIT, REC_FORK,
                             REC_CONFIG)

    def string(self, str_off):
        off, length = struct.unpack_from("<II", self.raw, self.hdr_size + str_off)
        return bytes(self.raw[off:off + length]) if off else None

    def pid_fields(self):
        """Offsets (from the body) of every field that holds a pid."""
        if not self.has_task:
            return []
        f = [T_PID, T_TGID, T_PPID]
        if self.type == REC_EXEC:
            f.append(EXEC_OLD_PID)
        elif self.type == REC_FORK:
            f.append(FORK_CREATOR)
        return f

    def describe(self):
        d = {"type": TYPE_NAMES.get(self.type, self.type), "seq": self.seq, "ts_ns": self.ts_ns,
             "cpu": self.cpu}
        if self.has_task:
            d.update(pid=self.u32(T_PID), tgid=self.u32(T_TGID), ppid=self.u32(T_PPID),
                     start_ns=self.u64(T_START_NS),
                     comm=bytes(self.raw[self.hdr_size + T_COMM:self.hdr_size + T_COMM + 16])
                     .rstrip(b"\0").decode("utf-8", "replace"),
                     uid=self.u32(T_CRED), euid=self.u32(T_CRED + 16))
        if self.type == REC_EXEC:
            d["path"] = (self.string(EXEC_PATH) or b"").decode("utf-8", "replace")
            d["flags"] = hex(self.u32(EXEC_FLAGS))
            d["argv"] = [a.decode("utf-8", "replace")
                         for a in (self.string(EXEC_ARGV) or b"").split(b"\0")]
        elif self.type == REC_EXEC_FAILED:
            d["error"] = self.i32(TASK_SIZE)
            d["filename"] = (self.string(TASK_SIZE + 24) or b"").decode("utf-8", "replace")
        elif self.type == REC_CRED_CHANGE:
            d["call"] = self.u32(CRED_CALL)
            d["result"] = self.i32(CRED_CALL + 8)
        elif self.type == REC_EXIT:
            d["status"] = self.i32(EXIT_STATUS)
            d["signal"] = self.u32(EXIT_STATUS + 4)
        elif self.type == REC_FORK:
            d["creator"] = self.u32(FORK_CREATOR)
        return d


def load(path):
    """[(cpu, [Record])] of a fixture file."""
    with open(path, "rb") as f:
        return [(cpu, [Record(r) for r in split_records(p)]) for cpu, p in read_frames(f.read())]


def extract_tree(frames, root_pid):
    """Only the records about root_pid and the processes it (or they) forked; LOST frames go."""
    keep = {root_pid}
    out = []
    for cpu, payload in frames:
        if cpu == LOST_CPU:
            continue
        kept = []
        for raw in split_records(payload):
            r = Record(raw)
            if not r.has_task:
                continue
            tgid = r.u32(T_TGID)
            if r.type == REC_FORK and (r.u32(FORK_CREATOR) in keep or r.u32(T_PPID) in keep):
                keep.add(tgid)
            if tgid in keep:
                kept.append(bytes(raw))
        if kept:
            out.append((cpu, b"".join(kept)))
    return out


def boottime_ns():
    return time.clock_gettime_ns(time.CLOCK_BOOTTIME)


class Replayer:
    """Rewrites fixtures for one daemon's replay file: sequence numbers continue per CPU,
    pids are fresh for every replay, times are moved to now.  One instance per daemon."""

    _pids = itertools.count(400000)  # above every real pid_max default: no clash with /proc

    def __init__(self, path):
        self.path = path
        self.seq = {}
        open(path, "ab").close()

    def feed(self, fixture_path, ts_ns=None):
        """Appends the fixture (rewritten) to the replay file.  Returns the pid mapping
        {recorded pid: replayed pid} and the shift applied to times."""
        frames = load(fixture_path)
        first_ts = min((r.ts_ns for _, rs in frames for r in rs), default=0)
        base = ts_ns if ts_ns is not None else boottime_ns()
        shift = base - first_ts
        mapping = {}
        out = []
        for cpu, recs in frames:
            parts = []
            for r in recs:
                seq = self.seq.get(r.cpu, 0) + 1
                self.seq[r.cpu] = seq
                r.set_header(seq, r.ts_ns + shift)
                for off in r.pid_fields():
                    old = r.u32(off)
                    if old == 0:
                        continue
                    if old not in mapping:
                        mapping[old] = next(Replayer._pids)
                    r.put32(off, mapping[old])
                r.put64(T_START_NS, r.u64(T_START_NS) + shift)
                parts.append(bytes(r.raw))
            out.append((cpu, b"".join(parts)))
        data = write_frames(out)
        # One write per feed; the daemon reads a partial frame as "wait for more".
        with open(self.path, "ab") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        return mapping, shift


def _extract(log_path, outdir, kernel):
    text = open(log_path, "rb").read().decode("utf-8", "replace")
    made = []
    for m in re.finditer(r"^REC-BEGIN (\S+) pid=(\d+) rc=(\d+)\n(.*?)^REC-END \1$", text,
                         re.S | re.M):
        name, pid, rc, body = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
        raw = base64.b64decode("".join(body.split()))
        frames = extract_tree(read_frames(raw), pid)
        with open(os.path.join(outdir, name + ".rec"), "wb") as f:
            f.write(write_frames(frames))
        made.append({"name": name, "pid": pid, "rc": rc, "kernel": kernel,
                     "records": sum(len(split_records(p)) for _, p in frames)})
    if not made:
        raise SystemExit("records: no REC-BEGIN/REC-END blocks in %s" % log_path)
    for d in made:
        print(json.dumps(d))


def main(argv):
    if len(argv) >= 3 and argv[0] == "extract":
        kernel = argv[argv.index("--kernel") + 1] if "--kernel" in argv else None
        _extract(argv[1], argv[2], kernel)
    elif len(argv) == 2 and argv[0] == "show":
        for cpu, recs in load(argv[1]):
            for r in recs:
                print(json.dumps(dict(r.describe(), frame_cpu=cpu)))
    else:
        raise SystemExit("usage: records.py extract GUEST_LOG OUTDIR [--kernel K] | show FILE")


if __name__ == "__main__":
    main(sys.argv[1:])
