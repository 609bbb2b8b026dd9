#!/usr/bin/env bash
# Finds Temporal's time-skipping test server, installing it into the project's .tools/ when
# missing, and prints the path of an executable the SDK can start with
# `TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } })`
# (nothing else on stdout; the SDK runs it as `PATH <port> [extra args]`).
#
# Why not the SDK's own download: it fetches a native build from temporal.download, which CI
# and offline machines cannot reach. That native build is the Java test server
# (io.temporal:temporal-test-server) compiled with GraalVM; the same server from Maven Central,
# run by a JVM, speaks the same TestService protocol. So: the pinned jars below (the runtime
# classpath Maven resolves for temporal-test-server, each checked against a pinned sha256) and
# a launcher script that runs them with `java` (Debian: openjdk-17-jre-headless, in
# scripts/install-system-packages.sh).
#
# Order: $TEMPORAL_TEST_SERVER if set (a native build, or any launcher taking the port first);
# one installed in .tools/; else download from $MAVEN_REPOSITORY_URL (a mirror) or Maven
# Central (~38 MB, seconds).
#
# To move to another version: resolve its runtime classpath once (a throwaway pom.xml with the
# one dependency, then `mvn dependency:list -DincludeScope=runtime` and
# `mvn dependency:copy-dependencies -DincludeScope=runtime`), and pin every jar with its sha256.
set -euo pipefail

version=1.38.0
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools"
home="$tools/temporal-test-server-$version"
launcher="$home/temporal-test-server"
repository="${MAVEN_REPOSITORY_URL:-https://repo1.maven.org/maven2}"

