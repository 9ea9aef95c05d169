-- jichitai-cloud: the two database roles and the database (run once, as the postgres superuser).
--   sudo -u postgres psql -v owner_password="'…'" -v runtime_password="'…'" -f roles.sql
--
-- jichitai_owner  owns the database, every table, function, policy and trigger; runs
--                 `jichitai manage migrate` and maintenance (JICHITAI_DB_OWNER_USER/PASSWORD).
-- jichitai        the runtime role the application connects as (PGUSER/PGPASSWORD): owns
--                 nothing; after every migrate the owner grants it DML on the tables, only
--                 SELECT and INSERT on the audit entry tables, no TRUNCATE, no DDL
--                 (src/jichitai/tenancy/dbroles.py).
-- Neither is a superuser or has BYPASSRLS: row-level security applies to both.

CREATE ROLE jichitai_owner LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB PASSWORD :owner_password;
CREATE ROLE jichitai LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB PASSWORD :runtime_password;
CREATE DATABASE jichitai OWNER jichitai_owner ENCODING 'UTF8' TEMPLATE template0;
\connect jichitai
-- PostgreSQL 15 already refuses CREATE in public to PUBLIC; said again for older habits.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT CONNECT ON DATABASE jichitai TO jichitai;
