#!/usr/bin/env bash
# A short demonstration of the main job, in a temporary folder:
# two laptops of Dân Lý commune (the commune office and the NTM officer) work offline, exchange
# bundles on a USB stick, both change indicator 17.1 while apart, see the same conflict, print
# identical dumps, and settle it with an ordinary write that travels back.
# Usage: bash scripts/demo.sh [--keep]      (--keep leaves the folder for a look with sqlite3)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product ntm >&2
ntm="$(swift build --show-bin-path)/ntm"
work=$(mktemp -d "${TMPDIR:-/tmp}/ntm-demo.XXXXXX")
[ "${1:-}" = "--keep" ] || trap 'rm -rf "$work"' EXIT
cd "$work"
export TZ=Asia/Ho_Chi_Minh
run() {
  local shown="" arg
  for arg in "$@"; do case "$arg" in *" "*) shown+=" \"$arg\"" ;; *) shown+=" $arg" ;; esac; done
  printf '\n$ ntm%s\n' "$shown"
  "$ntm" "$@"
}
office() { NTM_DB=office.sqlite NTM_USER="Nguyễn Thị Lan" run "$@"; }
officer() { NTM_DB=officer.sqlite NTM_USER="Lê Văn Hùng" run "$@"; }

echo "== The commune office sets up its replica and records evidence (no network needed)"
office init --replica xa-dan-ly-1 --commune dan-ly --name "Dân Lý"
office assess 17.1 "chưa đạt" --value 82,5 --deadline 30/09/2018
office evidence add 17.1 --title "Biên bản kiểm tra nước sạch" --kind "biên bản" --number 12/BB-UBND --date 02/10/2018
office appraisal "Sở Xây dựng" --sent 02/10/2018
office dossier 17 --complete yes
office bundle export usb-1.ndjson

echo
echo "== The NTM officer's laptop starts from that bundle"
officer init --replica xa-dan-ly-2 --commune dan-ly --name "Dân Lý"
officer bundle import usb-1.ndjson

echo
echo "== Apart, both change indicator 17.1"
office assess 17.1 "đạt" --value 96,5 --note "Theo biên bản 12/BB-UBND"
officer assess 17.1 "đang thực hiện" --value 90
officer evidence add 17.1 --title "Ảnh chụp bể lọc thôn 3" --kind "ảnh"

echo
echo "== They meet: each sends only what the other lacks"
NTM_DB=officer.sqlite "$ntm" summary > officer.summary
NTM_DB=office.sqlite "$ntm" summary > office.summary
office bundle export usb-2.ndjson --since officer.summary
officer bundle export usb-3.ndjson --since office.summary
officer bundle import usb-2.ndjson
office bundle import usb-3.ndjson

echo
echo "== The same conflict on both laptops: nothing was overwritten"
office conflicts
officer conflicts --lang en

echo
echo "== Identical replicated state (sha256 of ntm dump)"
printf 'office : %s\n' "$(NTM_DB=office.sqlite "$ntm" dump | sha256sum | cut -c1-16)"
printf 'officer: %s\n' "$(NTM_DB=officer.sqlite "$ntm" dump | sha256sum | cut -c1-16)"

echo
echo "== The office settles it; the decision travels back and closes the conflict everywhere"
office assess 17.1 "đạt" --value 96,5 --note "Đã thống nhất với anh Hùng"
NTM_DB=officer.sqlite "$ntm" summary > officer.summary
office bundle export usb-4.ndjson --since officer.summary
officer bundle import usb-4.ndjson
officer conflicts
officer log 17.1
officer status
printf '\noffice : %s\nofficer: %s\n' "$(NTM_DB=office.sqlite "$ntm" dump | sha256sum | cut -c1-16)" \
  "$(NTM_DB=officer.sqlite "$ntm" dump | sha256sum | cut -c1-16)"

echo
echo "== A damaged bundle is refused whole"
head -c 700 usb-1.ndjson > broken.ndjson
officer bundle import broken.ndjson 2>&1 || echo "(exit code $?)"
if [ "${1:-}" = "--keep" ]; then echo; echo "files kept in $work"; fi
