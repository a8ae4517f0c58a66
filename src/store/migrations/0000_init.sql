CREATE TABLE "activities" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"person_id" bigint NOT NULL,
	"type_id" integer NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"primary_attribute_value" text,
	"attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"run_id" bigint
);
--> statement-breakpoint
CREATE TABLE "checkpoints" (
	"stream" text PRIMARY KEY NOT NULL,
	"phase" text NOT NULL,
	"link" text,
	"generation" integer DEFAULT 1 NOT NULL,
	"select_hash" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"blocked_reason" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "companies" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dynamics_id" uuid NOT NULL,
	"owner_dynamics_id" uuid,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dynamics_deleted" boolean DEFAULT false NOT NULL,
	"dynamics_modified_on" timestamp with time zone,
	"seen_generation" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "connection" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"org_url" text NOT NULL,
	"auth_kind" text NOT NULL,
	"username" text,
	"client_id" text NOT NULL,
	"tenant" text,
	"secrets" text NOT NULL,
	"dynamics_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "field_catalog" (
	"entity" text NOT NULL,
	"logical_name" text NOT NULL,
	"attribute_type" text NOT NULL,
	"display_name" text NOT NULL,
	"is_valid_for_read" boolean NOT NULL,
	"is_secured" boolean NOT NULL,
	"readable" boolean NOT NULL,
	"is_custom" boolean NOT NULL,
	"max_length" integer,
	"required_level" text NOT NULL,
	"options" jsonb,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "field_catalog_entity_logical_name_pk" PRIMARY KEY("entity","logical_name")
);
--> statement-breakpoint
CREATE TABLE "field_selection" (
	"entity" text NOT NULL,
	"logical_name" text NOT NULL,
	"local_name" text NOT NULL,
	"selected_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "field_selection_entity_logical_name_pk" PRIMARY KEY("entity","logical_name")
);
--> statement-breakpoint
CREATE TABLE "persons" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dynamics_id" uuid,
	"dynamics_type" text,
	"account_dynamics_id" uuid,
	"owner_dynamics_id" uuid,
	"email" text,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dynamics_deleted" boolean DEFAULT false NOT NULL,
	"dynamics_created_on" timestamp with time zone,
	"dynamics_modified_on" timestamp with time zone,
	"seen_generation" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales_persons" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dynamics_id" uuid NOT NULL,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dynamics_deleted" boolean DEFAULT false NOT NULL,
	"seen_generation" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_errors" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" bigint,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"entity" text NOT NULL,
	"record_id" text,
	"operation" text NOT NULL,
	"direction" text NOT NULL,
	"code" text NOT NULL,
	"message" text NOT NULL,
	"person_id" bigint
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"trigger" text NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"stats" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"notes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text
);
--> statement-breakpoint
CREATE INDEX "activities_person" ON "activities" USING btree ("person_id","id");--> statement-breakpoint
CREATE INDEX "activities_time" ON "activities" USING btree ("occurred_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "companies_dynamics_id" ON "companies" USING btree ("dynamics_id");--> statement-breakpoint
CREATE UNIQUE INDEX "persons_dynamics_id" ON "persons" USING btree ("dynamics_id");--> statement-breakpoint
CREATE INDEX "persons_account" ON "persons" USING btree ("account_dynamics_id","id");--> statement-breakpoint
CREATE INDEX "persons_email" ON "persons" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "sales_persons_dynamics_id" ON "sales_persons" USING btree ("dynamics_id");--> statement-breakpoint
CREATE INDEX "sync_errors_time" ON "sync_errors" USING btree ("occurred_at");