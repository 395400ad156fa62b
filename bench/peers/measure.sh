#!/usr/bin/env bash
# One measured run of a peer (DPDK's l3fwd or ipsec-secgw, or any DPDK
# program), for bench/forward/run.sh and bench/esp/run.sh:
#   bench/peers/measure.sh LABEL LOG PREFIX PORT SECONDS CMD [ARGS...]
# runs CMD (whose EAL --file-prefix is PREFIX) in the background with its
# output in LOG, prints the Mpps that its port PORT transmits over SECONDS
# once it forwards (bench/peers/ethrate.py, through the telemetry socket),
# then stops it (SIGINT; SIGKILL 10 s later). When it does not start or
# does not forward, prints "n/a" and says so on stderr, with the end of
# LOG; the exit status is 0 either way, so that a round goes on.
# A script, not a function, so that it can run under flock.
set -u
label=$1 log=$2 prefix=$3 port=$4 secs=$5
shift 5
here=$(cd "$(dirname "$0")" && pwd)

if [ ! -x "$1" ]; then
	echo "$label: n/a: $1 is not built (bench/peers/build.sh)" >&2
	echo n/a
	exit 0
fi
"$@" < /dev/null > "$log" 2>&1 &
pid=$!
rate=$(/usr/bin/python3 "$here/ethrate.py" "$prefix" "$port" "$secs" $pid 2> "$log.why")
kill -INT $pid 2> /dev/null
for _ in $(seq 100); do
	kill -0 $pid 2> /dev/null || break
	sleep 0.1
done
kill -KILL $pid 2> /dev/null && echo "$label: did not stop on SIGINT, killed" >&2
wait $pid 2> /dev/null
st=$?
if [ -z "$rate" ]; then
	echo "$label: n/a: $(cat "$log.why") (exit status $st); the end of its output:" >&2
	tail -n 8 "$log" | sed 's/^/    /' >&2
	echo n/a
else
	read -r mpps _ oerrors <<< "$rate"
	[ "$oerrors" = 0 ] || echo "$label: $oerrors transmit errors on port $port" >&2
	echo "$mpps"
fi
exit 0
