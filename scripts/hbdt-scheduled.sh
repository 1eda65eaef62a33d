#!/usr/bin/env bash
# hbdt-scheduled.sh: one scheduled crawl of the HBĐT archive, for cron or a systemd timer.
#
#   hbdt-scheduled.sh [extra `hbdt crawl` options...]
#
# Environment (all optional):
#   HBDT_DB    the archive                 (default: /var/lib/hbdt/archive.db)
#   HBDT_LOG   the log file, appended to   (default: the archive path with .log)
#   HBDT_LOCK  the lock file               (default: the archive path with .lock)
#   HBDT_BIN   the hbdt command            (default: hbdt on PATH)
#
# Takes an exclusive flock on HBDT_LOCK, so two crawls never write the same archive at once: a
# second run while one is going refuses at once and exits 75 (EX_TEMPFAIL). Otherwise it runs
# `hbdt -v crawl --db HBDT_DB "$@"`, appends its output to HBDT_LOG between two dated lines, and
# exits with the crawl's status: 0 when every page went well; 3 when the run was partial (some
# pages failed: recorded in the archive and retried next run); 1 when it failed; 2 for a
# configuration error (bad option, unwritable archive, log or lock path); 130 when interrupted.
# cron mails and systemd marks the unit failed for every non-zero status.
set -u

DB=${HBDT_DB:-/var/lib/hbdt/archive.db}
LOG=${HBDT_LOG:-${DB%.db}.log}
LOCK=${HBDT_LOCK:-$DB.lock}
HBDT=${HBDT_BIN:-hbdt}

stamp() { date '+%Y-%m-%dT%H:%M:%S%:z'; }

# Each state directory must exist (or be creatable) and be writable: say which one is not, in one
# line, and exit 2 (a configuration error) before anything runs.
for path in "$DB" "$LOG" "$LOCK"; do
  dir=$(dirname "$path")
  if ! mkdir -p "$dir" 2>/dev/null || ! [ -w "$dir" ] || { [ -e "$path" ] && ! [ -w "$path" ]; }; then
    echo "hbdt-scheduled: error: cannot write $path (directory $dir missing or read-only)" >&2
    exit 2
  fi
done

exec 9>>"$LOCK"
if ! flock --nonblock 9; then
  echo "$(stamp) hbdt-scheduled[$$]: another crawl holds $LOCK; not starting" | tee -a "$LOG" >&2
  exit 75
fi

echo "$(stamp) hbdt-scheduled[$$]: crawl start: $HBDT -v crawl --db $DB $*" >>"$LOG"
# shellcheck disable=SC2086  # HBDT may hold a command with arguments (e.g. "python -m crawler")
$HBDT -v crawl --db "$DB" "$@" >>"$LOG" 2>&1
status=$?
if [ "$status" -eq 0 ]; then
  echo "$(stamp) hbdt-scheduled[$$]: crawl finished (exit 0)" >>"$LOG"
else
  echo "$(stamp) hbdt-scheduled[$$]: crawl FAILED (exit $status); see above" | tee -a "$LOG" >&2
fi
exit "$status"
