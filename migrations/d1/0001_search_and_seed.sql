-- Full-text search over message content (FTS5, external content: the index stores no second
-- copy of the text) kept in step with `messages` by triggers, and the built-in Assistant.
CREATE VIRTUAL TABLE `messages_fts` USING fts5(content, content='messages', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `messages_fts_insert` AFTER INSERT ON `messages` BEGIN
  INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages` BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_update` AFTER UPDATE OF content ON `messages` BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.rowid, old.content);
  INSERT INTO messages_fts(rowid, content) VALUES (new.rowid, new.content);
END;
--> statement-breakpoint
INSERT INTO `characters` (`id`, `owner_id`, `name`, `description`, `system_prompt`, `built_in`, `created_at`, `updated_at`)
VALUES ('assistant', NULL, 'Assistant', 'A helpful, concise general assistant.',
  'You are Assistant, a helpful and friendly AI taking part in a chat. Answer clearly and concisely, use Markdown when it helps, and say so when you are unsure.',
  1, 0, 0);