# group:artifact:version sha256 — the runtime classpath of io.temporal:temporal-test-server.
jars=(
  "com.cronutils:cron-utils:9.2.1 02af0e8b2fe93c9fa6eecf97b53b39faae14c5b996356edb132e9fe620013744"
  "com.fasterxml.jackson.core:jackson-annotations:2.15.4 f204ebbd552614a22b8531ffe350d47f8fd42c45bb60517c07974dc27a5a1dd3"
  "com.fasterxml.jackson.core:jackson-core:2.15.4 8dc9210dd285db366f45f518dd1e6a9ccfeb0f1a8e184a899fe96d29edf1fd94"
  "com.fasterxml.jackson.core:jackson-databind:2.15.4 0f99ff7719eef3ee85608b3dee6ecf3c698003fe9d6e34eabbfabccdc9b5ac2c"
  "com.fasterxml.jackson.datatype:jackson-datatype-jdk8:2.15.4 3efb9d55b62f50e64b11fe00625800285fef8781736b80bd206677fb56040aac"
  "com.fasterxml.jackson.datatype:jackson-datatype-jsr310:2.15.4 472498cbba2726012ff82f86fc8feef9593663bda1a695a17db804a63fa733ff"
  "com.google.android:annotations:4.1.1.4 ba734e1e84c09d615af6a09d33034b4f0442f8772dec120efb376d86a565ae15"
  "com.google.api.grpc:proto-google-common-protos:2.59.2 9407f50aef5d1cb12675c170fa64ee216023eefca49f8f5eac45124f23a6cb29"
  "com.google.code.findbugs:jsr305:3.0.2 766ad2a0783f2687962c8ad74ceecc38a28b9f72a2d085ee438b7813e928d0c7"
  "com.google.code.gson:gson:2.10.1 4241c14a7727c34feea6507ec801318a3d4a90f070e4525681079fb94ee4c593"
  "com.google.errorprone:error_prone_annotations:2.36.0 77440e270b0bc9a249903c5a076c36a722c4886ca4f42675f2903a1c53ed61a5"
  "com.google.guava:failureaccess:1.0.3 cbfc3906b19b8f55dd7cfd6dfe0aa4532e834250d7f080bd8d211a3e246b59cb"
  "com.google.guava:guava:33.4.8-android a1f8a4bafe5a77232d333356843e194599b30837574a7f4be1063daaaaab102c"
  "com.google.guava:listenablefuture:9999.0-empty-to-avoid-conflict-with-guava b372a037d4230aa57fbeffdef30fd6123f9c0c2db85d0aced00c91b974f33f99"
  "com.google.j2objc:j2objc-annotations:3.0.0 88241573467ddca44ffd4d74aa04c2bbfd11bf7c17e0c342c94c9de7a70a7c64"
  "com.google.protobuf:protobuf-java-util:3.25.8 e7196eaefc3f81afa1571821635c7aefe2933f4be4a9df9e601fb59214b50269"
  "com.google.protobuf:protobuf-java:3.25.8 72bdb32eb38cafb7dcd288262c29a34d57cba2e19101af9685155ba8c0a56008"
  "com.uber.m3:tally-core:0.13.0 b3ccc572be36be91c47447c7778bc141a74591279cdb40224882e8ac8271b58b"
  "io.grpc:grpc-api:1.76.0 13ce42c59871a04a7340f01e1dbd879fefa04811878cfd68864596321f555ed3"
  "io.grpc:grpc-context:1.76.0 3b4eb9ca65fe5cd98b2665f9b355158fac5a048708626b5b68dc66c43fb820d3"
  "io.grpc:grpc-core:1.76.0 00926861e7dcd9ce993a3ed3cb6f55b104c0a3ad0dad2cdde8680d1bcbd100b6"
  "io.grpc:grpc-inprocess:1.76.0 cb1f0095ab7f2603508433554ec7bd9602bbe0e3340ade262c58e911cb8ccc63"
  "io.grpc:grpc-netty-shaded:1.76.0 196ef71498808fbd81555af0c5b00e0f6e8263d8e6d2bc115d36239088876328"
  "io.grpc:grpc-protobuf-lite:1.76.0 5fb276bfc4974182888e11c1c0115d9d01cb970a39fc75c8c73695d3da13d878"
  "io.grpc:grpc-protobuf:1.76.0 52a004da0065d39601257ded13c40e0e4dfcf74db1c55a9bf7932a88fc384809"
  "io.grpc:grpc-services:1.76.0 64ed014542d83664b401faed38d6b32cbd624234481c71a7277c777937c0e902"
  "io.grpc:grpc-stub:1.76.0 e8d2fb3f6a75c8052c16173072111cb5140c8a0ad054a0c43188e0d1da162de6"
  "io.grpc:grpc-util:1.76.0 f342c19c9dc3ac9235a0b5d564834b326b375831373d5a9f87b2b5362553b17e"
  "io.micrometer:micrometer-core:1.9.9 ddec1c877a32dcf4f5e6cab5efc22707975d1d7e0fb780bcffe505384c52070c"
  "io.nexusrpc:nexus-sdk:0.5.0-alpha 0619e8f4559b17bdc3610a4aeb9b961e414b3642ca15fcf1c9e3aed14b573175"
  "io.perfmark:perfmark-api:0.27.0 c7b478503ec524e55df19b424d46d27c8a68aeb801664fadd4f069b71f52d0f6"
  "io.temporal:temporal-sdk:$version 4d0ed300118b9dcc1251a5ab6ced503e3ca35ac8c95a4b47500b98fc20a645d0"
  "io.temporal:temporal-serviceclient:$version 3a2b014541a0799fb182f3ae3b01ce0a5d706a70b57ee933ed4e702d7085e1c8"
  "io.temporal:temporal-test-server:$version c6c813bbee46dcdc9df5a018fe6ed4caaf79b0c3c9511a3dd6275232a6d8538e"
  "org.codehaus.mojo:animal-sniffer-annotations:1.24 c720e6e5bcbe6b2f48ded75a47bccdb763eede79d14330102e0d352e3d89ed92"
  "org.hdrhistogram:HdrHistogram:2.1.12 9b47fbae444feaac4b7e04f0ea294569e4bc282bc69d8c2ce2ac3f23577281e2"
  "org.jspecify:jspecify:1.0.0 1fad6e6be7557781e4d33729d49ae1cdc8fdda6fe477bb0cc68ce351eafdfbab"
  "org.latencyutils:LatencyUtils:2.0.3 a32a9ffa06b2f4e01c5360f8f9df7bc5d9454a5d373cd8f361347fa5a57165ec"
  "org.slf4j:slf4j-api:1.7.36 d3ef575e3e4979678dc01bf1dcce51021493b4d11fb7f1be8ad982877c16a1c0"
  # Not a dependency: a logging binding that discards, instead of SLF4J's three-line warning on
  # every start that no binding is on the classpath.
  "org.slf4j:slf4j-nop:1.7.36 c214958b07816cb4412b30c7bdbd4308ffdc6ba2a83767b8f3a9229cbd9274d6"
)

say() { echo "ensure-temporal-test-server: $*" >&2; }

if [[ -n "${TEMPORAL_TEST_SERVER:-}" ]]; then
  [[ -x "$TEMPORAL_TEST_SERVER" ]] || { say "TEMPORAL_TEST_SERVER=$TEMPORAL_TEST_SERVER is not an executable file"; exit 1; }
  echo "$TEMPORAL_TEST_SERVER"
  exit 0
