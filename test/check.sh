#!/usr/bin/env bash
# make check: typecheck, lint, unit tests, then the end-to-end suites against the local lab and the NUMA lab,
# each brought up and taken down again (also when a test fails; KEEP_LAB=1 leaves them running). Every suite runs even when an
# earlier one failed. The last line is the total of every suite: "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
RESULTS=$(mktemp -d)
trap 'rm -rf "$RESULTS"' EXIT
# CI ends a run after 90 minutes, summary or not: every suite gets only what is left of CHECK_BUDGET_MIN (a run cut
# short still ends with its total, the suite that ran out counted as failed and named), and each line of the
# summary says how long its part took
BUDGET=$(( ${CHECK_BUDGET_MIN:-82} * 60 ))
left() { echo $(( BUDGET - SECONDS )); }
mins() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

# the toolchain first: a fresh Debian machine has Node.js but not the project's modules
[ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund
# Debian's Ansible: the unit tests check exported playbooks with it, the NUMA suite runs one against the lab
bash packaging/tools.sh ansible-core ansible-lint || echo "Ansible did not install: the playbook tests will fail"

step() { # NAME COMMAND...: a check that is one pass or one failure
    local name=$1 t0=$SECONDS; shift
    echo "=== $name (at $(mins $SECONDS))"
    if "$@"; then echo "pass 1 0 0 $((SECONDS - t0))" > "$RESULTS/$name"; echo "$name: passed"
    else echo "pass 0 1 0 $((SECONDS - t0))" > "$RESULTS/$name"; echo "$name: FAILED"; fi
}

unrun() { echo "pass 0 1 0 0" > "$RESULTS/$1"; } # NAME: a suite that did not run, one failure

suite() { # NAME CONFIG-ARGS...: a vitest suite, counted test by test from its JSON report, within the budget
    local name=$1 t0=$SECONDS limit=$(( $(left) - RESERVE )); shift
    echo "=== $name (at $(mins $SECONDS), $(mins $((limit > 0 ? limit : 0))) left for it)"
    if [ "$limit" -lt 60 ]; then
        echo "$name: did not run, the time budget of make check is spent"
        unrun "$name"; return
    fi
    timeout -k 20 "$limit" npx vitest run "$@" --reporter=default --reporter=json --outputFile.json="$RESULTS/$name.json"
    [ $? = 124 ] && echo "$name: stopped after $(mins "$limit"), the time budget of make check; the tests not finished count as one failure"
    node -e '
        const fs = require("fs");
        const [file, out, name, secs] = process.argv.slice(1);
        let p = 0, f = 1, s = 0;
        try {
            const r = JSON.parse(fs.readFileSync(file, "utf8"));
            p = r.numPassedTests; f = r.numFailedTests + (r.numFailedTestSuites && !r.numFailedTests ? r.numFailedTestSuites : 0);
            s = r.numPendingTests + r.numTodoTests;
            // the names of the failed tests and the first line of why, for the summary (CI shows only the end of the log)
            const failed = r.testResults.flatMap(file => file.assertionResults.filter(t => t.status === "failed").map(t =>
                `${name}: FAILED ${t.fullName}: ${String(t.failureMessages?.[0] ?? "").split("\n")[0].slice(0, 300)}`));
            if (!r.numFailedTests) failed.push(...r.testResults.filter(file => file.status === "failed" && file.message)
                .map(file => `${name}: FAILED ${file.name}: ${file.message.split("\n")[0].slice(0, 300)}`));
            if (failed.length) fs.writeFileSync(out + ".failed", failed.join("\n") + "\n");
        } catch { console.log(name + ": no report (the suite did not run)") }
        fs.writeFileSync(out, `pass ${p} ${f} ${s} ${secs}\n`);
        console.log(`${name}: ${p} passed, ${f} failed, ${s} skipped`);
    ' "$RESULTS/$name.json" "$RESULTS/$name" "$name" "$((SECONDS - t0))"
}
# what a suite leaves for the rest: the labs' take-down and the summary (and, before the NUMA suites, their boots)
RESERVE=120

# the NUMA lab's disk images, Debian 12 and 13, build (when missing or changed) while the first suites run: mostly
# downloads, one after the other
NUMA_IMAGE_LOG=$(mktemp)
{ NUMA_LAB_IMAGE_ONLY=1 NUMA_LAB_DEBIAN=12 bash test/numa-lab/up.sh && NUMA_LAB_IMAGE_ONLY=1 NUMA_LAB_DEBIAN=13 bash test/numa-lab/up.sh; } > "$NUMA_IMAGE_LOG" 2>&1 &
numa_image_pid=$!

step typecheck npx tsc --noEmit -p .
step lint npx eslint src test po build.js
step build node build.js
step translations node po/extract.mjs --check
suite unit

# the release tarball twice (the same sha256), the Debian and RPM packages from it with their linters; the NUMA
# labs then install the .deb
t0=$SECONDS
echo "=== packages (at $(mins $SECONDS))"
bash packaging/check.sh 2>&1 | tee "$RESULTS/packages.log"
read -r p f < <(sed -n 's/^packages: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$RESULTS/packages.log" | tail -1)
echo "pass ${p:-0} ${f:-1} 0 $((SECONDS - t0))" > "$RESULTS/packages"
rm -f "$RESULTS/packages.log"

# a lab's set-up and take-down, timed for the summary: a set-up gets what the budget has left (setup_limit), a
# take-down always runs whole (DOWN_LIMIT), so that a run out of time leaves no lab behind
setup_limit() { echo $(( $(left) > 60 ? $(left) - 60 : 1 )); }
DOWN_LIMIT=600
timed() { # LABEL SECONDS COMMAND...
    local label=$1 limit=$2 t0=$SECONDS rc; shift 2
    timeout -k 20 "$limit" "$@"; rc=$?
    echo "$label $((SECONDS - t0))" >> "$RESULTS/times.txt"
    return $rc
}

echo "=== lab (at $(mins $SECONDS))"
if timed lab-up "$(setup_limit)" bash test/lab/up.sh; then
    suite e2e --config test/e2e/vitest.config.ts
else
    echo "lab: FAILED to come up; the end-to-end suite did not run"
    unrun e2e
fi
if [ "${KEEP_LAB:-0}" != 1 ]; then
    timed lab-down "$DOWN_LIMIT" bash test/lab/down.sh || echo "lab-down reported a problem"
fi

echo "=== NUMA lab (at $(mins $SECONDS))"
# (the images build in the background: waited for within the budget too)
t0=$SECONDS
while kill -0 "$numa_image_pid" 2>/dev/null && [ "$(left)" -gt "$RESERVE" ]; do sleep 5; done
if kill -0 "$numa_image_pid" 2>/dev/null; then
    echo "NUMA lab: its images were still building when the time budget ran out"; kill "$numa_image_pid"; image_rc=1
else
    wait "$numa_image_pid"; image_rc=$?
fi
echo "numa-images $((SECONDS - t0))" >> "$RESULTS/times.txt"
cat "$NUMA_IMAGE_LOG"; rm -f "$NUMA_IMAGE_LOG"
numa_up() { # DEBIAN: the NUMA lab up. Its output goes to a file, shown after (a pipe would wait for the shared ssh
    # connection's master, which outlives the script and keeps what it was started with); its last lines say why it failed
    local rc
    timed "numa-$1-up" "$(setup_limit)" bash test/numa-lab/up.sh > "$RESULTS/numa-up.log" 2>&1; rc=$?
    cat "$RESULTS/numa-up.log"
    [ $rc = 0 ] || why="exit $rc: $(tail -n 3 "$RESULTS/numa-up.log" | tr '\n\t' '  ' | cut -c1-400)"
    return $rc
}
numa_up_again() { # DEBIAN: a lab that failed to come up (an emulated machine on a loaded host) taken down and
    # tried once more, when the budget allows; the summary says so
    echo "NUMA lab (Debian $1): FAILED to come up ($why)"
    timed "numa-$1-down" "$DOWN_LIMIT" bash test/numa-lab/down.sh
    if [ "$(left)" -lt $((RESERVE + 600)) ]; then why="$why; not tried again, too little time left"; return 1; fi
    echo "NUMA lab (Debian $1): taken down, trying once more"
    echo "numa-$1-up: failed once and was tried again: $why" >> "$RESULTS/notes.txt"
    numa_up "$1"
}
numa_suite() { # NAME DEBIAN SUITE: the NUMA lab of that generation up, its suite (whole or small), down again
    local name=$1 why=
    export NUMA_LAB_DEBIAN=$2 NUMA_LAB_SUITE=$3
    if [ "$(left)" -lt $((RESERVE + 600)) ]; then
        echo "NUMA lab (Debian $2): not booted, $(mins "$(left)") left of the time budget of make check"
        unrun "$name"
    elif [ "$image_rc" != 0 ]; then
        echo "NUMA lab (Debian $2): its image did not build (its log is above); its end-to-end suite did not run"
        echo "$name: FAILED the NUMA lab's image did not build" > "$RESULTS/$name.failed"
        unrun "$name"
    elif numa_up "$2" || numa_up_again "$2"; then
        suite "$name" --config test/e2e-numa/vitest.config.ts
    else
        echo "NUMA lab (Debian $2): FAILED to come up; its end-to-end suite did not run"
        echo "$name: FAILED the NUMA lab (Debian $2) did not come up: $why" > "$RESULTS/$name.failed"
        unrun "$name"
    fi
    if [ "${KEEP_LAB:-0}" != 1 ] || [ "$3" = whole ]; then
        timed "numa-$2-down" "$DOWN_LIMIT" bash test/numa-lab/down.sh || echo "numa-lab-down reported a problem"
    fi
    unset NUMA_LAB_DEBIAN NUMA_LAB_SUITE
}
# the whole suite on Debian 13, the smaller one on Debian 12 (one lab at a time: each wants most of the machine).
# Under emulation the Debian 13 lab runs the suite about four times faster than Debian 12's, so the whole one runs there.
numa_suite e2e-numa-13 13 whole
numa_suite e2e-numa-12 12 small

echo "=== summary"
passed=0 failed=0 skipped=0
for f in "$RESULTS"/*; do
    case "$f" in *.json|*.txt|*.failed|*.log) continue;; esac
    read -r _ p fl s secs < "$f"
    printf '%-12s %s passed, %s failed, %s skipped (%s)\n' "$(basename "$f")" "$p" "$fl" "$s" "$(mins "${secs:-0}")"
    passed=$((passed + p)) failed=$((failed + fl)) skipped=$((skipped + s))
done
cat "$RESULTS"/*.failed "$RESULTS/notes.txt" 2>/dev/null
[ -f "$RESULTS/times.txt" ] && echo "set-up and take-down: $(while read -r l t; do printf '%s %s  ' "$l" "$(mins "$t")"; done < "$RESULTS/times.txt")"
echo "make check took $(mins $SECONDS)"
mkdir -p test-results
echo "$passed passed, $failed failed, $skipped skipped" | tee test-results/summary.txt
[ "$failed" -eq 0 ]
