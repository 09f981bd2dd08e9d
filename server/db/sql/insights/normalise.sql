-- Route and message normalisation of CONTRACT §8 (issue 15), defined once:
-- the log's route filter, the error groups, their indexes and the per-route
-- rollups all call these. Plain `language sql`, immutable and without SET
-- clauses, so the planner inlines them into the built-in calls they stand for:
-- the route index is over that inlined expression (migration
-- 20260111000000_invocation_log says why), and a query's call matches it.
-- Named appstats_*, not stats_*: they are not rollup functions
-- (test/queries/rollup-sql.test.ts) and need no SECURITY DEFINER.
-- The TS reference of the same rules: test/oracle/normalise-ref.ts.

-- The route of a path: the query string cut off; each segment that is all
-- digits, a UUID, or 8 or more hex digits with at least one digit (either
-- case) becomes `:id`. Nothing is decoded; empty segments and trailing slashes stay.
create or replace function appstats_route_of(path text) returns text
language sql immutable parallel safe
as $$
  -- Two passes, each only where it can change something (bench/activity.ts: the UUID
  -- alternative alone cost most of the time): UUID segments when there is a '-', then
  -- segments of digits or of 8 or more hex digits holding a digit when there is a digit.
  select case when pg_catalog.split_part(path, '?', 1) !~ '[0-9]' and pg_catalog.strpos(path, '-') = 0
    then pg_catalog.split_part(path, '?', 1)
    else pg_catalog.regexp_replace(
      case when pg_catalog.strpos(path, '-') = 0 then pg_catalog.split_part(path, '?', 1)
        else pg_catalog.regexp_replace(pg_catalog.split_part(path, '?', 1),
          '(^|/)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=/|$)', '\1:id', 'gi') end,
      '(^|/)([0-9]+|(?=[0-9a-f]*[0-9])[0-9a-f]{8,})(?=/|$)', '\1:id', 'gi')
  end
$$;

-- The message of a failed invocation: in this order every UUID, every run of
-- 8 or more hex digits holding a digit, and every run of digits becomes `#`
-- (either case, no word boundaries), then the first 200 characters;
-- `HTTP <status>` when there is no error text.
create or replace function appstats_error_message_of(error text, status_code integer) returns text
language sql immutable parallel safe
as $$
  select case
    when error is null then 'HTTP ' || status_code::text
    else pg_catalog.left(
      pg_catalog.regexp_replace(
        pg_catalog.regexp_replace(
          pg_catalog.regexp_replace(error, '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', '#', 'gi'),
          '(?=[0-9a-f]*[0-9])[0-9a-f]{8,}', '#', 'gi'),
        '[0-9]+', '#', 'g'),
      200)
  end
$$;