fi
# The launcher and the list of jars it runs are written last: when they are there and the list
# is this one, every jar is.
installed() {
  [[ -x "$launcher" && "$(cat "$home/jars.txt" 2>/dev/null)" == "$(printf '%s\n' "${jars[@]}")" ]]
}
print_if_installed() { installed && echo "$launcher"; }
print_if_installed && exit 0
command -v java >/dev/null || { say "java not found: install a JRE (Debian: openjdk-17-jre-headless)"; exit 1; }
command -v python3 >/dev/null || { say "python3 not found (it downloads and checks the jars)"; exit 1; }

mkdir -p "$home/lib"
# Parallel callers (test files) install once: the others wait on the lock.
exec 9>"$tools/.temporal-test-server-install.lock"
command -v flock >/dev/null && flock 9
print_if_installed && exit 0

say "downloading Temporal's Java test server $version (${#jars[@]} jars) from $repository (~38 MB)"
# One process for every jar (standard library only); each is written only when its sha256 is
# the pinned one, so a mirror cannot hand us other code. Jars already there are checked too.
printf '%s\n' "${jars[@]}" | python3 -c '
import hashlib, os, sys, urllib.request
repository, lib = sys.argv[1].rstrip("/"), sys.argv[2]
lines = sys.stdin.read().split("\n")
wanted = set()
for line in filter(None, lines):
    coordinates, sha256 = line.split()
    group, artifact, version = coordinates.split(":")
    name = f"{artifact}-{version}.jar"
    wanted.add(name)
    dest = os.path.join(lib, name)
    if os.path.exists(dest) and hashlib.sha256(open(dest, "rb").read()).hexdigest() == sha256:
        continue
    group_path = group.replace(".", "/")
    url = f"{repository}/{group_path}/{artifact}/{version}/{name}"
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            body = response.read()
    except OSError as error:  # URLError is an OSError
        sys.exit(f"{url}: {error}")
    got = hashlib.sha256(body).hexdigest()
    if got != sha256:
        sys.exit(f"{url}: sha256 {got} differs from the pinned {sha256}")
    with open(dest + ".partial", "wb") as out:
        out.write(body)
    os.replace(dest + ".partial", dest)
# The launcher puts lib/* on the classpath: no jar of an older list may stay there.
for name in set(os.listdir(lib)) - wanted:
    os.remove(os.path.join(lib, name))
' "$repository" "$home/lib" || { say "could not download the test server's jars"; exit 1; }

# The SDK gives the server 5 s to listen. A JVM loading this classpath takes 1 s on an idle
# machine and 4-8 s on a loaded one (2 cores, load 16); with an archive of the classes it
# loads (class data sharing, dumped below by one start) it takes about 1 s either way. C1
# only and the serial collector: a test server lives for one test file on a small machine.
classpath="$(printf '%s\n' "${jars[@]}" | awk -v lib="$home/lib" '{ split($1, c, ":"); printf "%s%s/%s-%s.jar", (NR > 1 ? ":" : ""), lib, c[2], c[3] }')"
java_options=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$classpath" io.temporal.testserver.TestServer)
archive="$home/classes.jsa"
dump_class_archive() {
  local port server deadline=$((SECONDS + 120))
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  rm -f "$archive"
  java -XX:ArchiveClassesAtExit="$archive" "${java_options[@]}" "$port" >/dev/null 2>&1 &
  server=$!
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    if ((SECONDS > deadline)) || ! kill -0 "$server" 2>/dev/null; then
      kill "$server" 2>/dev/null
      return 1
    fi
    sleep 0.2
  done
  kill "$server" && wait "$server" # the archive is written as the JVM exits
  [[ -s $archive ]]
}
if dump_class_archive; then
  archive_option="-XX:SharedArchiveFile=$archive"
else
  say "could not dump a class archive: the server will start more slowly"
  archive_option="-Xshare:auto"
fi
{
  echo '#!/bin/sh'
  echo '# Temporal'"'"'s time-skipping test server (Java build): temporal-test-server PORT [ARGS]'
  echo '# Written by scripts/ensure-temporal-test-server.sh.'
  printf 'exec java %q' "$archive_option"
  printf ' %q' "${java_options[@]}"
  echo ' "$@"'
} >"$launcher.partial"
chmod +x "$launcher.partial"
mv "$launcher.partial" "$launcher"
printf '%s\n' "${jars[@]}" >"$home/jars.txt"
say "installed in $home"
echo "$launcher"
