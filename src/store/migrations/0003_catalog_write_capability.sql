ALTER TABLE "field_catalog" ADD COLUMN "can_update" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "field_catalog" ADD COLUMN "can_create" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "field_catalog" ADD COLUMN "update_denied" text DEFAULT 'not_checked';--> statement-breakpoint
ALTER TABLE "field_catalog" ADD COLUMN "create_denied" text DEFAULT 'not_checked';