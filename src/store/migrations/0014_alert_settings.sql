CREATE TABLE "alert_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"email_to" text,
	"smtp_host" text,
	"smtp_port" integer,
	"smtp_tls" text,
	"smtp_user" text,
	"smtp_from" text,
	"webhook_url" text,
	"digest_hour" integer,
	"secrets" text,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
