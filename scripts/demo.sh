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
repo="$(pwd)"
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
day() { date -d "$1 days" +%d/%m/%Y; }   # a date relative to today, dd/mm/yyyy
district() { NTM_DB=district.sqlite NTM_USER="Văn phòng Điều phối NTM huyện" run "$@"; }
officer() { NTM_DB=officer.sqlite NTM_USER="Lê Văn Hùng" run "$@"; }

echo "== The commune office sets up its replica and records evidence (no network needed)"
office init --replica xa-dan-ly-1 --commune dan-ly --name "Dân Lý" --district trieu-son --code 15703 --year "$(date +%Y)"
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
echo "== The office looks at one conflict (its id is the same on every replica), then settles both by a rule"
office conflicts show 9322
office conflicts resolve --all --prefer "author=Nguyễn Thị Lan" --yes --note "Đã thống nhất với anh Hùng"
NTM_DB=officer.sqlite "$ntm" summary > officer.summary
office bundle export usb-4.ndjson --since officer.summary
officer bundle import usb-4.ndjson
officer conflicts
officer log 17.1
officer status
printf '\noffice : %s\nofficer: %s\n' "$(NTM_DB=office.sqlite "$ntm" dump | sha256sum | cut -c1-16)" \
  "$(NTM_DB=officer.sqlite "$ntm" dump | sha256sum | cut -c1-16)"

echo
echo "== The rest of the day's work: the district's verification, deadlines, the commune's report"
for criterion in 1 2 3 4 5 6 7 8 9 10; do NTM_DB=office.sqlite NTM_USER="Nguyễn Thị Lan" "$ntm" dossier $criterion --complete yes >/dev/null; done
office verification 17 --result dat --department "tai nguyen" --date "$(day -3)"
office appraisal "cong an" --sent "$(day -10)" --inspected "$(day -2)" --verdict dat --document 456/CAT-PV05
office deadline add --title "Hoàn thiện hồ sơ chung" --due "$(day 5)" --department "UBND xã"
office deadline add --title "Văn bản đánh giá tiêu chí 2" --due "$(day -1)" --sector "giao thong"
office note add "Thôn 3 còn 12 hộ chưa dùng nước sạch" --indicator 17.1
office report > report.txt && head -n 13 report.txt
echo "(… then what is still missing, criterion by criterion, with the responsible department)"

echo
echo "== The district office on the 14th: every commune's bundle, one report"
district init --replica huyen-trieu-son --district trieu-son --name "Triệu Sơn"
NTM_DB=office.sqlite "$ntm" bundle export to-district.ndjson >/dev/null
district bundle import to-district.ndjson
district report > district.txt && head -n 12 district.txt
district report --as-of "$(day -1)" > yesterday.txt && head -n 5 yesterday.txt
echo "(… then, department by department, the indicators still owed and by which communes)"
NTM_DB=district.sqlite "$ntm" report --csv > bao-cao.csv
printf 'bao-cao.csv for Excel: %s bytes, starts with the UTF-8 byte-order mark (%s)\n' \
  "$(wc -c < bao-cao.csv)" "$(head -c 3 bao-cao.csv | od -An -tx1 | tr -d ' ')"

echo
echo "== A province's own criteria set is data: imported once, it travels with the bundles"
district catalogue import "$repo/Tests/Fixtures/thanh-hoa-nang-cao-synthetic.json"
district catalogue list
district criteria nuoc sach

echo
echo "== A damaged bundle is refused whole"
head -c 700 usb-1.ndjson > broken.ndjson
officer bundle import broken.ndjson 2>&1 || echo "(exit code $?)"
echo "and every database still agrees with itself (log, held dots, row states, conflicts):"
office verify
district verify
if [ "${1:-}" = "--keep" ]; then echo; echo "files kept in $work"; fi
