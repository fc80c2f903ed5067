#!/usr/bin/env bash
# Starts the rapaio Java kernel for a notebook of a phi4j checkout. install.sh copies this file and logging.properties
# into the kernelspec folder beside the kernel jar and KernelMain.class; kernel.json runs it as `launch.sh KERNEL_JAR {connection_file}`.
#
# Jupyter starts a kernel in the notebook's folder, so the checkout is found from there (walking up to the folder
# holding bin/phi4j), or from PHI4J_ROOT. The kernel then gets what bin/phi4j gives the CLI:
#   - the --add-opens flags Spark needs on Java 17, read from cli/target/classes/jvm-options.txt (kept once in pom.xml);
#   - the project's classes and every runtime dependency: cli/target/classes and cli/target/runtime-classpath.txt
#     (written by the build), passed as RJK_CLASSPATH, which the kernel adds to its JShell class path at start.
# One kernelspec thus serves every checkout and worktree, each with its own build.
set -euo pipefail
kernel_jar="$1"; shift

root="${PHI4J_ROOT:-}"
if [[ -z "$root" ]]; then
  dir="$PWD"
  while [[ "$dir" != / && ! ( -x "$dir/bin/phi4j" && -f "$dir/pom.xml" ) ]]; do dir="$(dirname "$dir")"; done
  [[ "$dir" != / ]] && root="$dir"
fi
if [[ -z "$root" ]]; then
  echo "phi4j kernel: no phi4j checkout above $PWD; open the notebook inside one or set PHI4J_ROOT" >&2
  exit 1
fi
classpath_file="$root/cli/target/runtime-classpath.txt"
options_file="$root/cli/target/classes/jvm-options.txt"
if [[ ! -f "$classpath_file" || ! -f "$options_file" ]]; then
  echo "phi4j kernel: $root is not built; run bin/phi4j --help there once (it builds), then restart the kernel" >&2
  exit 1
fi

java_bin="java"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java_bin="$JAVA_HOME/bin/java"; fi

read -r -a jvm_flags <"$options_file"
# RJK_CLASSPATH separates entries with ';'. cli/target/classes first: it holds the CLI's quiet log4j2.properties.
RJK_CLASSPATH="$root/cli/target/classes;$(tr ':' ';' <"$classpath_file")"
# Notebooks run Spark on local masters: bind to the loopback (Spark warns when the hostname resolves there).
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export RJK_CLASSPATH PHI4J_ROOT="$root"
# KernelMain (compiled here by install.sh) starts the kernel and reads logging.properties from this folder.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck disable=SC2086
exec "$java_bin" "${jvm_flags[@]}" ${PHI4J_JAVA_OPTS:-} -cp "$here:$kernel_jar" KernelMain "$@"
