#!/usr/bin/env bash
# Checks that the Grafana dashboard and the Prometheus alert rules work against a real mailroom:
#
#   1. promtool parses the alert rules, runs their unit tests (alerts.test.yml) and parses every
#      PromQL expression of every dashboard under deploy/grafana/dashboards/;
#   2. a throw-away Prometheus on loopback scrapes the running mailroom at APP_URL;
#   3. optionally a traffic command runs (send mail that is delivered, bounced, deferred, with
#      webhooks) while Prometheus scrapes;
#   4. every dashboard expression and every operand of every alert expression is queried through
#      Prometheus's HTTP API; an empty result (or one that is all NaN) fails the run, because a
#      panel without data is a broken panel.
#
# Usage:
#   deploy/verify-dashboards.sh --lint-only
#   deploy/verify-dashboards.sh --app http://127.0.0.1:8080 [--traffic 'bench/send-mix.sh'] [--timeout 300]
#
# Starting mailroom is the caller's job (the app must already answer on APP_URL). The traffic
# command runs with PROMETHEUS_URL and APP_URL in its environment. Needs Debian's `prometheus`
# package (promtool, prometheus) and python3-yaml; installs them with apt-get when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

app_url="http://127.0.0.1:8080"
traffic_cmd=""
timeout_seconds=180
lint_only=false
while [ $# -gt 0 ]; do
  case "$1" in
    --app) app_url="$2"; shift 2 ;;
    --traffic) traffic_cmd="$2"; shift 2 ;;
    --timeout) timeout_seconds="$2"; shift 2 ;;
    --lint-only) lint_only=true; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done

python=/usr/bin/python3
need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
"$python" -c 'import yaml' >/dev/null 2>&1 || need+=(python3-yaml)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${need[*]} (run as root or install them)" >&2
    exit 2
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # The package enables a system Prometheus on :9090; this check runs its own on a free port.
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now prometheus >/dev/null 2>&1 || true; fi
fi

work="$(mktemp -d)"
prometheus_pid=""
cleanup() {
  if [ -n "$prometheus_pid" ]; then
    kill "$prometheus_pid" 2>/dev/null || true
    wait "$prometheus_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/queries.py" <<'PY'
"""Extracts the PromQL of the dashboards and alert rules, and queries it from Prometheus."""
import glob, json, math, re, sys, time, urllib.parse, urllib.request
import yaml

# What Grafana substitutes before it sends a query. The windows are wide on purpose: the run is
# short, so a window covering all of it turns "traffic was sent" into non-zero rates.
SUBSTITUTIONS = {
    "$__rate_interval": "10m", "$__interval": "1m", "$__range": "1h",
    "${__rate_interval}": "10m", "${__interval}": "1m", "${__range}": "1h",
    "$instance": ".*", "${instance}": ".*",
}


def grafana_to_promql(expr):
    for variable in sorted(SUBSTITUTIONS, key=len, reverse=True):
        expr = expr.replace(variable, SUBSTITUTIONS[variable])
    leftover = re.findall(r"\$\{?\w+", expr)
    if leftover:
        raise SystemExit(f"unhandled Grafana variable {leftover} in: {expr}")
    return expr


def panels(dashboard):
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])  # collapsed rows keep their panels inside


def dashboard_queries():
    for path in sorted(glob.glob("deploy/grafana/dashboards/*.json")):
        with open(path) as f:
            dashboard = json.load(f)
        for panel in panels(dashboard):
            for target in panel.get("targets", []):
                name = f'{path.rsplit("/", 1)[1]}: {panel["title"]} [{target["refId"]}]'
                yield name, grafana_to_promql(target["expr"])


