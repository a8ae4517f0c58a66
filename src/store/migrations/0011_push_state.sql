CREATE TABLE "push_state" (
	"name" text PRIMARY KEY NOT NULL,
	"pending_since" timestamp with time zone,
	"notifications" bigint DEFAULT 0 NOT NULL,
	"last_notification_at" timestamp with time zone,
	"last_visible_ms" integer,
	"last_visible_at" timestamp with time zone
);
