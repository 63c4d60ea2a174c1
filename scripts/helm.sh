#!/usr/bin/env bash
# `helm template` and `helm lint` without a helm binary: Helm's own Go library as published on Maven Central by
# helm-java (com.marcnuri.helm-java:helm-java + its linux-amd64 native library), driven by scripts/helm/HelmCli.java
# on Java 17+. A real helm binary on the PATH is used instead when there is one (PAKLOG_HELM=java forces this one).
#   scripts/helm.sh template deploy/helm/paklog [-f values.yaml]... [--set key=value]... [--namespace ns]
#   scripts/helm.sh lint deploy/helm/paklog [--strict]
# The jars live outside git: PAKLOG_HELM_HOME (default ~/.cache/paklog/helm-java-<version>).
set -euo pipefail

VERSION="${PAKLOG_HELM_JAVA_VERSION:-0.0.21}"
HOME_DIR="${PAKLOG_HELM_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/paklog/helm-java-$VERSION}"
LIB="$HOME_DIR/lib"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ "${PAKLOG_HELM:-}" != "java" ] && command -v helm >/dev/null; then
  cmd="$1"; shift
  if [ "$cmd" = "template" ]; then exec helm template paklog "$@"; else exec helm "$cmd" "$@"; fi
fi

case "$(uname -m)" in
  x86_64|amd64) NATIVE=linux-amd64 ;;
  aarch64|arm64) NATIVE=linux-arm64 ;;
  *) echo "helm: no helm-java native library for $(uname -m); install helm" >&2; exit 1 ;;
esac

fetch() {
  [ -f "$LIB/.complete" ] && return 0
  command -v mvn >/dev/null || { echo "helm: Maven (mvn) is needed once to fetch helm-java from Maven Central (or install helm)" >&2; exit 1; }
  mkdir -p "$HOME_DIR"
  cat > "$HOME_DIR/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.paklog</groupId><artifactId>helm-java</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>com.marcnuri.helm-java</groupId><artifactId>helm-java</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>com.marcnuri.helm-java</groupId><artifactId>$NATIVE</artifactId><version>$VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-nop</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
POM
  echo "helm: fetching helm-java $VERSION from Maven Central into $LIB" >&2
  rm -rf "$LIB"
  (cd "$HOME_DIR" && mvn -q -B dependency:copy-dependencies -DoutputDirectory="$LIB" >&2)
  touch "$LIB/.complete"
}

command -v java >/dev/null || { echo "helm: Java 17+ is needed to run helm-java (or install helm)" >&2; exit 1; }
fetch
# Compiled once into the cache (a single-file source launch would compile on every call).
CLASSES="$HOME_DIR/classes"
if [ ! -f "$CLASSES/HelmCli.class" ] || [ "$HERE/helm/HelmCli.java" -nt "$CLASSES/HelmCli.class" ]; then
  mkdir -p "$CLASSES"
  javac -d "$CLASSES" -cp "$LIB/*" "$HERE/helm/HelmCli.java"
fi
exec java -Xss4m -cp "$CLASSES:$LIB/*" HelmCli "$@"
