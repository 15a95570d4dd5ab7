#!/bin/sh
# Creates mitwirken's topics and their dead-letter topics (<topic>.dlq) on Apache Kafka,
# and (re)applies their settings. Safe to run again: docker compose runs it before every
# start of the services (service "kafka-init").
#
# Partition counts are never changed here: the district is the partition key, and more
# partitions would move districts to other partitions and break the per-district order
# the services rely on (see deploy/README.md). A topic whose partition count differs
# from the configured one stops this script with an error.
#
# Settings, all required (docker-compose.yml sets them):
#   BOOTSTRAP_SERVERS  host:port,...      TOPICS        space-separated topic names
#   PARTITIONS         of each topic      DLQ_PARTITIONS  of each dead-letter topic
#   REPLICATION_FACTOR                    MIN_INSYNC_REPLICAS
#   RETENTION_MS       of each topic      DLQ_RETENTION_MS
set -eu

: "${BOOTSTRAP_SERVERS:?}" "${TOPICS:?}" "${PARTITIONS:?}" "${DLQ_PARTITIONS:?}"
: "${REPLICATION_FACTOR:?}" "${MIN_INSYNC_REPLICAS:?}" "${RETENTION_MS:?}" "${DLQ_RETENTION_MS:?}"

bin=/opt/kafka/bin

ensure_topic() {
    topic=$1 partitions=$2 retention_ms=$3
    settings="min.insync.replicas=$MIN_INSYNC_REPLICAS,retention.ms=$retention_ms"
    settings="$settings,cleanup.policy=delete,unclean.leader.election.enable=false"

    "$bin/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP_SERVERS" --create --if-not-exists \
        --topic "$topic" --partitions "$partitions" --replication-factor "$REPLICATION_FACTOR" \
        --config "min.insync.replicas=$MIN_INSYNC_REPLICAS" \
        --config "retention.ms=$retention_ms" \
        --config cleanup.policy=delete \
        --config unclean.leader.election.enable=false

    # An existing topic keeps its partitions but gets the current settings.
    "$bin/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP_SERVERS" --alter \
        --entity-type topics --entity-name "$topic" --add-config "$settings"

    actual=$("$bin/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP_SERVERS" --describe \
        --topic "$topic" | sed -n 's/.*PartitionCount: *\([0-9][0-9]*\).*/\1/p' | head -n 1)
    if [ "$actual" != "$partitions" ]; then
        echo "kafka-init: $topic has $actual partitions, configured are $partitions;" \
            "changing the partition count of an existing topic breaks the per-district" \
            "order (see deploy/README.md)" >&2
        exit 1
    fi
    echo "kafka-init: $topic ok ($partitions partitions, replication $REPLICATION_FACTOR)"
}

for topic in $TOPICS; do
    ensure_topic "$topic" "$PARTITIONS" "$RETENTION_MS"
    ensure_topic "$topic.dlq" "$DLQ_PARTITIONS" "$DLQ_RETENTION_MS"
done
echo "kafka-init: all topics ready"
