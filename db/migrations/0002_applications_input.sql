ALTER TABLE "applications" ADD COLUMN "input" jsonb;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "parameters" jsonb;