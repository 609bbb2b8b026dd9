CREATE TABLE "result_aggregates" (
	"series_id" text NOT NULL,
	"query" text NOT NULL,
	"version" text NOT NULL,
	"groups" jsonb NOT NULL,
	CONSTRAINT "result_aggregates_series_id_query_pk" PRIMARY KEY("series_id","query")
);
--> statement-breakpoint
CREATE TABLE "run_values" (
	"series_id" text NOT NULL,
	"index" integer NOT NULL,
	"name" text NOT NULL,
	"rank" smallint NOT NULL,
	"num" numeric NOT NULL,
	"text" text NOT NULL,
	CONSTRAINT "run_values_series_id_index_name_pk" PRIMARY KEY("series_id","index","name")
);
--> statement-breakpoint
CREATE TABLE "series_metric_names" (
	"series_id" text NOT NULL,
	"name" text NOT NULL,
	"numeric" boolean NOT NULL,
	CONSTRAINT "series_metric_names_series_id_name_pk" PRIMARY KEY("series_id","name")
);
--> statement-breakpoint
ALTER TABLE "result_aggregates" ADD CONSTRAINT "result_aggregates_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "series_metric_names" ADD CONSTRAINT "series_metric_names_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "run_values_sort_idx" ON "run_values" USING btree ("series_id","name","rank","num","text","index");--> statement-breakpoint
-- Below: written by hand (drizzle-kit knows no functions or triggers). run_values and
-- series_metric_names follow runs through triggers, so every way a run is written (created,
-- metrics stored, reset for a rerun, imported, reused, deleted with its series) keeps them
-- consistent without each writer remembering to. Existing runs are backfilled here.
--
-- A run's values: rank 0 a number (a parameter that reads as one, NUMBER_TEXT in
-- db/results-filter.ts; a JSON number), 1 text. Bounded so an index entry stays far below
-- btree's ~2.7 kB limit: no row for a name over 256 characters, text cut to 200 characters, and a
-- number of over 100 significant digits (a parameter written with over 100 characters) is text.
CREATE FUNCTION "tuplet_run_values"("params" jsonb, "metrics" jsonb)
RETURNS TABLE("name" text, "rank" smallint, "num" numeric, "text" text)
LANGUAGE sql IMMUTABLE AS $$
  SELECT p.key, (CASE WHEN p.number THEN 0 ELSE 1 END)::smallint,
    CASE WHEN p.number THEN p.value::numeric ELSE 0 END,
    CASE WHEN p.number THEN '' ELSE left(p.value, 200) END
  FROM (
    SELECT key, value,
      length(value) <= 100 AND value ~ '^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d{1,3})?$' AS number
    FROM jsonb_each_text(CASE WHEN jsonb_typeof(params) = 'object' THEN params ELSE '{}' END)
  ) p
  WHERE length(p.key) <= 256 AND p.value IS NOT NULL
  UNION ALL
  SELECT m.key, (CASE WHEN m.number THEN 0 ELSE 1 END)::smallint,
    CASE WHEN m.number THEN m.value::numeric ELSE 0 END,
    CASE WHEN m.number THEN '' ELSE left(m.value #>> '{}', 200) END
  FROM (
    SELECT key, value, jsonb_typeof(value) = 'number'
      AND length(trim(both '0' from translate(value::text, '-.', ''))) <= 100 AS number
    FROM jsonb_each(CASE WHEN jsonb_typeof(metrics) = 'object' THEN metrics ELSE '{}' END)
  ) m
  WHERE length(m.key) <= 256 AND jsonb_typeof(m.value) <> 'null'
    AND NOT (jsonb_typeof(params) = 'object' AND params ? m.key)
$$;
--> statement-breakpoint
CREATE FUNCTION "tuplet_metric_names"("metrics" jsonb)
RETURNS TABLE("name" text, "numeric" boolean)
LANGUAGE sql IMMUTABLE AS $$
  SELECT key, jsonb_typeof(value) = 'number'
  FROM jsonb_each(CASE WHEN jsonb_typeof(metrics) = 'object' THEN metrics ELSE '{}' END)
  WHERE length(key) <= 256
$$;
--> statement-breakpoint
CREATE FUNCTION "tuplet_runs_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO run_values (series_id, index, name, rank, num, text)
    SELECT n.series_id, n.index, v.name, v.rank, v.num, v.text
    FROM inserted_runs n CROSS JOIN LATERAL tuplet_run_values(n.params, n.metrics) v;
  -- In key order, so concurrent writers lock names in one order.
  INSERT INTO series_metric_names (series_id, name, numeric)
    SELECT n.series_id, m.name, bool_or(m.numeric)
    FROM inserted_runs n CROSS JOIN LATERAL tuplet_metric_names(n.metrics) m
    GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (series_id, name) DO UPDATE SET numeric = true
    WHERE excluded.numeric AND NOT series_metric_names.numeric;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "tuplet_run_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM run_values WHERE series_id = OLD.series_id AND index = OLD.index;
  INSERT INTO run_values (series_id, index, name, rank, num, text)
    SELECT NEW.series_id, NEW.index, v.name, v.rank, v.num, v.text
    FROM tuplet_run_values(NEW.params, NEW.metrics) v;
  -- Names stay once seen (a rerun's reset leaves the column); DO NOTHING takes no row lock.
  INSERT INTO series_metric_names (series_id, name, numeric)
    SELECT NEW.series_id, m.name, m.numeric FROM tuplet_metric_names(NEW.metrics) m
    ORDER BY 2
  ON CONFLICT (series_id, name) DO NOTHING;
  UPDATE series_metric_names s SET numeric = true
    FROM tuplet_metric_names(NEW.metrics) m
    WHERE s.series_id = NEW.series_id AND s.name = m.name AND m.numeric AND NOT s.numeric;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION "tuplet_runs_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM run_values v USING deleted_runs d WHERE v.series_id = d.series_id AND v.index = d.index;
  RETURN NULL;
END $$;
--> statement-breakpoint
INSERT INTO "run_values" ("series_id", "index", "name", "rank", "num", "text")
  SELECT r.series_id, r.index, v.name, v.rank, v.num, v.text
  FROM "runs" r CROSS JOIN LATERAL tuplet_run_values(r.params, r.metrics) v;
--> statement-breakpoint
INSERT INTO "series_metric_names" ("series_id", "name", "numeric")
  SELECT r.series_id, m.name, bool_or(m.numeric)
  FROM "runs" r CROSS JOIN LATERAL tuplet_metric_names(r.metrics) m
  GROUP BY 1, 2;
--> statement-breakpoint
CREATE TRIGGER "runs_values_insert" AFTER INSERT ON "runs"
  REFERENCING NEW TABLE AS inserted_runs
  FOR EACH STATEMENT EXECUTE FUNCTION tuplet_runs_inserted();
--> statement-breakpoint
CREATE TRIGGER "runs_values_update" AFTER UPDATE OF params, metrics ON "runs"
  FOR EACH ROW WHEN (OLD.params IS DISTINCT FROM NEW.params OR OLD.metrics IS DISTINCT FROM NEW.metrics)
  EXECUTE FUNCTION tuplet_run_changed();
--> statement-breakpoint
CREATE TRIGGER "runs_values_delete" AFTER DELETE ON "runs"
  REFERENCING OLD TABLE AS deleted_runs
  FOR EACH STATEMENT EXECUTE FUNCTION tuplet_runs_deleted();
