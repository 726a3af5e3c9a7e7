-- Edits, deletes and reply versions: when a message was edited, its tombstone time, and a
-- regenerated AI reply's versions (JSON) with the one everyone sees.
ALTER TABLE `messages` ADD `edited_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `deleted_at` integer;--> statement-breakpoint
ALTER TABLE `messages` ADD `versions` text;--> statement-breakpoint
ALTER TABLE `messages` ADD `current_version` integer;