-- Edits, deletes and reply versions: when a message was edited, its tombstone time, and a
-- regenerated AI reply's versions (JSON) with the one everyone sees.
ALTER TABLE "messages" ADD COLUMN "edited_at" bigint;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "deleted_at" bigint;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "versions" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "current_version" integer;