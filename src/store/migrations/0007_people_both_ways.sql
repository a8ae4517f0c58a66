CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"person_id" bigint NOT NULL,
	"entity" text NOT NULL,
	"dynamics_id" uuid NOT NULL,
	"op" text DEFAULT 'update' NOT NULL,
	"field" text NOT NULL,
	"value" jsonb,
	"base" jsonb,
	"revision" integer DEFAULT 1 NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"sync_error_id" bigint,
	"enqueued_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "dynamics_version" bigint;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "dynamics_lead_id" uuid;--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "sync_stopped" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_person_field" ON "outbox" USING btree ("person_id","field");--> statement-breakpoint
CREATE INDEX "outbox_dynamics_id" ON "outbox" USING btree ("dynamics_id");--> statement-breakpoint
CREATE INDEX "outbox_pending" ON "outbox" USING btree ("state","id");--> statement-breakpoint
CREATE UNIQUE INDEX "persons_dynamics_lead_id" ON "persons" USING btree ("dynamics_lead_id");