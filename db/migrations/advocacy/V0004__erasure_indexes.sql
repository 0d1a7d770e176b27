-- The caller of each stored request_id (a staff resource name; '' for
-- operators, services and anonymous feedback), so erasure finds and deletes
-- the replay answers a person's own calls stored (services/common/
-- idempotency.h). Keys written before this migration keep '' and expire
-- with the retention (docs/ARCHITECTURE.md, "Exactly-once writes").
ALTER TABLE idempotency_keys
  ADD COLUMN caller_subject VARCHAR(300) NOT NULL DEFAULT '',
  ADD KEY idempotency_by_caller (scope, caller_subject);

-- Erasure locks one person's posts in post_id order
-- (ListPostsOfAuthorForUpdate); posts_by_author_time is in time order, so
-- without this the optimizer walked (and locked) every post of the
-- organization by primary key. InnoDB appends the primary key, so this
-- index is in (author, post_id) order.
ALTER TABLE posts
  ADD KEY posts_by_author (organization_id, author_id);
