CREATE TABLE "quick_syncs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entity" text NOT NULL,
	"fields" text[] NOT NULL,
	"modified_from" timestamp with time zone,
	"modified_to" timestamp with time zone,
	"state" text DEFAULT 'queued' NOT NULL,
	"link" text,
	"rows_done" integer DEFAULT 0 NOT NULL,
	"rows_filled" integer DEFAULT 0 NOT NULL,
	"rows_total" integer,
	"error" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "quick_syncs_state" ON "quick_syncs" USING btree ("state","id");