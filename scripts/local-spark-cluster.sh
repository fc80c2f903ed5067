#!/usr/bin/env bash
# A Spark standalone cluster on this machine (a master and N workers, each a separate JVM, one core each) built from
# phi4j's own classpath, running one phi4j command as its driver and stopping when it ends. For measuring and trying
# distributed training without a Spark distribution; on a real cluster use its master URL instead.
#   scripts/local-spark-cluster.sh 2 bin/phi4j bench distributed --spark '$MASTER=2'
#   scripts/local-spark-cluster.sh 2 bin/phi4j train configs/tiny-pretrain.yaml --spark '$MASTER'
# '$MASTER' (quoted) is replaced by the cluster's spark://127.0.0.1:PORT. Logs: $PHI4J_CLUSTER_DIR (default a
# temporary directory). Executors reach the shards at the same local paths (one machine). Each executor gets a heap of
# $PHI4J_EXECUTOR_MEMORY (whole gigabytes, default 3g: parameter averaging of the small preset, 25-32M parameters,
# ships weights and both AdamW moments, 300-384 MB each way per round, which Spark copies twice more to send; 1g and
# 2g ran out of heap) and 4g more for ND4J's arrays (JavaCPP's maxphysicalbytes; with its default of several times
# the heap, two 3g executors and the driver of the small preset at context 1,024 outgrew this 24 GB machine).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
workers="${1:?usage: scripts/local-spark-cluster.sh WORKERS COMMAND...}"
shift
"$root/bin/phi4j" --version >/dev/null        # builds when needed
work="${PHI4J_CLUSTER_DIR:-$(mktemp -d /tmp/phi4j-spark-cluster.XXXXXX)}"
mkdir -p "$work/spark-home/jars"
classpath="$root/cli/target/classes:$(cat "$root/cli/target/runtime-classpath.txt")"
phi4j_classes=()
IFS=: read -r -a entries <<<"$classpath"
for entry in "${entries[@]}"; do
  case "$entry" in
    "$root"/* | */phi4j-*) phi4j_classes+=("$entry") ;;
    *.jar) ln -sf "$entry" "$work/spark-home/jars/$(basename "$entry")" ;;
  esac
done
read -r -a opens <"$root/cli/target/classes/jvm-options.txt"
export SPARK_HOME="$work/spark-home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1 SPARK_LOCAL_DIRS="$work/local"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
executor_memory="${PHI4J_EXECUTOR_MEMORY:-3g}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
await_port() {
  for _ in $(seq 240); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.5; done
  echo "$2 did not open port $1; see $work" >&2; return 1
}
pids=()
cleanup() { for pid in "${pids[@]}"; do pkill -P "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

port="$(free_port)"
master="spark://127.0.0.1:$port"
java "${opens[@]}" -Xmx512m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.master.Master --host 127.0.0.1 \
  --port "$port" --webui-port "$(free_port)" >"$work/master.log" 2>&1 &
pids+=($!)
await_port "$port" "the Spark master"
for i in $(seq "$workers"); do
  wport="$(free_port)"
  java "${opens[@]}" -Xmx512m -cp "$SPARK_HOME/jars/*" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 \
    --port "$wport" --webui-port "$(free_port)" --cores 1 --memory "$(( ${executor_memory%g} + 1 ))g" --work-dir "$work/worker-$i" "$master" \
    >"$work/worker-$i.log" 2>&1 &
  pids+=($!)
  await_port "$wport" "Spark worker $i"
done
echo "cluster: $master, $workers worker(s), logs in $work" >&2

export PHI4J_JAVA_OPTS="${PHI4J_JAVA_OPTS:-} -Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1 \
-Dspark.executor.memory=$executor_memory -Dspark.cores.max=$workers -Dspark.executorEnv.OMP_NUM_THREADS=$OMP_NUM_THREADS \
-Dspark.executor.extraJavaOptions=-Dorg.bytedeco.javacpp.maxphysicalbytes=$(( ${executor_memory%g} + 4 ))g \
-Dspark.executor.extraClassPath=$(IFS=:; echo "${phi4j_classes[*]}")"
args=()
for arg in "$@"; do args+=("${arg//\$MASTER/$master}"); done
"${args[@]}"
