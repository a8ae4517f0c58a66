ALTER TABLE "companies" ADD COLUMN "dynamics_version" bigint;--> statement-breakpoint
ALTER TABLE "companies" ADD COLUMN "local_edits" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "field_catalog" ADD COLUMN "min_value" double precision;--> statement-breakpoint
ALTER TABLE "field_catalog" ADD COLUMN "max_value" double precision;--> statement-breakpoint
ALTER TABLE "sync_errors" ADD COLUMN "column_name" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_errors" ADD COLUMN "last_seen_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_errors" ADD COLUMN "occurrences" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_errors" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
UPDATE "sync_errors" SET "last_seen_at" = "occurred_at";--> statement-breakpoint
UPDATE "sync_errors" e SET "resolved_at" = e."occurred_at" WHERE e."record_id" IS NOT NULL AND EXISTS (SELECT 1 FROM "sync_errors" n WHERE n."entity" = e."entity" AND n."record_id" = e."record_id" AND n."code" = e."code" AND n."direction" = e."direction" AND n."id" > e."id");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_errors_open" ON "sync_errors" USING btree ("entity","record_id","column_name","code","direction") WHERE resolved_at IS NULL AND record_id IS NOT NULL;