#!/usr/bin/env bash
# No SA key in a core dump of the dataplane (issue 13, item 5): with dumps
# allowed (--allow-core-dumps) and the process's coredump_filter opened to
# every mapping, gcore's dump holds neither the key of the start-up
# policy's SA nor that of an SA added and deleted at run time, nor that of
# a live SA (DPDK memory, where the module keeps SAs, is MADV_DONTDUMP);
# the SAs' names, which the control side keeps in its heap, are there, so
# the dump is a real one.
. "$(dirname "$0")/lib.sh"

command -v gdb >/dev/null || fail "gdb is needed (gcore)"
# three keys that appear nowhere else: AES-GCM-128 key, salt
k_pol=5bd1e99507a3c4f2be0d36a1c7e85f42; s_pol=1f2e3d4c
k_run=a8c3f1176d2e9b40c5f87d13e6b2094f; s_run=2a3b4c5d
k_live=e4d9b2c6107f8a35dc91e7f02b4a6c58; s_live=3c4d5e6f
sa() {	# sa NAME SPI KEY SALT
	echo "    - { name: $1, spi: $2, direction: in, mode: tunnel, src: 192.0.2.2, dst: 192.0.2.1, algorithm: aes-gcm-128, key: \"$3\", salt: \"$4\" }"
}
ports='ports:
  - { name: p0, device: net_null_cd0, exception: false }
addresses:
  - { port: p0, address: 192.0.2.1/24 }'
cat > "$WORK/policy.yaml" <<EOP
$ports
ipsec:
  sas:
$(sa sa-from-policy 0x3001 $k_pol $s_pol)
EOP
cat > "$WORK/run.yaml" <<EOP
$ports
ipsec:
  sas:
$(sa sa-run-time 0x3002 $k_run $s_run)
EOP
cat > "$WORK/live.yaml" <<EOP
$ports
ipsec:
  sas:
$(sa sa-live-time 0x3003 $k_live $s_live)
EOP
chmod 600 "$WORK"/*.yaml

dp_start "$WORK/policy.yaml" --allow-core-dumps
ctl sa add "$WORK/run.yaml" || fail "sa add run.yaml"
ctl sa add "$WORK/live.yaml" || fail "sa add live.yaml"
ctl sa del sa-from-policy || fail "sa del sa-from-policy"
ctl sa del sa-run-time || fail "sa del sa-run-time"
ctl sa | grep -q sa-live-time || fail "no live SA: $(ctl sa)"
sleep 0.5	# the deleted SAs are freed after a grace period

echo 0x7f > "/proc/$DP_PID/coredump_filter"
gcore -o "$WORK/core" "$DP_PID" > "$WORK/gcore.log" 2>&1 ||
	fail "gcore: $(tail -3 "$WORK/gcore.log")"
core=$WORK/core.$DP_PID
echo "core: $(du -h "$core" | cut -f1)"
$PY - "$core" "$k_pol" "$k_run" "$k_live" <<'EOPY' || fail "a key is in the core dump"
import mmap, sys
core, keys = sys.argv[1], sys.argv[2:]
with open(core, "rb") as f:
    m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    # the control side's copy of the names: the dump is a real one
    if m.find(b"sa-live-time") < 0:
        sys.exit("the dump lacks the SA names: not a dump of the heap")
    bad = [k for k in keys if m.find(bytes.fromhex(k)) >= 0]
    for k in keys:
        print(f"key {k}: {'FOUND' if k in bad else 'absent'}")
    sys.exit(1 if bad else 0)
EOPY
rm -f "$core"
dp_stop
echo "PASS: coredump_keys_test"
