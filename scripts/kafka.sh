#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft, no ZooKeeper, no Docker) for development and CI, on 127.0.0.1:9092.
#   scripts/kafka.sh start   fetch the broker's jars once (Maven Central), format the store, start, wait until ready
#   scripts/kafka.sh stop    stop the broker started here
#   scripts/kafka.sh status  say whether it answers
# The jars and the data live outside git: PAKLOG_KAFKA_HOME (default ~/.cache/paklog/kafka-<version>).
set -euo pipefail

VERSION="${PAKLOG_KAFKA_VERSION:-4.1.1}"
HOME_DIR="${PAKLOG_KAFKA_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/paklog/kafka-$VERSION}"
PORT="${PAKLOG_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${PAKLOG_KAFKA_CONTROLLER_PORT:-9093}"
LIB="$HOME_DIR/lib"
DATA="$HOME_DIR/data-$PORT"
PID_FILE="$DATA/kafka.pid"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

fetch() {
  [ -f "$LIB/.complete" ] && return 0
  command -v mvn >/dev/null || { echo "kafka: Maven (mvn) is needed once to fetch the broker from Maven Central" >&2; exit 1; }
  command -v java >/dev/null || { echo "kafka: Java 17+ is needed to run the broker" >&2; exit 1; }
  mkdir -p "$HOME_DIR"
  cat > "$HOME_DIR/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.paklog</groupId><artifactId>kafka-broker</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-simple</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
POM
  echo "kafka: fetching Apache Kafka $VERSION from Maven Central into $LIB"
  rm -rf "$LIB"
  (cd "$HOME_DIR" && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$LIB")
  touch "$LIB/.complete"
}

configure() {
  mkdir -p "$DATA"
  cat > "$DATA/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA/logs
num.partitions=3
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
  if [ ! -f "$DATA/logs/meta.properties" ]; then
    local id
    id="$(java -cp "$LIB/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    java -cp "$LIB/*" kafka.tools.StorageTool format -t "$id" -c "$DATA/server.properties" >/dev/null 2>&1
  fi
}

start() {
  if port_open "$PORT"; then echo "kafka: already answering on 127.0.0.1:$PORT"; return 0; fi
  fetch
  configure
  nohup java -Xms256m -Xmx512m -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$LIB/*" kafka.Kafka "$DATA/server.properties" >"$DATA/kafka.log" 2>&1 &
  echo $! >"$PID_FILE"
  for _ in $(seq 1 120); do
    if port_open "$PORT"; then echo "kafka: ready on 127.0.0.1:$PORT (log: $DATA/kafka.log)"; return 0; fi
    if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then echo "kafka: the broker exited; see $DATA/kafka.log" >&2; tail -n 20 "$DATA/kafka.log" >&2; exit 1; fi
    sleep 0.5
  done
  echo "kafka: not answering on 127.0.0.1:$PORT after 60 s; see $DATA/kafka.log" >&2
  exit 1
}

stop() {
  if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    kill "$(cat "$PID_FILE")"
    for _ in $(seq 1 60); do kill -0 "$(cat "$PID_FILE")" 2>/dev/null || break; sleep 0.5; done
    rm -f "$PID_FILE"
    echo "kafka: stopped"
  else
    echo "kafka: not started by this script"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if port_open "$PORT"; then echo "kafka: answering on 127.0.0.1:$PORT"; else echo "kafka: not answering on 127.0.0.1:$PORT"; exit 1; fi ;;
  *) echo "usage: scripts/kafka.sh start|stop|status" >&2; exit 2 ;;
esac
