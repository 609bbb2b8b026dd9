// Autovacuum's job on PGlite. PGlite runs PostgreSQL in this process with no background workers,
// so nothing ever vacuums or analyzes: every run row is rewritten as it goes pending → running →
// ended and again with its metrics, the old versions pile up, and the visibility map stays empty,
// so an index-only scan reads the table for every entry (a results page filtered on `model.b = 7`
// over 10,000 of 1,000,000 runs: 412 ms instead of 34; docs/results.md). The process that owns the
// PGlite runs this at start and every minute (workers/stack.ts); PostgreSQL's own autovacuum does
// it there.
//
// The rules are autovacuum's defaults, read from the cumulative statistics, plus one from the
// catalog: PGlite loses its statistics when it restarts, while pg_class keeps how many of a
// table's pages VACUUM last found all-visible, and ANALYZE (run after a series' runs are created,
// db/results.ts analyzeResults) keeps its page count current. A pass blocks PGlite's one connection
// while it runs: measured on a 1,000,000-run database, ~2 s the first time, then tens of
// milliseconds after a 10,000-run series (VACUUM skips the pages it found all-visible before).
import { sql } from 'drizzle-orm';
import { startPeriodic, type Periodic } from '../core/periodic.ts';
import type { Logger } from '../log.ts';
import type { Database } from './client.ts';
import { queryRows } from './raw.ts';

/** PostgreSQL's autovacuum defaults (autovacuum_vacuum_threshold, …_scale_factor, …). */
const VACUUM_THRESHOLD = 50;
const VACUUM_SCALE = 0.2;
const INSERT_THRESHOLD = 1000;
const INSERT_SCALE = 0.2;
const ANALYZE_THRESHOLD = 50;
const ANALYZE_SCALE = 0.1;
/** Tables smaller than this many pages (8 MB) are left to the statistics' rules. */
const CATALOG_MIN_PAGES = 1000;
/** …larger ones are vacuumed when fewer than this share of their pages is known all-visible. */
const ALL_VISIBLE_SHARE = 0.8;

/** What the statistics and the catalog say of one table. */
export interface TableActivity {
  table: string;
  live: number;
  dead: number;
  insertedSinceVacuum: number;
  modifiedSinceAnalyze: number;
  /** pg_class.relpages and relallvisible, as the last VACUUM or ANALYZE left them. */
  pages: number;
  allVisiblePages: number;
}

export type Upkeep = 'vacuum' | 'analyze';

/** What a table needs by autovacuum's rules (a vacuum here also analyzes), or undefined. */
export function upkeepOf(t: TableActivity): Upkeep | undefined {
  if (t.dead > VACUUM_THRESHOLD + VACUUM_SCALE * t.live) return 'vacuum';
  if (t.insertedSinceVacuum > INSERT_THRESHOLD + INSERT_SCALE * t.live) return 'vacuum';
  if (t.pages >= CATALOG_MIN_PAGES && t.allVisiblePages < ALL_VISIBLE_SHARE * t.pages) return 'vacuum';
  if (t.modifiedSinceAnalyze > ANALYZE_THRESHOLD + ANALYZE_SCALE * t.live) return 'analyze';
  return undefined;
}

/** The statistics and catalog figures of every table of the schema. */
export async function tableActivity(db: Database): Promise<TableActivity[]> {
  // A backend's counts reach the shared statistics when it reports them; PGlite's one backend
  // reports at the next statement after this asks it to.
  await db.execute(sql`select pg_stat_force_next_flush()`);
  const rows = await queryRows<Record<keyof TableActivity, unknown>>(
    db,
    sql`select s.relname as "table", s.n_live_tup as live, s.n_dead_tup as dead,
      s.n_ins_since_vacuum as "insertedSinceVacuum", s.n_mod_since_analyze as "modifiedSinceAnalyze",
      c.relpages as pages, c.relallvisible as "allVisiblePages"
    from pg_stat_user_tables s join pg_class c on c.oid = s.relid
    where s.schemaname = 'public'
    order by s.relname`,
  );
  return rows.map((row) => ({
    table: String(row.table),
    live: Number(row.live),
    dead: Number(row.dead),
    insertedSinceVacuum: Number(row.insertedSinceVacuum),
    modifiedSinceAnalyze: Number(row.modifiedSinceAnalyze),
    pages: Number(row.pages),
    allVisiblePages: Number(row.allVisiblePages),
  }));
}

export interface UpkeepDone {
  table: string;
  upkeep: Upkeep;
  ms: number;
}

/** One pass: VACUUM (ANALYZE) or ANALYZE each table that needs it, one at a time. */
export async function runUpkeep(db: Database): Promise<UpkeepDone[]> {
  const done: UpkeepDone[] = [];
  for (const activity of await tableActivity(db)) {
    const upkeep = upkeepOf(activity);
    if (!upkeep) continue;
    const table = sql.identifier(activity.table); // a name from the catalog, quoted all the same
    const started = performance.now();
    await db.execute(upkeep === 'vacuum' ? sql`vacuum (analyze) ${table}` : sql`analyze ${table}`);
    done.push({ table: activity.table, upkeep, ms: Math.round(performance.now() - started) });
  }
  return done;
}

/** Runs a pass now and every `intervalMs` (default: a minute) until stopped; logs what it did. */
export function startPgliteUpkeep(deps: { db: Database; logger: Logger }, intervalMs = 60_000): Periodic {
  const pass = async () => {
    const done = await runUpkeep(deps.db);
    if (done.length > 0) deps.logger.info({ upkeep: done }, 'PGlite tables vacuumed or analyzed');
  };
  return startPeriodic(pass, intervalMs, (error) => deps.logger.warn({ err: error }, 'PGlite upkeep failed'));
}
