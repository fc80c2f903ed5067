#!/usr/bin/env bash
# Installs what the notebooks need, skipping what is already there:
#   1. Jupyter from Debian's packages (notebook server, nbconvert, jupyter-client's kernelspec command);
#   2. the rapaio Java kernel (JShell-based) from Maven Central, fetched with Maven;
#   3. the kernelspec "phi4j": the kernel jar, kernel/KernelMain.java compiled against it (the kernel's start, with a
#      race fixed) and kernel/launch.sh, which starts it with the checkout's classpath and the --add-opens flags Spark
#      needs (see launch.sh). Registered for the user (~/.local/share/jupyter/kernels).
# The notebooks also need phi4j built (bin/phi4j builds on first use; `bin/phi4j --help` is enough).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

export PYDEVD_DISABLE_FILE_VALIDATION=1   # a debugger warning Debian's Jupyter commands print otherwise
kernel_version="3.0.1"   # io.github.padreati:rapaio-jupyter-kernel, the newest on Maven Central
kernel_name="phi4j"

# 1. Jupyter. jupyter-nbconvert and jupyter-client hold the `jupyter nbconvert` / `jupyter kernelspec` commands.
packages=(jupyter-notebook python3-nbconvert jupyter-nbconvert jupyter-client)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if (( ${#missing[@]} )); then
  echo "notebooks: installing ${missing[*]} (Debian)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. The kernel jar (self-contained: ZeroMQ, JShell glue, Maven resolver for its %dependency magic).
spec_dir="$(jupyter --data-dir)/kernels/$kernel_name"
jar="rapaio-jupyter-kernel-$kernel_version.jar"
if [[ ! -f "$spec_dir/$jar" ]]; then
  echo "notebooks: fetching io.github.padreati:rapaio-jupyter-kernel:$kernel_version (Maven Central)" >&2
  staging="$root/notebooks/target/kernelspec"
  rm -rf "$staging" && mkdir -p "$staging"
  # -N: only the parent pom, so the goal runs once and not in every module.
  (cd "$root" && mvn -B -q -N -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="io.github.padreati:rapaio-jupyter-kernel:$kernel_version" -DoutputDirectory="$staging")
  mkdir -p "$spec_dir"
  find "$spec_dir" -maxdepth 1 -name 'rapaio-jupyter-kernel-*.jar' -delete
  mv "$staging/$jar" "$spec_dir/$jar"
fi

# 3. The kernelspec: rewritten every time (cheap), so a changed launch.sh or version is picked up.
cp "$here/kernel/launch.sh" "$here/kernel/logging.properties" "$spec_dir/"
javac -nowarn -d "$spec_dir" -cp "$spec_dir/$jar" "$here/kernel/KernelMain.java"
cat >"$spec_dir/kernel.json" <<JSON
{
  "argv": ["bash", "{resource_dir}/launch.sh", "{resource_dir}/$jar", "{connection_file}"],
  "display_name": "Java (phi4j, rjk $kernel_version)",
  "language": "java",
  "interrupt_mode": "message",
  "env": {"RJK_COMPILER_OPTIONS": "", "RJK_TIMEOUT_MILLIS": "-1"}
}
JSON
echo "notebooks: kernel '$kernel_name' (rapaio-jupyter-kernel $kernel_version) in $spec_dir" >&2