def split_operands(expr):
    """Splits an expression at its top-level comparison and set operators: `a / b > 0.05 and c`
    gives `a / b`, `0.05`, `c`. Each operand that is not a number must select data on its own,
    whereas the whole alert expression is rightly empty while the alert is not firing."""
    parts, depth, quote, start, i = [], 0, None, 0, 0
    while i < len(expr):
        ch = expr[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "\"'`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0:
            match = re.match(r"(==|!=|>=|<=|>|<)(\s*bool\b)?|\b(and|or|unless)\b", expr[i:])
            if match:
                parts.append(expr[start:i])
                i += match.end()
                start = i
                continue
        i += 1
    parts.append(expr[start:])
    return [p.strip() for p in parts if p.strip() and not re.fullmatch(r"[-+]?[0-9.e+]+", p.strip())]


def alert_queries():
    with open("deploy/prometheus/alerts.yml") as f:
        rules = yaml.safe_load(f)
    for group in rules["groups"]:
        for rule in group["rules"]:
            name = rule.get("alert") or rule.get("record")
            if "record" in rule:
                yield f"alerts.yml: {name}", rule["expr"]
                continue
            severity = rule.get("labels", {}).get("severity", "")
            for n, operand in enumerate(split_operands(rule["expr"])):
                yield f"alerts.yml: {name} ({severity}) operand {n + 1}", operand


def write_dashboard_rules(path):
    """A rules file with one recording rule per dashboard expression, for `promtool check rules`."""
    rules = [{"record": f"dashboard:expr_{n}", "expr": expr}
             for n, (_, expr) in enumerate(dashboard_queries())]
    with open(path, "w") as f:
        yaml.safe_dump({"groups": [{"name": "dashboard-expressions", "rules": rules}]}, f)
    print(f"{len(rules)} dashboard expressions written to {path}")


def query(prometheus, expr):
    url = f"{prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    with urllib.request.urlopen(url, timeout=10) as response:
        body = json.load(response)
    if body.get("status") != "success":
        return "error: " + body.get("error", "?")
    result = body["data"]["result"]
    if body["data"]["resultType"] == "scalar":
        result = [{"value": result}]
    if not result:
        return "empty"
    values = [float(r["value"][1]) for r in result]
    if all(math.isnan(v) for v in values):
        return "NaN only"
    return None


def check(prometheus, deadline_seconds):
    queries = list(dashboard_queries()) + list(alert_queries())
    deadline = time.time() + deadline_seconds
    while True:
        failures = {name: (expr, problem) for name, expr in queries
                    if (problem := query(prometheus, expr))}
        if not failures or time.time() > deadline:
            break
        time.sleep(5)
    for name, expr in queries:
        print(("FAIL " + failures[name][1] if name in failures else "ok  ").ljust(14), name)
    for name, (expr, problem) in failures.items():
        print(f"\n{name}: {problem}\n  {expr}", file=sys.stderr)
    print(f"\n{len(queries) - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "dashboard-rules":
        write_dashboard_rules(sys.argv[2])
    elif command == "check":
        sys.exit(check(sys.argv[2], int(sys.argv[3])))
    elif command == "free-port":
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            print(s.getsockname()[1])
PY

echo "== promtool: alert rules, their unit tests, dashboard expressions"
promtool check rules deploy/prometheus/alerts.yml
promtool test rules deploy/prometheus/alerts.test.yml
"$python" "$work/queries.py" dashboard-rules "$work/dashboard-rules.yml"
promtool check rules "$work/dashboard-rules.yml"
if $lint_only; then
  exit 0
fi

echo "== Prometheus on loopback scraping $app_url"
scheme="${app_url%%://*}"
target="${app_url#*://}"
target="${target%%/*}"
port="$("$python" "$work/queries.py" free-port)"
cat > "$work/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  evaluation_interval: 2s
rule_files:
  - $PWD/deploy/prometheus/alerts.yml
scrape_configs:
  - job_name: mailroom
    scheme: $scheme
    metrics_path: /actuator/prometheus
    static_configs:
      - targets: ["$target"]
EOF
promtool check config "$work/prometheus.yml" >/dev/null
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$port" --log.level=warn >"$work/prometheus.log" 2>&1 &
prometheus_pid=$!
prometheus_url="http://127.0.0.1:$port"

wait_for() { # description, seconds, command...
  local description="$1" seconds="$2"; shift 2
  local end=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$end" ]; then
      echo "timed out waiting for $description" >&2
      cat "$work/prometheus.log" >&2
      exit 1
    fi
    sleep 1
  done
}
target_up() {
  "$python" - "$prometheus_url" <<'PY'
import json, sys, urllib.parse, urllib.request
url = sys.argv[1] + "/api/v1/query?" + urllib.parse.urlencode({"query": 'up{job="mailroom"} == 1'})
sys.exit(0 if json.load(urllib.request.urlopen(url, timeout=5))["data"]["result"] else 1)
PY
}
wait_for "Prometheus to start" 60 "$python" -c "import urllib.request; urllib.request.urlopen('$prometheus_url/-/ready', timeout=2)"
wait_for "Prometheus to scrape $app_url/actuator/prometheus" 60 target_up

if [ -n "$traffic_cmd" ]; then
  echo "== traffic: $traffic_cmd"
  PROMETHEUS_URL="$prometheus_url" APP_URL="$app_url" bash -c "$traffic_cmd"
fi
# Rates need two scrapes after the last event; gauges need one evaluation of the new state.
sleep 5

echo "== querying every dashboard and alert expression (up to ${timeout_seconds}s for data to appear)"
"$python" "$work/queries.py" check "$prometheus_url" "$timeout_seconds"
