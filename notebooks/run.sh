#!/usr/bin/env bash
# Executes the notebooks headless, as CI does: each in a fresh kernel, every cell in order, into notebooks/target/
# (the notebooks in notebooks/ stay without outputs). Exits 1 if any cell of any notebook fails, printing the error.
#   notebooks/run.sh [NOTEBOOK...]        default: every notebooks/*.ipynb
# Needs notebooks/install.sh run once; builds phi4j if needed (bin/phi4j). The notebooks read runs/sample and
# runs/tiny (bin/phi4j reproduce configs/tiny.yaml; runs/tiny/eval from bin/phi4j eval --checkpoint runs/tiny)
# unless PHI4J_PIPELINE_RUN / PHI4J_RUNS name other runs.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
out="$here/target"

export PYDEVD_DISABLE_FILE_VALIDATION=1   # a debugger warning Debian's Jupyter commands print otherwise
if ! jupyter kernelspec list 2>/dev/null | grep -q '^ *phi4j '; then
  echo "notebooks: no 'phi4j' Jupyter kernel; run notebooks/install.sh first" >&2
  exit 1
fi
"$root/bin/phi4j" --help >/dev/null   # builds when missing or older than the sources; the kernel uses that build

notebooks=("$@")
(( ${#notebooks[@]} )) || notebooks=("$here"/*.ipynb)
mkdir -p "$out"
failed=0 passed=0
for nb in "${notebooks[@]}"; do
  name="$(basename "$nb" .ipynb)"
  log="$out/$name.log"
  start=$SECONDS
  rm -f "$out/$name.ipynb"   # nbconvert writes nothing when a cell fails: no stale result is left standing
  # startup_timeout: the kernel loads ~200 jars before it answers (5-15 s here, more on a loaded machine).
  if jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 \
      --ExecutePreprocessor.startup_timeout=180 --output-dir "$out" "$nb" >"$log" 2>&1; then
    echo "notebooks: $name ok in $((SECONDS - start)) s -> ${out#"$root"/}/$name.ipynb"
    passed=$((passed + 1))
  else
    # The kernel's start lists every jar it adds; leave those out of what is shown.
    grep -v -e '^Parsing classpath: ' -e '^Add .* to classpath' -e 'Handling message' "$log" | tail -n 60 >&2
    echo "notebooks: $name FAILED after $((SECONDS - start)) s; full log: ${log#"$root"/}" >&2
    failed=$((failed + 1))
  fi
done
echo "notebooks: $passed passed, $failed failed"
(( failed == 0 ))
