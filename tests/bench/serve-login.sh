# Sourced by the web app's load tests (pilotage.sh, pilotage-real.sh, pilotage-pg.sh,
# pilotage-pair.sh): waiting for `sobre serve` to start, then logging in.
#   bench_port OUT WORD: waits (5 s at most) for WORD in serve's output file
#     OUT, then prints the port it listens on ("" when it did not start).
#   bench_login PORT EMAIL PASSWORD JAR: logs in through the login form (or
#     a load balancer in front of it, which may spell headers in lower case)
#     (its CSRF token and cookie kept in the file JAR) and prints the
#     session cookie, "sobre_session=..." ("" when refused).
#   bench_wrk CONNS SECONDS URL COOKIE OUT: wrk with 2 threads and its
#     latency report, CONNS connections for SECONDS with the session cookie,
#     the report in the file OUT; sets wrk_rps, wrk_p50, wrk_p99 and
#     wrk_errors (non-2xx answers and socket errors).
bench_port() {
	for _ in $(seq 50); do
		grep -q "$2" "$1" 2>/dev/null && break
		sleep 0.1
	done
	sed -n 's|.*http://127.0.0.1:\([0-9]*\)/pilotage/.*|\1|p' "$1"
}
bench_login() {
	_url="http://127.0.0.1:$1/pilotage/connexion"
	_token=$(curl -s --noproxy '*' -c "$4" "$_url" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p')
	curl -s --noproxy '*' -b "$4" -D - -o /dev/null --data-urlencode "email=$2" \
		--data-urlencode "password=$3" --data-urlencode "csrf=$_token" "$_url" |
		sed -n 's/^set-cookie: \(sobre_session=[0-9a-f]*\).*/\1/Ip'
}
bench_wrk() {
	wrk -t2 -c"$1" -d"$2"s --latency -H "Cookie: $4" "$3" >"$5"
	wrk_rps=$(awk '/^Requests\/sec/ {print $2}' "$5")
	wrk_p50=$(awk '$1 == "50%" {print $2}' "$5")
	wrk_p99=$(awk '$1 == "99%" {print $2}' "$5")
	_non2xx=$(awk '/Non-2xx/ {print $5}' "$5")
	_sockerr=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$5")
	wrk_errors=$((${_non2xx:-0} + ${_sockerr:-0}))
}
