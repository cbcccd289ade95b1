#!/usr/bin/env bash
# Endurance of the desk (issue 15): SOAK_CARDS cards (default 1000) with random faults, each put into
# "Virtual PCD 00 00" by `cccd emulate` through the real pcscd, read by ONE long-running `cccd watch` (or, with
# SOAK_TARGET=desk, one `cccd desk` driven through its HTTP contract). Checks that every card gives exactly one
# result, that the audit log holds exactly one entry per attempt with the same verdicts, and that the process's
# resident memory and open file descriptors stay flat; prints the figures.
#
#   flock /tmp/cccd-pcscd.lock ./scripts/soak-desk.sh            # SOAK_CARDS=200 SOAK_SEED=7 SOAK_TARGET=desk to vary
#   SOAK_WEIGHTS=0,1,0,0,0 (none, lifted, corrupted, garbage, wrong CAN) to choose the faults' mix
#
# Faults (seeded, SOAK_SEED): the card lifted at a random exchange and put back 0.3 s later (the read resumes), a
# response with a flipped byte (its MAC fails: the session is re-opened), a garbage response, a wrong CAN (the chip
# refuses it: retry). The cards are every PACE card of Vectors/cards (an expired one among them: reject; he-le-khue
# chains through the link certificate csca-a2-link.pem, which the soak trusts beside csca-a.pem). The
# data (log, saved cards) goes to a private temporary folder, removed at the end unless SOAK_KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."

# CCCD_BIN runs a given binary (a copy, so a rebuild during a long soak changes nothing).
if [ -z "${CCCD_BIN:-}" ]; then swift build --product cccd >&2; fi
bin="${CCCD_BIN:-$(swift build --show-bin-path)/cccd}"

started_pcscd=""
cleanup() { [ -n "$started_pcscd" ] && kill "$started_pcscd" 2>/dev/null || true; }
trap cleanup EXIT
if ! "$bin" readers >/dev/null 2>&1; then
  logdir="$(umask 077 && mktemp -d "${TMPDIR:-/tmp}/cccd-soak-pcscd.XXXXXX")"
  apdu=()
  [ "${CCCD_PCSCD_APDU:-0}" = 1 ] && apdu=(--apdu)
  (umask 077 && exec pcscd --foreground --debug "${apdu[@]}" >"$logdir/pcscd.log" 2>&1) &
  started_pcscd=$!
  for _ in $(seq 1 50); do "$bin" readers >/dev/null 2>&1 && break; sleep 0.2; done
fi

CCCD="$bin" python3 - "$@" <<'PYTHON'
import json, os, random, select, shutil, subprocess, sys, tempfile, time

os.umask(0o077)  # the soak's own files (the process's stderr, its data) hold citizens' data too
cccd = os.environ["CCCD"]
cards_total = int(os.environ.get("SOAK_CARDS", "1000"))
seed = int(os.environ.get("SOAK_SEED", "15"))
rng = random.Random(seed)
home = tempfile.mkdtemp(prefix="cccd-soak-")
env = dict(os.environ, XDG_DATA_HOME=home + "/data", XDG_CONFIG_HOME=home + "/config",
           CCCD_SYSTEM_CONFIG=home + "/none.toml")

cards = []
for name in sorted(os.listdir("Vectors/cards")):
    if not name.endswith(".json"):
        continue
    description = json.load(open("Vectors/cards/" + name))
    if "pace" not in description.get("chip", {}):
        continue  # the BAC-only card needs the MRZ, not a scanned QR or CAN
    ident = description["identity"]["personalIdNumber"]
    cards.append((name, description.get("qr") or ident))

def readers():
    out = subprocess.run([cccd, "readers", "--json"], capture_output=True, text=True, env=env).stdout
    try:
        return {r["name"]: r["cardPresent"] for r in json.loads(out)["readers"]}
    except Exception:
        return {}

