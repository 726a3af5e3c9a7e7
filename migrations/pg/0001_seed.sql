-- The built-in Assistant character (search needs no extra objects on Postgres: the GIN index
-- on to_tsvector('simple', content) comes with the initial migration).
INSERT INTO "characters" ("id", "owner_id", "name", "description", "system_prompt", "built_in", "created_at", "updated_at")
VALUES ('assistant', NULL, 'Assistant', 'A helpful, concise general assistant.',
  'You are Assistant, a helpful and friendly AI taking part in a chat. Answer clearly and concisely, use Markdown when it helps, and say so when you are unsure.',
  true, 0, 0)
ON CONFLICT ("id") DO NOTHING;
