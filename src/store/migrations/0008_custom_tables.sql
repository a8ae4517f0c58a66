CREATE TABLE "custom_records" (
	"table_name" text NOT NULL,
	"dynamics_id" uuid NOT NULL,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"person_dynamics_id" uuid,
	"account_dynamics_id" uuid,
	"parent_dynamics_id" uuid,
	"dynamics_deleted" boolean DEFAULT false NOT NULL,
	"dynamics_created_on" timestamp with time zone,
	"dynamics_modified_on" timestamp with time zone,
	"seen_generation" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "custom_records_table_name_dynamics_id_pk" PRIMARY KEY("table_name","dynamics_id")
);
--> statement-breakpoint
CREATE TABLE "custom_tables" (
	"name" text PRIMARY KEY NOT NULL,
	"entity_set" text NOT NULL,
	"primary_key" text NOT NULL,
	"primary_name" text,
	"display_name" text NOT NULL,
	"links" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"via_column" text,
	"via_table" text,
	"enabled_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "custom_records_person" ON "custom_records" USING btree ("person_dynamics_id");--> statement-breakpoint
CREATE INDEX "custom_records_account" ON "custom_records" USING btree ("account_dynamics_id");--> statement-breakpoint
CREATE INDEX "custom_records_parent" ON "custom_records" USING btree ("table_name","parent_dynamics_id");