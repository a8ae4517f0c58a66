CREATE TABLE "range_cursors" (
	"stream" text NOT NULL,
	"idx" integer NOT NULL,
	"lo" text,
	"hi" text,
	"link" text,
	"done" boolean DEFAULT false NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "range_cursors_stream_idx_pk" PRIMARY KEY("stream","idx")
);
--> statement-breakpoint
CREATE TABLE "range_reads" (
	"stream" text PRIMARY KEY NOT NULL,
	"generation" integer NOT NULL,
	"checkpoint_version" integer NOT NULL,
	"delta_link" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
