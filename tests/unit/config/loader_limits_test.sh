#!/usr/bin/env bash
# The policy loader against what used to hang it or grow without bound
# (issue 13 item 4), through `nfvpnd --check`: a FIFO as the policy and as
# filter.file, a symbolic link and a file of another user as filter.file,
# a policy with keys owned by another user, the file size, nesting, alias
# and error limits with their messages, 100,000 routes in well under a
# second with the duplicates still reported at both places.
# Every run is under `timeout`: a regression fails, it does not hang CI.
#
# usage: loader_limits_test.sh NFVPND POLICY_GEN_PY
set -uo pipefail
nfvpnd=$1
gen=$2
py=/usr/bin/python3
work=$(mktemp -d /tmp/nfvpn-loader-limits.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# check NAME FILE WANT_RC PATTERN: --check FILE within 10 s, exit WANT_RC, output matching PATTERN
check() {
	local name=$1 file=$2 want=$3 pat=$4 out rc
	out=$(timeout 10 "$nfvpnd" --check "$file" 2>&1)
	rc=$?
	if [ $rc -eq 124 ]; then
		fail "$name: --check did not return within 10 s"
	elif [ $rc -ne "$want" ]; then
		fail "$name: exit $rc, expected $want: $(echo "$out" | head -3)"
	elif ! grep -qE -- "$pat" <<< "$out"; then
		fail "$name: no line matching '$pat' in: $(echo "$out" | head -3)"
	else
		echo "ok: $name: $(grep -E -- "$pat" <<< "$out" | head -1)"
	fi
}

ports='ports:
  - { name: p0, device: net_ring0 }'

# 1. the policy is a FIFO: refused, not waited on
mkfifo "$work/fifo.yaml"
check "policy FIFO" "$work/fifo.yaml" 2 'fifo.yaml: cannot read the policy: not a regular file \(a FIFO\)$'

# 2. filter.file is a FIFO, a symbolic link, a directory, /proc
mkfifo "$work/rules-fifo.nft"
printf '%s\nfilter:\n  file: rules-fifo.nft\n' "$ports" > "$work/ffifo.yaml"
check "filter.file FIFO" "$work/ffifo.yaml" 2 'ffifo.yaml:4:9: filter.file: rules-fifo.nft is not a regular file \(a FIFO\)$'
echo 'table inet f { }' > "$work/rules.nft"
ln -s rules.nft "$work/rules-link.nft"
printf '%s\nfilter:\n  file: rules-link.nft\n' "$ports" > "$work/flink.yaml"
check "filter.file symlink" "$work/flink.yaml" 2 'flink.yaml:4:9: filter.file: rules-link.nft is a symbolic link; name the file itself$'
printf '%s\nfilter:\n  file: /proc/self/environ\n' "$ports" > "$work/fproc.yaml"
check "filter.file /proc" "$work/fproc.yaml" 2 'filter.file: /proc/self/environ is not a regular file \(on procfs or sysfs\)$'
printf '%s\nfilter:\n  file: rules.nft\n' "$ports" > "$work/fok.yaml"
check "filter.file regular" "$work/fok.yaml" 0 'fok.yaml: valid$'

# 3. files of another user: filter.file, and a policy with keys
if [ "$(id -u)" -eq 0 ] && id nobody > /dev/null 2>&1; then
	cp "$work/rules.nft" "$work/rules-nobody.nft"
	chown nobody "$work/rules-nobody.nft"
	printf '%s\nfilter:\n  file: rules-nobody.nft\n' "$ports" > "$work/fowner.yaml"
	check "filter.file owner" "$work/fowner.yaml" 2 "fowner.yaml:4:9: filter.file: rules-nobody.nft is owned by uid $(id -u nobody), neither root nor the user we run as \(uid 0\); run chown root on it$"
	cat > "$work/keys.yaml" <<-'YAML'
	ports:
	  - { name: p0, device: net_ring0 }
	ipsec:
	  sas:
	    - { name: a, spi: 0x100, direction: in, src: 192.0.2.2, dst: 192.0.2.1, algorithm: aes-gcm-128, key: "000102030405060708090a0b0c0d0e0f", salt: "01020304" }
	YAML
	chmod 600 "$work/keys.yaml"
	check "key file of root" "$work/keys.yaml" 0 'keys.yaml: valid$'
	chown nobody "$work/keys.yaml"
	check "key file of another user" "$work/keys.yaml" 2 "keys.yaml:4:3: ipsec: the policy holds keys but the file is owned by uid $(id -u nobody), neither root nor the user we run as \(uid 0\); run chown root on it$"
else
	echo "skip: owner checks need root and the user nobody"
fi

# 4. limits: size, nesting, aliases, errors
printf '%s\n' "$ports" > "$work/big.yaml"
truncate -s $((64 * 1024 * 1024 + 1)) "$work/big.yaml"
check "file size" "$work/big.yaml" 2 'big.yaml: cannot read the policy: larger than 67108864 bytes \(67108865\)$'
"$py" "$gen" nest 100000 > "$work/nest.yaml"
check "100,000 nested flow sequences" "$work/nest.yaml" 2 'nest.yaml:5:72: nesting deeper than 64 levels of sequences and mappings \(a limit of the loader\)$'
"$py" "$gen" nest-block 200 > "$work/nestb.yaml"
check "200 nested block mappings" "$work/nestb.yaml" 2 'nestb.yaml:69:129: nesting deeper than 64 levels'
"$py" "$gen" aliases 40000 > "$work/aliases.yaml"
check "40,000 aliases of a mapping" "$work/aliases.yaml" 2 'aliases.yaml:28578:5: alias \*h: aliases expand to more than 200000 nodes \(a limit of the loader\)$'
"$py" "$gen" laughs 10 > "$work/laughs.yaml"
check "billion laughs" "$work/laughs.yaml" 2 'laughs.yaml:10:50: alias \*a4: aliases expand to more than 200000 nodes'
"$py" "$gen" scalar-aliases 40000 > "$work/saliases.yaml"
check "40,000 aliases of a scalar (allowed)" "$work/saliases.yaml" 0 'saliases.yaml: valid$'
"$py" "$gen" aliases 20000 > "$work/errs.yaml"
out=$(timeout 10 "$nfvpnd" --check "$work/errs.yaml" 2>&1)
n=$(grep -c 'errs.yaml:' <<< "$out")
if [ "$n" -ne 1000 ] || ! tail -1 <<< "$out" | grep -qE 'errs.yaml:[0-9]+:[0-9]+: too many errors: 39002 more not shown \(at most 999 are\)$'; then
	fail "error cap: $n lines, last: $(tail -1 <<< "$out")"
else
	echo "ok: error cap: $(tail -1 <<< "$out")"
fi

# 5. 100,000 routes (and two duplicates): the time and both places
"$py" "$gen" routes 100000 > "$work/routes.yaml"
t0=$(date +%s.%N)
check "100,000 routes" "$work/routes.yaml" 2 'routes.yaml:100007:12: routes\[100001\]\.dst: duplicate route to 11\.0\.1\.0/24; first at 7:12$'
t1=$(date +%s.%N)
secs=$(echo "$t1 - $t0" | bc)
echo "100,000 routes checked in $secs s"
# generous: a loaded 2-core CI machine; it takes about 0.5 s
if [ "$(echo "$secs > 5" | bc)" -eq 1 ]; then
	fail "100,000 routes took $secs s (bound 5 s)"
fi

[ $fails -eq 0 ] && echo "PASS: loader_limits_test" || { echo "FAIL: loader_limits_test ($fails)"; exit 1; }
