ALTER TABLE "hosts" ADD COLUMN "drained" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "hosts" ADD COLUMN "pool" text;