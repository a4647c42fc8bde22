#!/usr/bin/env bash
# Makes the README's two pictures of the reports people file and look at, from the demonstration's
# district (`ntm demo`): docs/report-page.png (the dashboard page in headless Chromium; it has no script)
# and docs/report-document.png (the first page of the Word report, turned into a PDF by LibreOffice and
# into a picture by pdftoppm). Needs chromium, libreoffice-writer-nogui and poppler-utils (Debian).
#
#   bash scripts/report-pictures.sh [OUTDIR]     (default: docs/)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
for tool in chromium soffice pdftoppm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "report-pictures: $tool is missing (apt-get install chromium libreoffice-writer-nogui poppler-utils)" >&2; exit 1; }
done
swift build --product ntm >/dev/null 2>&1 || { echo "report-pictures: swift build failed" >&2; exit 1; }
ntm="$(swift build --show-bin-path)/ntm"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The demonstration keeps its folder; its last line names it.
folder=$("$ntm" demo --keep --lang en | sed -n 's/^Files: //p' | tail -1)
[ -d "$folder" ] || { echo "report-pictures: the demonstration did not say where its files are" >&2; exit 1; }
trap 'rm -rf "$work" "$folder"' EXIT
"$ntm" settings set signer "Lê Văn Hùng" --db "$folder/huyen.sqlite" >/dev/null
"$ntm" settings set recipients "UBND tỉnh Thanh Hóa (b/c);Văn phòng điều phối NTM tỉnh;Các xã trong huyện;Lưu: VT" \
  --db "$folder/huyen.sqlite" >/dev/null
"$ntm" hub report --db "$folder/huyen.sqlite" --docx "$work/bao-cao.docx" --html "$work/tong-quan.html" \
  --number 125 >/dev/null
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/chromium" \
  --window-size=1280,1500 --screenshot="$out/report-page.png" \
  "file://$work/tong-quan.html" >/dev/null 2>&1
soffice --headless "-env:UserInstallation=file://$work/office" --convert-to pdf --outdir "$work" \
  "$work/bao-cao.docx" >/dev/null 2>&1
pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$work/bao-cao.pdf" "$out/report-document"
echo "$out/report-page.png"
echo "$out/report-document.png"
