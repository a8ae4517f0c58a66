CREATE TABLE "opportunities" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dynamics_id" uuid NOT NULL,
	"customer_dynamics_id" uuid,
	"customer_type" text,
	"owner_dynamics_id" uuid,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dynamics_deleted" boolean DEFAULT false NOT NULL,
	"dynamics_created_on" timestamp with time zone,
	"dynamics_modified_on" timestamp with time zone,
	"seen_generation" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "opportunity_connections" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dynamics_id" uuid NOT NULL,
	"opportunity_dynamics_id" uuid NOT NULL,
	"contact_dynamics_id" uuid NOT NULL,
	"role_dynamics_id" uuid,
	"dynamics_deleted" boolean DEFAULT false NOT NULL,
	"seen_generation" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "opportunities_dynamics_id" ON "opportunities" USING btree ("dynamics_id");--> statement-breakpoint
CREATE INDEX "opportunities_customer" ON "opportunities" USING btree ("customer_dynamics_id");--> statement-breakpoint
CREATE UNIQUE INDEX "opportunity_connections_dynamics_id" ON "opportunity_connections" USING btree ("dynamics_id");--> statement-breakpoint
CREATE INDEX "opportunity_connections_opportunity" ON "opportunity_connections" USING btree ("opportunity_dynamics_id");--> statement-breakpoint
CREATE INDEX "opportunity_connections_contact" ON "opportunity_connections" USING btree ("contact_dynamics_id");