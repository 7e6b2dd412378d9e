# Shell helpers of the bench/ scripts (sourced, not run). The caller defines fail() (its own
# message and logs) before calling wait_http.

# Stops a process: SIGTERM, up to 10 s for it to exit, then SIGKILL.
stop_pid() { # PID
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# A TCP port free on 127.0.0.1 right now.
free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# Waits until URL answers 2xx; fails when PID exits first or after SECONDS (default 10).
wait_http() { # URL PID NAME [SECONDS]
  local tries=$(( ${4:-10} * 20 ))
  for _ in $(seq "$tries"); do
    kill -0 "$2" 2>/dev/null || fail "$3 exited during start-up"
    curl -fsS -o /dev/null --max-time 1 "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  fail "$3 did not answer $1 within ${4:-10} s"
}

# The median of the numbers on stdin, one a line.
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
