-- Duration histograms of route_invocations (README.md: "Duration histograms").
-- Loaded first by migrations/20260108000000_rollup_functions_sql.ts (the
-- tables and columns come from migrations/20260109000000_rollup_hours_histograms.ts).
--
-- A histogram is an int4[] whose SUBSCRIPT is the signed bin and whose element
-- is how many rows fell into it: '[-3:2]={1,0,0,4,NULL,2}' holds one row in
-- bin -3, four in bin 0 and two in bin 2. A NULL element counts 0; a
-- histogram with no rows is NULL. The bins (server/queries/stats/duration-bins.ts
-- says the same):
--   d in [-50, 50]:  the bin is d itself (exact);
--   d > 50:          50 + ceil(ln(d / 50) / ln(γ)), γ = (1 + α) / (1 − α), α = 0.019,
--                    so bin k > 50 holds (50·γ^(k−51), 50·γ^(k−50)];
--   d < −50:         the negation of the bin of −d.
-- Any value of a bin is within α (1.9 %) of the bin's representative 2ab/(a+b)
-- (a, b its least and greatest integers), which meets CONTRACT §8: within 2 %
-- or 1 ms, whichever is larger. Bins run from −513 to 513 for int4 durations.

-- The bin of a duration. Plain SQL, immutable, no SECURITY DEFINER and no SET,
-- so the planner inlines it into every statement that calls it (COPY of
-- millions of rows calls it once per row); it calls only pg_catalog.
create or replace function stats_duration_bin(d integer)
returns integer
language sql
immutable
parallel safe
return case
  when d between -50 and 50 then d
  when d > 50 then 50 + pg_catalog.ceil(pg_catalog.ln(d / 50.0::float8) / pg_catalog.ln(1.019::float8 / 0.981::float8))::integer
  else -(50 + pg_catalog.ceil(pg_catalog.ln(-(d::float8) / 50.0::float8) / pg_catalog.ln(1.019::float8 / 0.981::float8))::integer)
end;

-- The histogram of (bin, count) pairs, in any order: a bin may repeat (its
-- counts add up), a NULL count (or a NULL p_counts) counts 1, so
-- stats_hist_from(bins, null) counts a list of bins. Dense from the least bin
-- that sums to non-zero to the greatest, 0 between; NULL when none does. One
-- statement, no PL/pgSQL loop: the array is built as its text, bounds first,
-- from the bins in order.
create or replace function stats_hist_from(p_bins int4[], p_counts int4[])
returns int4[]
language sql
immutable
parallel safe
security definer
set search_path = pg_catalog, public, pg_temp
return (
  select (format('[%s:%s]={', min(bin), max(bin)) || string_agg(repeat('0,', bin - prev - 1) || n, ',' order by bin) || '}')::int4[]
  from (
    select bin, n, lag(bin, 1, bin - 1) over (order by bin) as prev
    from (
      select bin, sum(coalesce(n, 1))::integer as n
      from unnest(p_bins, p_counts) as u(bin, n)
      where bin is not null
      group by bin
      having sum(coalesce(n, 1)) <> 0
    ) c
  ) g
);

-- Two histograms added bin by bin, whatever their bounds (the result spans
-- both). Counts may be negative (rows removed by UPDATE or DELETE); a sum
-- whose every bin is 0 is NULL. A NULL b adds nothing (a comes back as it is).
create or replace function stats_hist_add(a int4[], b int4[])
returns int4[]
language plpgsql
immutable
parallel safe
security definer
set search_path = pg_catalog, public, pg_temp
as $fn$
declare
  r int4[] := a;
begin
  if b is null or cardinality(b) = 0 then return a; end if;
  for i in array_lower(b, 1) .. array_upper(b, 1) loop
    if b[i] <> 0 then r[i] := coalesce(r[i], 0) + b[i]; end if;
  end loop;
  for i in array_lower(r, 1) .. array_upper(r, 1) loop
    if r[i] <> 0 then return r; end if;
  end loop;
  return null;
end
$fn$;
