#!/usr/bin/env bash
# Speed and memory, measured in a release build. Prints one JSON line per figure, each with its
# baseline from the same run on the same machine:
#   sqlite_raw  the ceiling: the same operation rows inserted into a plain table, one prepared
#               statement, one transaction
#   apply       a bundle of OPS operations from ORIGINS origins (10% concurrent writes to shared
#               fields) imported into a fresh replica on disk, streamed, in one transaction
#   apply_vs_raw  the ratio, with the targets (ratio >= 0.5, peak memory < 150 MB)
#   apply_no_row_index, row_index_cost  (issue 18) the same import into a replica without the log's row
#               index (oplog_row): what the index costs the import
#   conflict_review  listing conflicts and finding their common ancestors on that replica
#   field_log   (issue 18) `ntm log` of one row on that replica, through the row index; baseline: a scan
#   district_morning  (issue 18) on a hub of NTM rows (DISTRICT_COMMUNES x DISTRICT_PER_COMMUNE operations,
#               defaults 250 x 4000): the district report, every open conflict listed, `ntm log` of one
#               indicator (baseline: the same without the row index)
#   night_scaling  (issue 18) district_night in clear at NIGHT_SIZES replicas (default "32 128 320") of
#               NIGHT_PER_REPLICA operations (default 2,000), NIGHT_AT_ONCE sessions at a time (default 32):
#               ops/s and peak memory at each size, and the ops/s of the largest over the smallest (target:
#               flat, >= 0.8). The province's night on one hub: NIGHT_SIZES="32 320 600" NIGHT_PER_REPLICA=5000
#   district_night, noop_sync  sync over loopback TCP (see below)
#   files_store, files_sync, files_resume, files_memory  evidence files (see the end of this file)
#   hub_import  (issue 15) the apply bundle imported at a hub through its one way in, signed
#   checkpoint_verify  (issue 15) Ed25519 verification of signed chain heads: the cost per million
#               operations at one checkpoint per 256, against the baseline of one signature per operation
#   province_night, province_noop_sync  (issue 16) district hubs syncing with their province (see the end)
# Usage: scripts/bench.sh [OPS] [ORIGINS]     (defaults 1000000 500)
#        scripts/bench.sh --peers [OPS] [ORIGINS]
#   --peers (issue 18) only the merge against its peers, in one run: sqlite_raw, apply, Loro and Yrs on
#           the same workload (scripts/peer_bench.py, which checks first that its workload is the bundle's,
#           operation for operation; needs `pip install loro pycrdt`), district_night for the bytes on the
#           wire, then one line "peers" with every ratio and each one's peak memory and bytes per operation
# The province figures' sizes come from the environment (defaults: the full scale of issue 16):
#   PROVINCE_DISTRICTS=10 PROVINCE_COMMUNES=30 PROVINCE_PER_COMMUNE=2000 PROVINCE_OPS=3000000
# BENCH_ONLY=province runs the province figures alone.
set -euo pipefail
cd "$(dirname "$0")/.."
peers=""
if [ "${1:-}" = --peers ]; then
  peers=1
  shift
  python3 -c "import loro, pycrdt" 2>/dev/null || { echo "bench.sh --peers needs the peers: pip install loro pycrdt" >&2; exit 1; }
fi
ops=${1:-1000000}
origins=${2:-500}
work=.build-bench
mkdir -p "$work"
swift build -c release --product ntm-bench >&2
bench=$(swift build -c release --product ntm-bench --show-bin-path)/ntm-bench
province() {
  # Hubs above hubs (issue 16), over loopback TCP.
  #   province_night  PROVINCE_DISTRICTS district hubs, each with PROVINCE_COMMUNES communes of
  #                   PROVINCE_PER_COMMUNE offline operations (and 100 of its own office): each district's
  #                   night first (its communes sync at once with its hub), then every district hub syncs at
  #                   once with the province hub, served by its own process: the province phase's wall time
  #                   and the province process's peak RSS. Baselines: the same operations applied directly
  #                   into one store (baseline_apply_seconds), the province process's RSS before any session
  #                   (province_idle_rss_mb), and the district nights' own times
  #   province_noop_sync  a district hub (4 communes of 500 operations behind it, relayed once) syncs with
  #                   nothing new with a province holding 10,000 operations (the baseline), then one holding
  #                   PROVINCE_OPS generated operations applied in bulk (build_seconds is how long that
  #                   takes): median of 21, target < 20 ms and the same for both
  local province_dir="$work/province"
  rm -rf "$province_dir" && mkdir -p "$province_dir"
  "$bench" province-night --folder "$province_dir" --districts "${PROVINCE_DISTRICTS:-10}" \
    --communes "${PROVINCE_COMMUNES:-30}" --per-commune "${PROVINCE_PER_COMMUNE:-2000}"
  local province_ops=${PROVINCE_OPS:-3000000}
  for size in 10000 "$province_ops"; do
    rm -rf "$province_dir" && mkdir -p "$province_dir"
    "$bench" province-noop --folder "$province_dir" --ops "$size" --origins $(((size + 1999) / 2000))
  done
  rm -rf "$province_dir"
}
if [ "${BENCH_ONLY:-}" = province ]; then
  province
  exit 0
