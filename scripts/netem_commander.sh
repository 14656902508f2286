#!/usr/bin/env bash
# Runs a Tandem Commander inside its own network namespace, reachable from the host over a
# veth pair whose both ends delay packets with `tc netem` (an emulated WAN link), for the
# speculative-decoding benchmarks. Needs root (ip netns, tc). Everything it creates lives on
# private test interfaces (10.77.0.0/30) and is torn down on exit, error or timeout.
#
#   sudo scripts/netem_commander.sh [--delay-ms 25] [--rate 100mbit] [--seconds 600] \
#        [--port 8081] -- tandem commander -m target.gguf [more commander args]
#
# The Commander listens on 10.77.0.2:PORT; from the host use
#   tandem run -m draft.gguf --remote-target http://10.77.0.2:PORT ...
# RTT = 2 x delay (netem on both veth ends). The script exits after --seconds (timeout).
set -euo pipefail

delay_ms=25
rate=""
seconds=600
port=8081
ns="tandem-netem-$$"
host_if="tdm-h$$"
ns_if="tdm-n$$"
host_ip=10.77.0.1
ns_ip=10.77.0.2

usage() { sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --delay-ms) delay_ms="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    -h|--help) usage ;;
    --) shift; break ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done
[[ $# -gt 0 ]] || { echo "missing the commander command after --" >&2; usage; }
[[ $EUID -eq 0 ]] || { echo "run as root (ip netns / tc need CAP_NET_ADMIN)" >&2; exit 1; }
for tool in ip tc timeout; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done
[[ "$delay_ms" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "--delay-ms must be a number" >&2; exit 2; }
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "--seconds must be an integer" >&2; exit 2; }

cleanup() {
  set +e
  ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
  ip link del "$host_if" 2>/dev/null   # removes the peer end too
  ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT INT TERM

ip netns add "$ns"
ip link add "$host_if" type veth peer name "$ns_if"
ip link set "$ns_if" netns "$ns"
ip addr add "$host_ip/30" dev "$host_if"
ip link set "$host_if" up
ip netns exec "$ns" ip addr add "$ns_ip/30" dev "$ns_if"
ip netns exec "$ns" ip link set "$ns_if" up
ip netns exec "$ns" ip link set lo up

netem=(netem delay "${delay_ms}ms")
[[ -n "$rate" ]] && netem+=(rate "$rate")
tc qdisc add dev "$host_if" root "${netem[@]}"
ip netns exec "$ns" tc qdisc add dev "$ns_if" root "${netem[@]}"

echo "netem: ${delay_ms} ms each way${rate:+, rate $rate}; commander at http://$ns_ip:$port for ${seconds}s" >&2
# The commander runs in the namespace, bounded in time; the trap tears everything down.
timeout --signal=TERM --kill-after=10 "$seconds" \
  ip netns exec "$ns" "$@" --host "$ns_ip" --port "$port"
