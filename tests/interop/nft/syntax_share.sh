#!/usr/bin/env bash
# The share of nft's own syntax that the dataplane compiles (issue 16).
#
# Every rule of tests/interop/nft/syntax/*/*.t (a trimmed copy of the rule
# lines of nftables' tests/py, see syntax/README.md) is put, for each ip,
# ip6 or inet table its file names, into a ruleset of one table and one
# base chain of the file's hook; nft_syntax (built here) has nfvpn-nftc
# load it into a kernel of its own network namespace, and compiles what
# the kernel accepted with hooks/filter, as the dataplane does. Printed:
# how many the kernel accepted, the share of those that compile, and the
# refused ones grouped by the compiler's message, largest group first,
# with an example rule each.
#
#   bash tests/interop/nft/syntax_share.sh [-v] [BUILD_DIR]
#
# -v also lists every refused rule. Needs root (network namespaces) and
# nftables. Not run by CI: about a minute for 2,000 rulesets, and it
# measures, it does not pass or fail (exit 1 only when it cannot run).
set -eu
verbose=0
[ "${1:-}" = "-v" ] && { verbose=1; shift; }
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
BUILD=${1:-$TOP/build}
TOOL=$BUILD/tests/interop/nft/nft_syntax
export NFVPN_NFTC=${NFVPN_NFTC:-$BUILD/control/nftc/nfvpn-nftc}
[ "$(id -u)" = 0 ] || { echo "syntax_share: needs root" >&2; exit 1; }
[ -x "$TOOL" ] && [ -x "$NFVPN_NFTC" ] ||
	{ echo "syntax_share: build $TOOL and $NFVPN_NFTC first" >&2; exit 1; }
WORK=$(mktemp -d /tmp/nfvpn-syntax.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# one ruleset per (rule, table); index.tsv: file, family, .t file, rule
/usr/bin/python3 - "$TOP/tests/interop/nft/syntax" "$WORK" <<'PY'
import glob, os, sys
src, work = sys.argv[1], sys.argv[2]
n = 0
with open(os.path.join(work, "index.tsv"), "w") as idx:
    for t in sorted(glob.glob(os.path.join(src, "*", "*.t"))):
        chains, tables, rules, objs = {}, [], [], []
        for line in open(t):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if line.startswith(":"):
                name, spec = line[1:].split(";", 1)
                chains[name] = spec
            elif line.startswith("%") and line.endswith(";ok"):
                # a named object: "%name type counter", "... quota 25 mbytes",
                # "... limit rate 400/minute", "... ct helper { ... }"
                name, spec = line[1:-3].split(" type ", 1)
                kind, _, rest = spec.partition(" ")
                if kind == "ct":
                    kind, rest = "ct helper", rest.split(" ", 1)[1]
                if not rest:
                    objs.append("%s %s { }" % (kind, name))
                elif rest.startswith("{"):
                    objs.append("%s %s %s" % (kind, name, rest))
                else:
                    objs.append("%s %s { %s }" % (kind, name, rest))
            elif line.startswith("*"):
                tables.append(line[1:].split(";"))
            elif line.endswith(";ok"):
                # the .t files escape & and < with a backslash
                rules.append(line[:-3].replace("\\&", "&").replace("\\<", "<"))
        for fam, table, chain in tables:
            if fam not in ("ip", "ip6", "inet"):
                continue
            for r in rules:
                n += 1
                path = os.path.join(work, "r%05d.nft" % n)
                with open(path, "w") as f:
                    f.write("table %s %s {\n%s\tchain %s {\n\t\t%s;\n\t}\n}\n"
                            "add rule %s %s %s %s\n"
                            % (fam, table, "".join("\t%s\n" % o for o in objs), chain,
                               chains[chain], fam, table, chain, r))
                idx.write("%s\t%s\t%s\t%s\n" % (path, fam, os.path.relpath(t, src), r))
PY

cut -f1 "$WORK/index.tsv" | xargs "$TOOL" > "$WORK/result.tsv" 2> "$WORK/tool.log" ||
	{ cat "$WORK/tool.log" >&2; exit 1; }

/usr/bin/python3 - "$WORK/index.tsv" "$WORK/result.tsv" "$verbose" <<'PY'
import re, sys
index = {l.split("\t")[0]: l.rstrip("\n").split("\t")[1:] for l in open(sys.argv[1])}
verbose = sys.argv[3] == "1"
accepted = compiled = kernel = 0
groups = {}
for line in open(sys.argv[2]):
    f = line.rstrip("\n").split("\t")
    fam, tfile, rule = index[f[0]]
    if f[1] == "kernel":
        kernel += 1
        if verbose:
            print("not accepted: %s %s (%s): %s" % (fam, rule, tfile, f[2] if len(f) > 2 else ""))
        continue
    accepted += 1
    if f[1] == "ok":
        compiled += 1
        continue
    # "table ip t chain c handle 2: expression 'x': ..." -> the reason
    msg = re.sub(r"^table \S+ \S+ chain \S+ handle \d+: ", "", f[2] if len(f) > 2 else "")
    groups.setdefault(msg, []).append("%s %s (%s)" % (fam, rule, tfile))
total = accepted + kernel
print("rules x tables: %d; refused by nft or the kernel: %d; accepted: %d" %
      (total, kernel, accepted))
print("compiled by the dataplane: %d of %d accepted, %.1f %%" %
      (compiled, accepted, 100.0 * compiled / max(accepted, 1)))
print("refused, by reason (count, reason, an example):")
for msg, rules in sorted(groups.items(), key=lambda kv: -len(kv[1])):
    print("%5d  %s\n       e.g. %s" % (len(rules), msg, rules[0]))
    if verbose:
        for r in rules[1:]:
            print("       %s" % r)
PY
