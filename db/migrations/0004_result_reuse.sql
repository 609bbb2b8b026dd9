ALTER TABLE "runs" ADD COLUMN "reused_from_series" text;--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "reused_from_index" integer;--> statement-breakpoint
ALTER TABLE "series" ADD COLUMN "reuse_key" text;--> statement-breakpoint
CREATE INDEX "series_reuse_key_idx" ON "series" USING btree ("reuse_key");