fi
bundle="$work/apply-$ops-$origins.ndjson"
if [ ! -s "$bundle" ]; then
  echo "generating $bundle ..." >&2
  "$bench" gen --ops "$ops" --origins "$origins" --out "$bundle.tmp" && mv "$bundle.tmp" "$bundle"
fi
rm -f "$work"/raw.sqlite* "$work"/apply.sqlite*
raw=$("$bench" raw --ops "$ops" --origins "$origins" --db "$work/raw.sqlite")
echo "$raw"
apply=$("$bench" apply --bundle "$bundle" --db "$work/apply.sqlite")
echo "$apply"
if [ -z "$peers" ]; then
  rm -f "$work"/apply-no-index.sqlite*
  apply_no_index=$("$bench" apply --bundle "$bundle" --db "$work/apply-no-index.sqlite" --no-row-index)
  echo "$apply_no_index"
  rm -f "$work"/apply-no-index.sqlite*
  python3 - "$apply" "$apply_no_index" <<'PY'
import json, sys
apply, without = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({"name": "row_index_cost", "apply_ops_per_s": apply["ops_per_s"],
                  "apply_no_row_index_ops_per_s": without["ops_per_s"],
                  "ratio": round(apply["ops_per_s"] / without["ops_per_s"], 3),
                  "peak_rss_mb": apply["peak_rss_mb"], "peak_rss_mb_no_row_index": without["peak_rss_mb"]}))
PY
fi
if [ -n "$peers" ]; then
  # The same workload, or the ratios mean nothing.
  python3 scripts/peer_bench.py --check "$bundle" "$ops" "$origins"
  loro=$(python3 scripts/peer_bench.py loro "$ops" "$origins")
  echo "$loro"
  yrs=$(python3 scripts/peer_bench.py yrs "$ops" "$origins")
  echo "$yrs"
  rm -rf "$work/night" && mkdir -p "$work/night"
  night=$("$bench" night --folder "$work/night" --communes 32 --per-commune 2000)
  echo "$night"
  rm -rf "$work/night" "$work"/raw.sqlite* "$work"/apply.sqlite*
  python3 - "$raw" "$apply" "$loro" "$yrs" "$night" "$bundle" <<'PY'
import json, os, sys
raw, apply, loro, yrs = (json.loads(a) for a in sys.argv[1:5])
night = json.loads(sys.argv[5].splitlines()[0])  # the night in clear (the next line is over TLS)
def r(x): return round(x, 3)
print(json.dumps({
    "name": "peers", "ops": loro["ops"],
    "apply_ops_per_s": apply["ops_per_s"], "loro_ops_per_s": loro["ops_per_s"],
    "yrs_ops_per_s": yrs["ops_per_s"], "sqlite_raw_rows_per_s": raw["ops_per_s"],
    "apply_vs_loro": r(apply["ops_per_s"] / loro["ops_per_s"]), "target_apply_vs_loro": 1.0,
    "apply_vs_yrs": r(apply["ops_per_s"] / yrs["ops_per_s"]), "stretch_apply_vs_yrs": 1.0,
    "apply_vs_raw": r(apply["ops_per_s"] / raw["ops_per_s"]), "target_apply_vs_raw": 0.5,
    "peak_rss_mb": {"apply": apply["peak_rss_mb"], "loro": loro["peak_rss_mb"], "yrs": yrs["peak_rss_mb"]},
    "target_apply_peak_rss_mb": 150,
    # ntm's bundle lines on this workload (author, wall time and the chain's hash on every line), its wire
    # on district_night's own workload, and the peers' binary updates on this workload.
    "bytes_per_op": {"ntm_bundle": round(os.path.getsize(sys.argv[6]) / loro["ops"], 1),
                     "ntm_wire_district_night": night["bytes_per_op"],
                     "ntm_wire_district_night_compressed": night["compressed_bytes_per_op"],
                     "loro": loro["bytes_per_op"], "yrs": yrs["bytes_per_op"]},
    # The night's sessions compressed (deflate, PROTOCOL.md §11.13) against Loro's binary updates.
    "compressed_wire_vs_loro": r(night["compressed_bytes_per_op"] / loro["bytes_per_op"]),
    "target_compressed_wire_vs_loro": 1.0,
    "district_night_seconds": night["seconds"], "target_district_night_seconds": 1.0,
}))
PY
  exit 0
