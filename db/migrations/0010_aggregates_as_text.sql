-- Kept aggregates are a cache (db/result-aggregates.ts): the ones kept by column are dropped, not
-- converted, and a finished series computes each again on its first request.
DELETE FROM "result_aggregates";--> statement-breakpoint
ALTER TABLE "result_aggregates" ALTER COLUMN "groups" SET DATA TYPE text;