def wait_reader(present, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if readers().get("Virtual PCD 00 00") == present:
            return True
        time.sleep(0.05)
    return False

def emulate(card, extra=()):
    return subprocess.Popen([cccd, "emulate", "--card", "Vectors/cards/" + card, "--port", "35963", "--once", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)

def sample(pid):
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return rss // 1024, len(os.listdir(f"/proc/{pid}/fd"))

if not wait_reader(False):
    sys.exit("soak: Virtual PCD 00 00 is not empty (another test holds it?)")
target = os.environ.get("SOAK_TARGET", "watch")
if target not in ("watch", "desk"):
    sys.exit("soak: SOAK_TARGET is watch or desk")
errlog = open(home + "/" + target + ".stderr", "w")
trust = ["--trust", "Vectors/pki/csca-a.pem", "--trust", "Vectors/pki/csca-a2-link.pem"]
if target == "watch":
    watch = subprocess.Popen([cccd, "watch", "--reader", "00 00", *trust, "--json", "--no-portrait",
                              "--card-timeout", "20"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errlog, env=env, text=True,
                             bufsize=1)
else:
    import http.client, re, socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    watch = subprocess.Popen([cccd, "desk", "--reader", "00 00", *trust,
                              "--listen", f"127.0.0.1:{port}", "--card-timeout", "20"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errlog, env=env)

    def desk_request(method, path, body=None, token=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {}
        if body is not None:
            headers = {"Content-Type": "application/json", "X-CCCD-Token": token,
                       "Origin": f"http://127.0.0.1:{port}"}
        connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, data

    token = None
    deadline = time.time() + 30
    while token is None and time.time() < deadline and watch.poll() is None:
        try:
            status, page = desk_request("GET", "/")
            found = re.search(rb'name="cccd-token" content="([^"]+)"', page)
            token = found.group(1).decode() if found else None
        except OSError:
            time.sleep(0.1)
    if token is None:
        sys.exit(f"soak: cccd desk did not start; stderr in {home}/desk.stderr")
    desk_attempt = 0

buffer = ""
def next_line(timeout=90):
    global buffer
    if target == "desk":
        return desk_result(timeout)
    deadline = time.time() + timeout
    while "\n" not in buffer:
        left = deadline - time.time()
        if left <= 0 or watch.poll() is not None:
            return None
        ready, _, _ = select.select([watch.stdout], [], [], left)
        if ready:
            chunk = os.read(watch.stdout.fileno(), 65536).decode()
            if not chunk:
                return None
            buffer += chunk
    line, buffer = buffer.split("\n", 1)
    return json.loads(line)

def desk_result(timeout):
    """The desk's judgement of the attempt just submitted, shaped like watch's line: the verdict, and the code of
    an attempt that ended before a card was judged."""
    deadline = time.time() + timeout
    while time.time() < deadline and watch.poll() is None:
        status, body = desk_request("GET", "/api/state")
        state = json.loads(body)
        if state.get("attempt") == desk_attempt and state.get("state") in ("awaiting-contact", "done", "error"):
            result = state.get("result") or {}
            if state["state"] == "error":
                reasons = result.get("reasons") or [{}]
                return {"schema": "cccd-error/1", "verdict": result.get("verdict"), "code": reasons[0].get("code")}
            return {"schema": "cccd-read/1", "verdict": result.get("verdict"), "reasons": result.get("reasons") or []}
        time.sleep(0.05)
    return None

def submit(text):
    global desk_attempt
    if target == "watch":
        watch.stdin.write(text + "\n")
        watch.stdin.flush()
        return
    status, body = desk_request("POST", "/api/input", {"text": text}, token)
    if status != 202:
        sys.exit(f"soak: the desk refused the input ({status}): {body[:200]!r}")
    desk_attempt += 1

faults = {"none": 0, "lifted-and-put-back": 0, "corrupted-response": 0, "garbage-response": 0, "wrong-can": 0}
# SOAK_WEIGHTS: the faults' relative weights in the order above (default 70,8,8,8,6); "0,1,0,0,0" lifts every card.
weights = [int(w) for w in os.environ.get("SOAK_WEIGHTS", "70,8,8,8,6").split(",")]
if len(weights) != len(faults) or min(weights) < 0 or sum(weights) == 0:
    sys.exit("soak: SOAK_WEIGHTS takes five non-negative weights, not all zero")
results = {}
by_card = {}
expected_entries = 0
samples = []
started = time.time()
for index in range(cards_total):
    card, secret = rng.choice(cards)
    fault = rng.choices(list(faults), weights=weights)[0]
    at = rng.randint(2, 40)
    faults[fault] += 1
    extra = {"lifted-and-put-back": ["--remove-at", str(at)], "corrupted-response": ["--corrupt-at", str(at)],
             "garbage-response": ["--garbage-at", str(at)]}.get(fault, [])
    chip = emulate(card, extra)
    submit("000000" if fault == "wrong-can" else secret)
    second = None
    if fault == "lifted-and-put-back":
        # The officer puts the card back: once the first chip has left the field, the same card again.
        deadline = time.time() + 30
        while chip.poll() is None and time.time() < deadline and "\n" not in buffer:
            time.sleep(0.02)
        if chip.poll() is not None:
            time.sleep(0.3)
            second = emulate(card)
    result = next_line()
    if result is None:
        sys.exit(f"soak: card {index} ({card}, {fault}) gave no result; stderr in {home}/{target}.stderr")
    expected_entries += 1
    key = result.get("verdict") or "none"
    key += "" if result.get("schema") == "cccd-read/1" else " (" + result.get("code", "?") + ")"
    results[key] = results.get(key, 0) + 1
    # What each card gave, by fault: a fault may make a card `retry`, never change its verdict.
    per_card = by_card.setdefault(card, {})
    outcome = key
    if result.get("verdict") == "reject" and result.get("schema") == "cccd-read/1":
        codes = sorted({r.get("code", "?") for r in result.get("reasons") or []})
        outcome += " [" + ",".join(codes) + "]"
    per_card.setdefault(fault, {}).setdefault(outcome, 0)
    per_card[fault][outcome] += 1
    for process in (chip, second):
        if process and process.poll() is None:
            process.kill()
        if process:
            process.wait()
    if not wait_reader(False):
        sys.exit(f"soak: the reader did not empty after card {index}")
    if index == 9 or (index + 1) % 50 == 0:
        samples.append((index + 1, *sample(watch.pid)))
    if (index + 1) % 100 == 0:
        print(f"soak: {index + 1} cards, {time.time() - started:.0f} s, rss {samples[-1][1]} MiB, fds {samples[-1][2]}",
              file=sys.stderr)
end_rss, end_fds = sample(watch.pid)
if target == "watch":
    watch.stdin.close()
    status = watch.wait(timeout=30)
    extra_output = watch.stdout.read().strip()
else:
    watch.send_signal(2)
    status = watch.wait(timeout=30)
    extra_output = ""
duration = time.time() - started

history = subprocess.run([cccd, "history", "--json"], capture_output=True, text=True, env=env)
entries = [json.loads(line) for line in history.stdout.splitlines() if line.strip()]
logged = {}
for entry in entries:
    key = entry["verdict"] or "none"
    key += "" if entry["error"] is None else " (" + entry["error"] + ")"
    logged[key] = logged.get(key, 0) + 1
saved = sum(1 for entry in entries if entry["saved"])

start_rss, start_fds = samples[0][1], samples[0][2]
report = {
    "target": target, "cards": cards_total, "seed": seed, "faults": faults, "results": dict(sorted(results.items())),
    "logEntries": len(entries), "logByVerdict": dict(sorted(logged.items())), "savedCards": saved,
    "rssMiB": {"start (card 10)": start_rss, "end": end_rss, "max": max(s[1] for s in samples + [(0, end_rss, 0)])},
    "fds": {"start (card 10)": start_fds, "end": end_fds, "max": max(s[2] for s in samples)},
    "samples (card, MiB, fds)": samples, "durationSeconds": round(duration), "exit": status,
    "byCard": by_card,
}
print(json.dumps(report, indent=2, ensure_ascii=False))
problems = []
if status != 0: problems.append(f"{target} exited {status}")
if extra_output: problems.append("watch printed more lines than cards")
if len(entries) != expected_entries: problems.append(f"{len(entries)} log entries for {expected_entries} attempts")
if logged != results: problems.append("the log's verdicts differ from the results printed")
if end_fds > start_fds: problems.append(f"open files grew from {start_fds} to {end_fds}")
if end_rss > start_rss + 64: problems.append(f"memory grew from {start_rss} to {end_rss} MiB")
# A glitch is not a clone (issue 12): whatever the fault, a card judged at all gets the verdict it gets without one.
for card, faults_seen in by_card.items():
    verdicts = {outcome.split(" ")[0] for outcomes in faults_seen.values() for outcome in outcomes
                if outcome.split(" ")[0] in ("accept", "reject") and " (" not in outcome}
    verdicts |= {outcome.split(" ")[0] for outcomes in faults_seen.values() for outcome in outcomes
                 if outcome.startswith("reject (")}
    if len(verdicts) > 1: problems.append(f"{card} was both accepted and rejected: {faults_seen}")
if os.environ.get("SOAK_KEEP") != "1":
    shutil.rmtree(home, ignore_errors=True)
else:
    print(f"soak: data kept in {home}", file=sys.stderr)
if problems:
    sys.exit("soak: FAILED: " + "; ".join(problems))
print("soak: passed", file=sys.stderr)
PYTHON
