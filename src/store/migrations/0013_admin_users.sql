CREATE TABLE "admin_invites" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"user_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "admin_users" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"password_hash" jsonb,
	"invited_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_sign_in_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "admin_sessions" ADD COLUMN "user_id" bigint;--> statement-breakpoint
CREATE INDEX "admin_invites_user" ON "admin_invites" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "admin_users_email" ON "admin_users" USING btree ("email");--> statement-breakpoint
CREATE INDEX "audit_log_at" ON "audit_log" USING btree ("at","id");--> statement-breakpoint
-- Hand-written: a single-password install becomes the named admin user `admin`, its sessions kept as that user's.
INSERT INTO "admin_users" ("email", "role", "password_hash") SELECT 'admin', 'admin', "value" FROM "settings" WHERE "key" = 'admin_password';--> statement-breakpoint
UPDATE "admin_sessions" SET "user_id" = (SELECT "id" FROM "admin_users" WHERE "email" = 'admin');--> statement-breakpoint
DELETE FROM "settings" WHERE "key" = 'admin_password';
