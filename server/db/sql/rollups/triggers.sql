-- The statement-level AFTER triggers that keep the rollups (README.md).
-- Loaded last by migrations/20260108000000_rollup_functions_sql.ts: each
-- calls a function of views.sql, views-removed.sql, invocations.sql or
-- invocations-removed.sql.
--
-- The transition tables (new_rows, old_rows) hand each function the whole
-- statement's rows at once, so one row, INSERT … SELECT or COPY of millions is
-- folded into each rollup row once, in the writer's own transaction. TRUNCATE
-- has no transition table.

create or replace trigger stats_rollup_insert
after insert on view_events
referencing new table as new_rows
for each statement execute function stats_view_events_insert();

create or replace trigger stats_rollup_update
after update on view_events
referencing old table as old_rows new table as new_rows
for each statement execute function stats_view_events_update();

create or replace trigger stats_rollup_delete
after delete on view_events
referencing old table as old_rows
for each statement execute function stats_view_events_delete();

create or replace trigger stats_rollup_truncate
after truncate on view_events
for each statement execute function stats_view_events_truncate();

create or replace trigger stats_rollup_insert
after insert on route_invocations
referencing new table as new_rows
for each statement execute function stats_route_invocations_insert();

create or replace trigger stats_rollup_update
after update on route_invocations
referencing old table as old_rows new table as new_rows
for each statement execute function stats_route_invocations_update();

create or replace trigger stats_rollup_delete
after delete on route_invocations
referencing old table as old_rows
for each statement execute function stats_route_invocations_delete();

create or replace trigger stats_rollup_truncate
after truncate on route_invocations
for each statement execute function stats_route_invocations_truncate();
