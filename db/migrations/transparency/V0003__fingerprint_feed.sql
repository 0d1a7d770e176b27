-- The near-duplicate index follows the database, whichever replica decided
-- a post (docs/ARCHITECTURE.md, "State in memory"): post_shingles becomes an
-- ordered per-organization feed that every replica tails with one indexed
-- query before each evaluation.
--
-- feed_sequence: set from organization_heads.fingerprint_sequence, which a
-- writer bumps under the organization's head lock and holds until commit,
-- so sequences commit in order and a reader that has applied everything up
-- to n misses nothing by next reading "feed_sequence > n". A row takes a new
-- sequence whenever it changes, so the feed carries each post's latest state.
-- Rows written before this migration keep 0: a replica loads them whole at
-- start and tails from the head it read before that load.
--
-- removed: a decision rejected the post, or its author was erased. The row
-- stays as a tombstone (shingles and author emptied: nothing of the person's
-- words is kept) so replicas that indexed the post drop it too.
ALTER TABLE organization_heads
  ADD COLUMN fingerprint_sequence BIGINT NOT NULL DEFAULT 0;

ALTER TABLE post_shingles
  ADD COLUMN feed_sequence BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN removed TINYINT NOT NULL DEFAULT 0,
  ADD KEY post_shingles_by_feed (organization_id, feed_sequence);
