#!/usr/bin/env bash
# Ravao's PostgreSQL backups with PostgreSQL's own tools (docs/deployment.md, "Backups"):
# daily base backups (pg_basebackup, from the primary or a replica) plus continuous WAL
# archiving (archive_command on the primary), point-in-time restore, and retention that never
# keeps a backup longer than the personal-data retention period.
#
#   pgbackup.sh base                     take a base backup now, then prune
#   pgbackup.sh archive %p %f            archive_command: copy one WAL segment into the archive
#   pgbackup.sh prune                    delete base backups older than the keep period, and WAL
#                                        older than the oldest base backup left
#   pgbackup.sh list                     base backups with their start WAL and size
#   pgbackup.sh restore DIR [TIME]       lay out the newest base backup taken before TIME (default:
#                                        the newest) in the empty DIR, set to replay WAL up to TIME
#                                        and then promote; start it with pg_ctl -D DIR start
#
# Environment: PGBACKUP_DIR (the archive: base/ and wal/ under it; required), the libpq
# variables of the server to back up (PGHOST, PGPORT, PGUSER; a replica is fine), and
#   RAVAO_RETENTION_DAYS    personal data retention (default 30): the keep period may not exceed it
#   RAVAO_BACKUP_KEEP_DAYS  how long base backups are kept (default 7, at most RAVAO_RETENTION_DAYS)
# Primary settings: archive_mode = on, archive_command = 'PGBACKUP_DIR=... pgbackup.sh archive %p %f'.
set -euo pipefail

DIR=${PGBACKUP_DIR:?set PGBACKUP_DIR to the backup archive directory}
RETENTION=${RAVAO_RETENTION_DAYS:-30}
KEEP=${RAVAO_BACKUP_KEEP_DAYS:-7}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
PATH="$PGBIN:$PATH"

if [ "$KEEP" -gt "$RETENTION" ]; then
  echo "pgbackup: RAVAO_BACKUP_KEEP_DAYS=$KEEP exceeds RAVAO_RETENTION_DAYS=$RETENTION: refused" >&2
  exit 2
fi

# The WAL segment (16 MB segments) holding an LSN "X/Y" on a timeline.
wal_name() {
  local tli=$1 lsn=$2 hi lo
  hi=$((16#${lsn%/*})); lo=$((16#${lsn#*/}))
  printf "%08X%08X%08X" "$tli" "$hi" $((lo >> 24))
}

base() {
  mkdir -p "$DIR/base" "$DIR/wal"
  local stamp t0=$SECONDS
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  local target="$DIR/base/$stamp"
  # Tar, compressed, with the WAL needed to make it consistent (restorable even without the
  # archive); -c fast: a checkpoint now rather than a spread one.
  pg_basebackup -D "$target.partial" -Ft -z -X stream -c fast --no-password
  local manifest="$target.partial/backup_manifest" tli lsn
  tli=$(grep -o '"Timeline": [0-9]*' "$manifest" | head -1 | grep -o '[0-9]*$')
  lsn=$(grep -o '"Start-LSN": "[0-9A-F/]*"' "$manifest" | head -1 | grep -o '[0-9A-F]*/[0-9A-F]*')
  wal_name "$tli" "$lsn" >"$target.partial/START_WAL"
  date -u +%Y-%m-%dT%H:%M:%SZ >"$target.partial/TAKEN_AT"
  mv "$target.partial" "$target"
  echo "pgbackup: base backup $stamp ($(du -sh "$target" | cut -f1), start WAL $(cat "$target/START_WAL")) in $((SECONDS - t0)) s"
  prune
}

archive() {
  local path=$1 name=$2
  mkdir -p "$DIR/wal"
  if [ -f "$DIR/wal/$name" ]; then
    # Already archived (a retry after a crash): fine if identical, an error otherwise.
    cmp -s "$path" "$DIR/wal/$name" && exit 0
    echo "pgbackup: $name already archived with other contents" >&2
    exit 1
  fi
  cp "$path" "$DIR/wal/$name.tmp"
  sync "$DIR/wal/$name.tmp"
  mv "$DIR/wal/$name.tmp" "$DIR/wal/$name"
}

prune() {
  mkdir -p "$DIR/base" "$DIR/wal"
  local now removed=0 oldest=""
  now=$(date -u +%s)
  for b in "$DIR"/base/*/; do
    [ -f "$b/TAKEN_AT" ] || continue
    local taken
    taken=$(date -u -d "$(cat "$b/TAKEN_AT")" +%s)
    if [ $(((now - taken) / 86400)) -ge "$KEEP" ]; then
      rm -rf "$b"; removed=$((removed + 1))
    elif [ -z "$oldest" ]; then
      oldest=$(cat "$b/START_WAL")
    fi
  done
  rm -rf "$DIR"/base/*.partial
  if [ -n "$oldest" ]; then
    pg_archivecleanup "$DIR/wal" "$oldest"
  else
    # No base backup left: archived WAL alone restores nothing, and holds personal data.
    find "$DIR/wal" -type f -delete
  fi
  echo "pgbackup: kept $(find "$DIR/base" -mindepth 1 -maxdepth 1 -type d | wc -l) base backups (≤ $KEEP days), removed $removed; WAL from ${oldest:-none}"
}

list() {
  for b in "$DIR"/base/*/; do
    [ -f "$b/TAKEN_AT" ] && echo "$(basename "$b")  taken $(cat "$b/TAKEN_AT")  start WAL $(cat "$b/START_WAL")  $(du -sh "$b" | cut -f1)"
  done
  echo "WAL archived: $(find "$DIR/wal" -type f | wc -l) segments, $(du -sh "$DIR/wal" | cut -f1)"
}

restore() {
  local target=${1:?restore DIR [TIME]} when=${2:-} chosen=""
  [ -z "$(ls -A "$target" 2>/dev/null)" ] || { echo "pgbackup: $target is not empty" >&2; exit 1; }
  local limit=9999999999
  [ -n "$when" ] && limit=$(date -u -d "$when" +%s)
  for b in "$DIR"/base/*/; do
    [ -f "$b/TAKEN_AT" ] || continue
    [ "$(date -u -d "$(cat "$b/TAKEN_AT")" +%s)" -lt "$limit" ] && chosen=$b
  done
  [ -n "$chosen" ] || { echo "pgbackup: no base backup before ${when:-now}" >&2; exit 1; }
  mkdir -p "$target" && chmod 700 "$target"
  tar -xzf "$chosen/base.tar.gz" -C "$target"
  mkdir -p "$target/pg_wal"
  tar -xzf "$chosen/pg_wal.tar.gz" -C "$target/pg_wal"
  {
    echo "restore_command = 'cp $DIR/wal/%f %p'"
    if [ -n "$when" ]; then
      echo "recovery_target_time = '$when'"
      echo "recovery_target_action = 'promote'"
    fi
  } >>"$target/postgresql.auto.conf"
  touch "$target/recovery.signal"
  echo "pgbackup: $target laid out from $(basename "$chosen") to replay up to ${when:-the end of the archive}"
}

case "${1:-}" in
  base) base ;;
  archive) archive "${2:?%p}" "${3:?%f}" ;;
  prune) prune ;;
  list) list ;;
  restore) shift; restore "$@" ;;
  *) sed -n '2,22p' "$0" >&2; exit 2 ;;
esac
