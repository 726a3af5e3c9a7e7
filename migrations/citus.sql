-- Optional: distribute the history store on a Citus cluster. Run once, after the migrations in
-- migrations/pg, as a superuser on the coordinator:
--   psql "$DATABASE_URL" -f migrations/citus.sql
-- `messages` is sharded by room_id so a room's history (paging by seq, export) stays on one
-- node; `room_members` is co-located with it so membership checks join locally; users,
-- characters and rooms are small, read-mostly reference tables copied to every node.
-- Citus requires the distribution column in every unique constraint: the primary keys
-- (room_id, seq) and (room_id, user_id) already include it. Foreign keys from the distributed
-- tables to the reference tables are allowed and stay in place.
CREATE EXTENSION IF NOT EXISTS citus;

SELECT create_reference_table('users');
SELECT create_reference_table('characters');
SELECT create_reference_table('rooms');
SELECT create_distributed_table('messages', 'room_id');
SELECT create_distributed_table('room_members', 'room_id', colocate_with => 'messages');