fi
# hub_import  (issue 15) the same bundle imported at a hub through its one way in: 500 enrolled writers,
#             one checkpoint each in the header, every operation chain-checked and judged by the write
#             policy; baseline: apply above (a laptop's import, which checks nothing of the kind)
rm -f "$work"/hub-import.sqlite* "$work"/hub-import.ndjson
hub_import=$("$bench" hub-import --ops "$ops" --origins "$origins" --db "$work/hub-import.sqlite" --bundle "$work/hub-import.ndjson")
echo "$hub_import"
python3 - "$apply" "$hub_import" <<'PY'
import json, sys
apply, hub = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(json.dumps({"name": "hub_import_vs_apply", "ratio": round(hub["ops_per_s"] / apply["ops_per_s"], 3),
                  "hub_import_ops_per_s": hub["ops_per_s"], "apply_ops_per_s": apply["ops_per_s"],
                  "checkpoints_verified": hub["checkpoints_verified"]}))
PY
rm -f "$work"/hub-import.sqlite* "$work"/hub-import.ndjson
# conflict_review  (issue 5) on the replica just filled: list every open conflict, and each one's common
#                  ancestor by indexed lookups; baseline: the ancestor from the field's whole history (a scan)
"$bench" review --db "$work/apply.sqlite"
"$bench" field-log --db "$work/apply.sqlite"
python3 - "$raw" "$apply" <<'PY'
import json, sys
raw, apply = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ratio = apply["ops_per_s"] / raw["ops_per_s"]
print(json.dumps({"name": "apply_vs_raw", "ratio": round(ratio, 3), "target_ratio": 0.5,
                  "apply_peak_rss_mb": apply["peak_rss_mb"], "target_peak_rss_mb": 150,
                  "meets_ratio": ratio >= 0.5, "meets_memory": apply["peak_rss_mb"] < 150}))
PY
rm -f "$work"/raw.sqlite* "$work"/apply.sqlite*

# Sync over loopback TCP (issue 4).
#   district_night  32 commune replicas with 2,000 offline operations each sync at once with one hub:
#                   wall time (target < 1 s), operations committed at the hub per second, bytes on the
#                   wire per operation (target < 150); its baseline is sqlite_raw above; the same night
#                   again with compressed sessions (deflate, PROTOCOL.md §11.13): compressed_bytes_per_op,
#                   compressed_seconds
#   district_night_tls  the same night with fresh databases over TLS 1.3 with a pinned key (as
#                   `ntm hub serve` runs by default); its baseline is district_night of the same run
#                   (baseline_clear_seconds, tls_over_clear); bytes_per_op counts the lines, not TLS framing
#   noop_sync       a sync with nothing new, median of 21, against a hub of 10,000 operations (the
#                   baseline) and one of OPS operations: target < 20 ms, and the same for both
night_dir="$work/night"
rm -rf "$night_dir" && mkdir -p "$night_dir"
"$bench" night --folder "$night_dir" --communes 32 --per-commune 2000
#   district_night_unsigned  (issue 15) the same night with the laptops signing no checkpoints: the
#                   baseline of what signing and checking them costs in district_night
rm -rf "$night_dir" && mkdir -p "$night_dir"
"$bench" night --folder "$night_dir" --communes 32 --per-commune 2000 --unsigned
small="$work/apply-10000-50.ndjson"
if [ ! -s "$small" ]; then
  "$bench" gen --ops 10000 --origins 50 --out "$small.tmp" && mv "$small.tmp" "$small"
fi
for hub_bundle in "$small" "$bundle"; do
  rm -rf "$night_dir" && mkdir -p "$night_dir"
  "$bench" noop --folder "$night_dir" --bundle "$hub_bundle"
done
rm -rf "$night_dir"
# night_scaling (issue 18): what grows with the number of replicas at one hub.
scaling=()
for size in ${NIGHT_SIZES:-32 128 320}; do
  rm -rf "$night_dir" && mkdir -p "$night_dir"
  line=$("$bench" night --folder "$night_dir" --communes "$size" --per-commune "${NIGHT_PER_REPLICA:-2000}" --clear --at-once "${NIGHT_AT_ONCE:-32}")
  echo "$line"
  scaling+=("$line")
