import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types';

async function recordMigrations(db: Kysely<DB>, schema: string, names: string[], now: Date): Promise<void> {
  const at = names.map((_, i) => new Date(now.getTime() - (names.length - i) * 9 * 86_400_000));
  await sql`insert into ${sql.id(schema, '_migrations')} (name, applied_at)
    select * from unnest(${names}::text[], ${at}::timestamptz[])`.execute(db);
}

/**
 * The storefront's workspace: uuid, text, int8, numeric, jsonb, timestamptz,
 * arrays and bytea; a table of 1,250 rows, one without a primary key, one
 * large enough that its row count is an estimate.
 */
export async function seedStorefrontWorkspace(db: Kysely<DB>, schema: string, now: Date): Promise<void> {
  const t = (name: string) => sql.id(schema, name);
  await sql`create table ${t('products')} (
    id uuid primary key default gen_random_uuid(),
    sku text not null unique,
    name text not null,
    description text,
    price numeric(10, 2) not null,
    stock int8 not null default 0,
    tags text[] not null default '{}',
    attributes jsonb,
    thumbnail bytea,
    created_at timestamptz not null default now()
  )`.execute(db);
  await sql`insert into ${t('products')} (sku, name, description, price, stock, tags, attributes, thumbnail, created_at)
    select 'SKU-' || lpad(g::text, 5, '0'),
      (array['Linen', 'Wool', 'Cotton', 'Denim', 'Canvas'])[1 + g % 5] || ' ' || (array['shirt', 'scarf', 'tote bag', 'jacket', 'cap', 'apron'])[1 + g % 6] || ' #' || g,
      case when g % 11 = 0 then null when g % 17 = 0 then '' else repeat('Hand-made in small batches; ', 1 + g % 7) || 'ships in 2–3 days.' end,
      round((9.5 + (g * 7919 % 20000) / 100.0)::numeric, 2),
      (g * 104729) % 5000000000,
      case when g % 4 = 0 then array['sale', 'new'] when g % 3 = 0 then array['bestseller'] else '{}'::text[] end,
      case when g % 9 = 0 then null else jsonb_build_object('color', (array['navy', 'sand', 'olive'])[1 + g % 3], 'sizes', jsonb_build_array('S', 'M', 'L'), 'weight_g', 120 + g % 400) end,
      case when g % 5 = 0 then null else decode(md5(g::text), 'hex') end,
      ${now}::timestamptz - make_interval(hours => g * 2)
    from generate_series(1, 1250) as g`.execute(db);

  await sql`create table ${t('orders')} (
    id bigserial primary key,
    product_id uuid not null,
    quantity integer not null,
    total numeric(12, 2) not null,
    status text not null,
    note text,
    placed_at timestamptz not null
  )`.execute(db);
  await sql`create index on ${t('orders')} (product_id)`.execute(db);
  await sql`insert into ${t('orders')} (product_id, quantity, total, status, note, placed_at)
    select p.id, 1 + g % 4, p.price * (1 + g % 4), (array['paid', 'shipped', 'delivered', 'refunded'])[1 + g % 4],
      case when g % 7 = 0 then '' when g % 3 = 0 then null else 'Gift wrap, please' end,
      ${now}::timestamptz - make_interval(mins => g * 37)
    from generate_series(1, 320) as g
    join lateral (select id, price from ${t('products')} order by sku offset (g * 13) % 1250 limit 1) p on true`.execute(db);

  // A log table without a primary key: previews page through it in physical order.
  await sql`create table ${t('webhook_log')} (received_at timestamptz not null, source text, payload jsonb, ok boolean)`.execute(db);
  await sql`insert into ${t('webhook_log')}
    select ${now}::timestamptz - make_interval(mins => g * 11), (array['stripe', 'shippo', null])[1 + g % 3],
      jsonb_build_object('event', 'order.updated', 'attempt', 1 + g % 3, 'data', jsonb_build_object('id', g, 'lines', jsonb_build_array(g, g + 1))),
      g % 13 <> 0
    from generate_series(1, 180) as g`.execute(db);

  await sql`create table ${t('settings')} (key text primary key, value jsonb not null, updated_at timestamptz not null)`.execute(db);
  await sql`insert into ${t('settings')} values
    ('currency', '"EUR"', ${now}), ('free_shipping_over', '75', ${now}),
    ('banner', '{"text": "Summer sale: 20 % off linen", "until": "2026-08-31"}', ${now})`.execute(db);

  await sql`create table ${t('price_history')} (product_sku text not null, price numeric(10, 2) not null, recorded_at timestamptz not null)`.execute(
    db,
  );
  await sql`create index on ${t('price_history')} (product_sku, recorded_at)`.execute(db);
  await sql`insert into ${t('price_history')}
    select 'SKU-' || lpad((1 + g % 1250)::text, 5, '0'), round((9.5 + (g % 20000) / 100.0)::numeric, 2), ${now}::timestamptz - make_interval(mins => g)
    from generate_series(1, 24000) as g`.execute(db);
  await sql`analyze ${t('price_history')}`.execute(db);

  await recordMigrations(db, schema, ['0001_products', '0002_orders', '0003_webhook_log', '0004_settings', '0005_price_history'], now);
}

/** The wiki's workspace: a table of long pages against a small quota, so the storage bar fills up. */
export async function seedWikiWorkspace(db: Kysely<DB>, schema: string, now: Date): Promise<void> {
  const t = (name: string) => sql.id(schema, name);
  await sql`create table ${t('pages')} (id serial primary key, slug text not null unique, title text not null, body text not null, updated_at timestamptz not null)`.execute(
    db,
  );
  // md5 text does not compress, so the pages take the room they appear to.
  await sql`insert into ${t('pages')} (slug, title, body, updated_at)
    select 'page-' || g, 'Runbook ' || g, (select string_agg(md5(g::text || ':' || k), ' ') from generate_series(1, 80) as k), ${now}::timestamptz - make_interval(days => g)
    from generate_series(1, 60) as g`.execute(db);
  await recordMigrations(db, schema, ['0001_pages'], now);
}
