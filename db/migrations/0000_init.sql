CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "applications" (
	"name" text PRIMARY KEY NOT NULL,
	"command" text NOT NULL,
	"config_file" text DEFAULT 'config.ini' NOT NULL,
	"setup" text,
	"collect" jsonb,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "files" (
	"series_id" text NOT NULL,
	"run_index" integer,
	"path" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	CONSTRAINT "files_series_id_path_pk" PRIMARY KEY("series_id","path")
);
--> statement-breakpoint
CREATE TABLE "hosts" (
	"name" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"address" text,
	"port" integer,
	"user" text,
	"identity_file" text,
	"known_hosts_file" text,
	"workdir" text NOT NULL,
	"slots" integer,
	"gpus" integer,
	"partition" text,
	"array_throttle" integer,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"series_id" text NOT NULL,
	"index" integer NOT NULL,
	"dir" text NOT NULL,
	"params" jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"exit_code" integer,
	"reason" text,
	"attempt" integer DEFAULT 1 NOT NULL,
	"job_id" text,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"metrics" jsonb,
	CONSTRAINT "runs_series_id_index_pk" PRIMARY KEY("series_id","index")
);
--> statement-breakpoint
CREATE TABLE "series" (
	"id" text PRIMARY KEY NOT NULL,
	"owner_id" text NOT NULL,
	"application" text NOT NULL,
	"application_snapshot" jsonb NOT NULL,
	"host" text NOT NULL,
	"ini" text NOT NULL,
	"resources" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"count" integer NOT NULL,
	"state" text DEFAULT 'staging' NOT NULL,
	"reason" text,
	"workflow_id" text NOT NULL,
	"parent_id" text,
	"attempt" integer DEFAULT 1 NOT NULL,
	"package_path" text,
	"archive_path" text,
	"archive_size" bigint,
	"archive_sha256" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"csrf_token" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"password_hash" text,
	"role" text DEFAULT 'member' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "files" ADD CONSTRAINT "files_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_series_id_series_id_fk" FOREIGN KEY ("series_id") REFERENCES "public"."series"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "series" ADD CONSTRAINT "series_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "api_tokens_user_idx" ON "api_tokens" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "files_run_idx" ON "files" USING btree ("series_id","run_index");--> statement-breakpoint
CREATE INDEX "runs_series_state_idx" ON "runs" USING btree ("series_id","state");--> statement-breakpoint
CREATE INDEX "series_created_idx" ON "series" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "series_owner_idx" ON "series" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "series_state_idx" ON "series" USING btree ("state");