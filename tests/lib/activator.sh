# Starting an activator under test (sourced after tests/lib.sh): the tests
# that put a real server behind one (lighttpd.sh, podman.sh) share it.

# bg_listening NAME LOG PORT CMD…: starts CMD as bg does (its pid in
# $BG_PID) and waits up to 30 s (a loaded machine) for it to listen on
# TCP PORT. If it does not, reports NAME as not listening with the log,
# ends CMD, returns 1.
bg_listening() {
	local name=$1 log=$2 port=$3
	shift 3
	bg "$log" "$@"
	wait_until 30 is_listening tcp "$port" && return 0
	not_ok "$name: listens on 127.0.0.1:$port"
	diag "$(cat "$log")"
	end_pid "$BG_PID"
	return 1
}
