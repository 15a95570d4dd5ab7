#!/bin/sh
# Runs once, when the PostgreSQL data volume is first initialised (the official image
# runs /docker-entrypoint-initdb.d/* only on an empty data directory).
#
# One database per service, each owned by its own login role, so that a service can
# neither read nor change another service's data. Each role's password comes from the
# environment (<SERVICE>_DB_PASSWORD); see docker-compose.yml.
set -eu

for service in registration lottery notifications reporting; do
    variable="$(echo "$service" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD"
    password="$(printenv "$variable" || true)"
    if [ -z "$password" ]; then
        echo "postgres-init: $variable is not set" >&2
        exit 1
    fi
    echo "postgres-init: creating role and database '$service'"
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
        --set=name="$service" --set=password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name" ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
done
