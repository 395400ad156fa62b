#!/bin/sh
# Fails when a datapath file includes a header of the control side, by
# name or by a relative path: workers must not call control code.
# usage: check_includes.sh DATAPLANE_SOURCE_DIR
set -eu
dir=${1:?usage: $0 DATAPLANE_SOURCE_DIR}
bad=0
for h in "$dir"/control/*.h; do
	name=$(basename "$h")
	# a header of the same name in datapath/ is the datapath's own
	[ -e "$dir/datapath/$name" ] && continue
	if grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"<]([^\">]*/)?$name[\">]" \
		"$dir/datapath"; then
		echo "datapath includes the control header $name" >&2
		bad=1
	fi
done
if grep -rnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*control/' "$dir/datapath"; then
	echo "datapath includes a file of control/" >&2
	bad=1
fi
exit $bad
