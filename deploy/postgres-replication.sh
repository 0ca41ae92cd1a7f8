#!/bin/bash
# Run once by the postgres image when the primary's data directory is new: lets the replica (db-replica) connect
# for streaming replication from the compose network.
set -e
echo "host replication all samenet scram-sha-256" >> "$PGDATA/pg_hba.conf"
