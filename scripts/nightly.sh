#!/usr/bin/env bash
# The nightly merge, for cron or a systemd timer. Three roles:
#
#   scripts/nightly.sh commune HUB [DB]     on a commune laptop: sync with the district hub, retrying
#                                           while the connection comes and goes (HUB is HOST:PORT, or
#                                           "via:COMMAND" for a command such as ssh)
#   scripts/nightly.sh hub DB [OUTDIR] [PAGEDIR]
#                                           on the district hub: back the database up, then write the
#                                           district report for the day into OUTDIR (text, CSV for Excel,
#                                           JSON, the Word document and the dashboard page, each dated),
#                                           and the morning's copies into PAGEDIR (default OUTDIR):
#                                           tong-quan.html (the page) and bao-cao.docx (the document),
#                                           replaced each night, so the office opens the same file each day,
#                                           and tep-minh-chung/ (the evidence files the page links to)
#   scripts/nightly.sh district HUB DB      on the district hub, after its own night (the communes'
#                                           syncs and the hub step): sync the district hub's database
#                                           upward with the province hub HUB, retrying as a commune does
#                                           (the credential `ntm hub enroll --role district:SLUG` wrote
#                                           at the province must be installed in DB)
#
# Each run appends one line per step to $NTM_LOG (default: ~/ntm-nightly.log) and exits non-zero when
# the step failed, so that cron mails the failure. Examples (crontab -e):
#
#   30 1 * * *  NTM_USER="Cán bộ xã" /opt/ntm/scripts/nightly.sh commune 10.0.0.5:7420 ~/dan-ly.sqlite
#   30 5 * * *  /opt/ntm/scripts/nightly.sh hub /srv/ntm/huyen.sqlite /srv/ntm/bao-cao /srv/chung/ntm
#   0 6 * * *   /opt/ntm/scripts/nightly.sh district tinh.example.vn:7420 /srv/ntm/huyen.sqlite
#
# The hub itself runs as a service: `ntm hub serve --listen 0.0.0.0:7420 --db /srv/ntm/huyen.sqlite`
# (SIGTERM stops it cleanly); it keeps serving while the district mode syncs its database upward.
set -uo pipefail
ntm="${NTM_BIN:-ntm}"
log="${NTM_LOG:-$HOME/ntm-nightly.log}"
stamp() { date '+%Y-%m-%d %H:%M:%S'; }
note() { printf '%s %s\n' "$(stamp)" "$*" >> "$log"; }

case "${1:-}" in
  commune|district)
    mode="$1"
    if [ "$mode" = district ]; then
      hub="${2:?usage: nightly.sh district HOST:PORT|via:COMMAND DB}"
      db="${3:?usage: nightly.sh district HOST:PORT|via:COMMAND DB}"
      what="sync up"
    else
      hub="${2:?usage: nightly.sh commune HOST:PORT|via:COMMAND [DB]}"
      db="${3:-${NTM_DB:-./ntm.sqlite}}"
      what="sync"
    fi
    if [[ "$hub" == via:* ]]; then way=(--via "${hub#via:}"); else way=(--hub "$hub"); fi
    # A village connection drops: retry a few times, waiting longer each time. Every acknowledged batch
    # is kept, so each attempt resumes where the last one stopped. Only a failure ntm calls transient
    # (exit 75: no connection, the hub busy) is retried; a refused credential or a bad address is not.
    # A district hub's database syncs upward with the same command: ntm sees that it is a hub and shows
    # the province its own enrolment log, so that the province takes its communes' work.
    for attempt in 1 2 3 4 5; do
      # The summary line goes to the log; errors (and a hub's own log lines over ssh) are appended as is.
      status=0
      out=$(timeout 3600 "$ntm" sync "${way[@]}" --db "$db" 2>>"$log") || status=$?
      if [ "$status" -eq 0 ]; then
        note "$what ok: $out"
        exit 0
      fi
      if [ "$status" -ne 75 ] && [ "$status" -ne 124 ]; then
        note "$what failed and would fail again (exit $status, the error is on the line above): not retried"
        exit "$status"
      fi
      note "$what attempt $attempt failed (the error is on the line above)"
      sleep $((attempt * 60))
    done
    exit 1
    ;;
  hub)
    db="${2:?usage: nightly.sh hub DB [OUTDIR] [PAGEDIR]}"
    out="${3:-.}"
    pages="${4:-$out}"
    day=$(date +%Y-%m-%d)
    mkdir -p "$out" "$pages"
    backup="$out/huyen-$day.sqlite"
    if [ ! -e "$backup" ] && ! result=$("$ntm" hub backup "$backup" --db "$db" 2>&1); then
      note "backup failed: $result"
      exit 1
    fi
    note "backup ok: $backup"
    "$ntm" hub report --db "$db" > "$out/bao-cao-$day.txt" &&
      "$ntm" hub report --csv --db "$db" > "$out/bao-cao-$day.csv" &&
      "$ntm" hub report --json --db "$db" > "$out/bao-cao-$day.json" || { note "report failed"; exit 1; }
    # A district with no commune yet has no document to make: the night is still a good one.
    if grep -q '"communes_total":0[,}]' "$out/bao-cao-$day.json"; then
      note "report ok: $out/bao-cao-$day.{txt,csv,json}; no document or page yet: the hub holds no commune with a target"
      exit 0
    fi
    # The JSON, the document and the page again, from one reading of the figures, so that they agree.
    "$ntm" hub report --json --db "$db" --docx "$out/bao-cao-$day.docx" --html "$out/tong-quan-$day.html" \
      --with-files --force 2>>"$log" > "$out/bao-cao-$day.json.partial" &&
      mv -f "$out/bao-cao-$day.json.partial" "$out/bao-cao-$day.json" ||
      { rm -f "$out/bao-cao-$day.json.partial"; note "documents failed (the reason is on the line above)"; exit 1; }
    # The evidence files the page links to first (each name holds its content's hash: only new ones are
    # copied), then the morning's copies, each written beside and renamed over yesterday's.
    if [ "$(cd "$out" && pwd)" != "$(cd "$pages" && pwd)" ] && [ -d "$out/tep-minh-chung" ]; then
      cp -r -u "$out/tep-minh-chung" "$pages/" || { note "copy of the evidence files to $pages failed"; exit 1; }
    fi
    for pair in "tong-quan-$day.html:tong-quan.html" "bao-cao-$day.docx:bao-cao.docx"; do
      from="$out/${pair%%:*}" to="$pages/${pair##*:}"
      cp "$from" "$to.partial" && mv -f "$to.partial" "$to" || { note "copy to $pages failed"; exit 1; }
    done
    note "report ok: $out/bao-cao-$day.{txt,csv,json,docx}, $out/tong-quan-$day.html; page: $pages/tong-quan.html"
    ;;
  *)
    sed -n '2,23p' "$0" >&2
    exit 2
    ;;
esac
