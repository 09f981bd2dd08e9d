import { type Kysely, sql } from 'kysely';
import type pg from 'pg';
import type { DB } from '../../server/db/types';

// What test/queries/app-id-plans.test.ts holds every plan to: a scan of an
// event or rollup table (or of one of their partitions) reads by an index
// condition on app_id, or it is a violation. Its header says why only that counts.

/**
 * The event and rollup tables, and every partition of them, by name: read from
 * the catalog, so a new stats_* table is guarded at once. A partition without
 * a single page (a month created ahead) is left out: the planner rightly scans
 * what it knows to be empty, and reading it reads nothing.
 */
export async function guardedRelations(db: Kysely<DB>): Promise<Set<string>> {
  const { rows } = await sql<{ name: string }>`
    with recursive roots as (
      select c.oid from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and (c.relname in ('view_events', 'route_invocations') or c.relname like 'stats\\_%')
    ), tree as (
      select oid from roots
      union
      select i.inhrelid from pg_catalog.pg_inherits i join tree t on t.oid = i.inhparent
    )
    select c.relname as name from tree t join pg_catalog.pg_class c on c.oid = t.oid
    where not (c.relispartition and pg_catalog.pg_relation_size(c.oid) = 0)`.execute(db);
  return new Set(rows.map((row) => row.name));
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

/** An equality (or `= ANY`) on app_id, as EXPLAIN prints an index condition: `(app_id = $1)`, `(v.app_id = ANY ($2))`, `(app_id = a.id)`. */
const APP_ID_CONDITION = /(^|[(\s.])app_id = /;

function bitmapLeaves(node: PlanNode): PlanNode[] {
  if (node['Node Type'] === 'Bitmap Index Scan') return [node];
  return (node.Plans ?? []).flatMap(bitmapLeaves);
}

/** Whether one scan node reads its relation through an app_id index condition. */
function readsByAppId(node: PlanNode): boolean {
  const type = node['Node Type'];
  if (type === 'Index Scan' || type === 'Index Only Scan') return APP_ID_CONDITION.test(node['Index Cond'] ?? '');
  if (type === 'Bitmap Heap Scan') {
    const leaves = bitmapLeaves(node);
    return leaves.length > 0 && leaves.every((leaf) => APP_ID_CONDITION.test(leaf['Index Cond'] ?? ''));
  }
  return false;
}

/** Every scan of a guarded relation in `plan` that does not read by app_id, as `<node type> on <relation>`. */
export function violations(plan: PlanNode, guarded: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const visit = (node: PlanNode) => {
    const relation = node['Relation Name'];
    // ModifyTable names its target; what it reads is a scan node below it, judged on its own.
    if (relation && guarded.has(relation) && node['Node Type'] !== 'ModifyTable' && !readsByAppId(node)) {
      found.push(`${node['Node Type']} on ${relation}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}`);
    }
    for (const child of node.Plans ?? []) visit(child);
  };
  visit(plan);
  return found;
}

/** The plan PostgreSQL would run for `text` with `values` (the custom plan for those values; nothing is executed). */
export async function planOf(pool: pg.Pool, text: string, values: readonly unknown[]): Promise<PlanNode> {
  const { rows } = await pool.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`explain (format json) ${text}`, [...values]);
  const plan = rows[0]?.['QUERY PLAN'][0]?.Plan;
  if (!plan) throw new Error(`no plan for ${text.slice(0, 80)}`);
  return plan;
}

/** Statements EXPLAIN accepts. */
export const EXPLAINABLE = /^\s*\(?\s*(with|select|insert|update|delete|values)\b/i;
