#!/bin/sh
# Demo inside the guest: load procsentry.ko, run procsentry-dump in the background and show the
# JSON lines it prints for a few typical process events.
echo "procsentry demo: kernel $(uname -r)"
insmod /lib/modules/procsentry.ko || echo "demo: insmod failed"
out=/tmp/dump.jsonl
if command -v procsentry-dump >/dev/null 2>&1; then
  procsentry-dump > "$out" 2>/tmp/dump.err &
  dump=$!
  sleep 2
else
  echo "demo: procsentry-dump not in this image (build it with 'make daemon')"
  dump=""
fi

echo "demo: ls /";                 ls / > /dev/null
echo "demo: exec of a missing file"; /nonexistent/program 2>/dev/null
echo "demo: su to alice";           su alice -c 'id' 2>&1
echo "demo: sh -c 'exit 3'";        sh -c 'exit 3'
echo "demo: kill -9 of a sleeper";  sleep 60 & victim=$!; sleep 1; kill -9 $victim; wait $victim 2>/dev/null
sleep 2

if [ -n "$dump" ]; then
  kill -INT "$dump" 2>/dev/null
  sleep 1
  kill "$dump" 2>/dev/null
  wait "$dump" 2>/dev/null
  echo "--- procsentry-dump saw $(wc -l < "$out") events ---"
  cat "$out"
  if [ -s /tmp/dump.err ]; then echo "--- procsentry-dump stderr ---"; cat /tmp/dump.err; fi
  echo "--- end ---"
fi
rmmod procsentry 2>/dev/null
echo "PROCSENTRY-GUEST-DONE"
