#!/bin/sh
# Patroni's post_bootstrap (deploy/patroni/patroni.yml): run once, on the node that creates the
# cluster, with a superuser connection string as $1. The two roles of docs/operations.md "The
# database: two roles"; passwords are set afterwards from the environment files.
set -e
psql -X -q -v ON_ERROR_STOP=1 "$1" \
  -c "CREATE ROLE jichitai_owner LOGIN CREATEDB NOSUPERUSER NOBYPASSRLS" \
  -c "CREATE ROLE jichitai LOGIN NOCREATEDB NOSUPERUSER NOBYPASSRLS" \
  -c "GRANT jichitai TO jichitai_owner" \
  -c "CREATE DATABASE jichitai OWNER jichitai_owner"