done
rm -rf "$night_dir"
python3 - "${scaling[@]}" <<'PY'
import json, sys
runs = [json.loads(a) for a in sys.argv[1:]]
ratio = runs[-1]["ops_per_s"] / runs[0]["ops_per_s"]
print(json.dumps({"name": "night_scaling", "replicas": [r["communes"] for r in runs],
                  "at_once": runs[0]["at_once"], "ops_per_replica": runs[0]["ops"] // runs[0]["communes"],
                  "seconds": [r["seconds"] for r in runs], "ops_per_s": [r["ops_per_s"] for r in runs],
                  "peak_rss_mb": [r["peak_rss_mb"] for r in runs],
                  "largest_over_smallest": round(ratio, 3), "target_ratio": 0.8, "flat": ratio >= 0.8}))
PY
# district_morning (issue 18): a district's morning on a hub of about a million operations of NTM rows.
morning_dir="$work/morning"
rm -rf "$morning_dir" && mkdir -p "$morning_dir"
"$bench" district-morning --folder "$morning_dir" --communes "${DISTRICT_COMMUNES:-250}" \
  --per-commune "${DISTRICT_PER_COMMUNE:-4000}"
rm -rf "$morning_dir"

# Files (issue 14); MB is MiB, MB/s the file's bytes over the seconds, the whole process's peak memory.
#   files_store   storeFile of a random 200 MB file into a fresh replica (chunks in SQLite, WAL, synchronous
#                 FULL) and exportFile back, write and read MB/s, and the same chunks stored one transaction
#                 each as storeChunk stores arriving chunks; baseline: the same chunks as fsync'd files
#                 beside the database (one per chunk, named by its hash) and read back
#   files_sync    100 files of 2 MB: laptop A -> in-process hub over loopback TCP -> laptop B, MB/s up and
#                 down; baseline: the same bytes through a plain loopback socket; wire bytes (whole
#                 sessions, both ways) per file byte, against base64's 4/3
#   files_resume  the same through a relay that cuts the connection 20 times at random bytes; each cut
#                 session is synced again: file bytes re-sent, and every file byte-identical at B
#   files_memory  one file of 2 MB, one of 50 MB and one of 200 MB, each synced A -> hub -> B in its own
#                 process (three replicas, so three SQLite page caches of 32 MiB): the peaks, and the ratio of
#                 200 MB to 2 MB (target < 1.5: memory stays flat) and of 200 MB to 50 MB (caches full)
files_dir="$work/files"
rm -rf "$files_dir" && mkdir -p "$files_dir"
"$bench" files-store --folder "$files_dir" --mb 200
rm -rf "$files_dir" && mkdir -p "$files_dir"
"$bench" files-sync --folder "$files_dir" --files 100 --mb 2
rm -rf "$files_dir" && mkdir -p "$files_dir"
"$bench" files-resume --folder "$files_dir" --files 100 --mb 2 --cuts 20
rm -rf "$files_dir" && mkdir -p "$files_dir"
small_file=$("$bench" files-memory --folder "$files_dir" --mb 2)
rm -rf "$files_dir" && mkdir -p "$files_dir"
middle_file=$("$bench" files-memory --folder "$files_dir" --mb 50)
rm -rf "$files_dir" && mkdir -p "$files_dir"
large_file=$("$bench" files-memory --folder "$files_dir" --mb 200)
rm -rf "$files_dir"
python3 - "$small_file" "$middle_file" "$large_file" <<'PY'
import json, sys
small, middle, large = (json.loads(argument) for argument in sys.argv[1:4])
ratio = large["peak_rss_mb"] / small["peak_rss_mb"]
print(json.dumps({"name": "files_memory", "peak_rss_mb_2": small["peak_rss_mb"],
                  "peak_rss_mb_50": middle["peak_rss_mb"], "peak_rss_mb_200": large["peak_rss_mb"],
                  "up_mb_per_s_200": large["up_mb_per_s"], "down_mb_per_s_200": large["down_mb_per_s"],
                  "ratio_200_to_2": round(ratio, 3), "target_ratio": 1.5, "meets_memory": ratio < 1.5,
                  "ratio_200_to_50": round(large["peak_rss_mb"] / middle["peak_rss_mb"], 3)}))
PY

# Signed chain heads (issue 15): sign and verify 2,000 checkpoints.
"$bench" checkpoints --count 2000

province
