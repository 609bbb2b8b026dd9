ALTER TABLE "runs" ADD COLUMN "host" text;--> statement-breakpoint
ALTER TABLE "series" ADD COLUMN "hosts" jsonb DEFAULT '[]'::jsonb NOT NULL;