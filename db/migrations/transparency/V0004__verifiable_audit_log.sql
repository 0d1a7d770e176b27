-- A log nobody can quietly rewrite (docs/AUDIT.md).
--
-- audit_entries, chain version 2: details enter the chain as details_digest
-- = SHA-256(details_salt, details), so erasure can redact a free-text detail
-- (details and salt emptied, details_redacted set) and the chain still
-- verifies. Rows written before this migration are chain version 1 and are
-- verified as they were written.
ALTER TABLE audit_entries
  ADD COLUMN chain_version TINYINT NOT NULL DEFAULT 1,
  ADD COLUMN details_digest CHAR(64) NOT NULL DEFAULT '',
  ADD COLUMN details_salt VARCHAR(64) NOT NULL DEFAULT '',
  ADD COLUMN details_redacted TINYINT NOT NULL DEFAULT 0,
  -- Erasure and export find a person's entries by actor and by subject.
  ADD KEY audit_entries_by_actor (organization_id, actor),
  ADD KEY audit_entries_by_subject (organization_id, subject);

-- The Merkle tree over each organization's entries (RFC 9162): every perfect
-- subtree, written as appends complete it (level 0: the leaves), so a proof
-- reads O(log n) rows. hash: lowercase hex.
CREATE TABLE audit_tree_nodes (
  organization_id VARCHAR(40) NOT NULL,
  level TINYINT NOT NULL,
  node_index BIGINT NOT NULL,
  hash CHAR(64) NOT NULL,
  PRIMARY KEY (organization_id, level, node_index)
) ENGINE=InnoDB;

-- The tree's right edge, kept with the log head under its lock:
-- audit_tree_size leaves are in audit_tree_nodes, and audit_frontier holds
-- the hex hashes of the perfect subtrees covering them, largest first. A log
-- from before this migration has audit_tree_size 0 and is added to the tree
-- by its next append or signed head.
ALTER TABLE organization_heads
  ADD COLUMN audit_tree_size BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN audit_frontier TEXT NOT NULL DEFAULT '';

-- Signed tree heads, one per size signed (the first signature stands).
-- Hashes, signature and key: lowercase hex.
CREATE TABLE audit_tree_heads (
  organization_id VARCHAR(40) NOT NULL,
  tree_size BIGINT NOT NULL,
  root_hash CHAR(64) NOT NULL,
  time_us BIGINT NOT NULL,
  signature CHAR(128) NOT NULL,
  public_key CHAR(64) NOT NULL,
  PRIMARY KEY (organization_id, tree_size)
) ENGINE=InnoDB;

-- Erasure finds a person's rows by index (docs/OPERATIONS.md, "A person's
-- data"): stored replay answers by who made them (services/common/
-- idempotency.h), decisions by author and by decider, fingerprints by
-- author.
ALTER TABLE idempotency_keys
  ADD COLUMN caller_subject VARCHAR(300) NOT NULL DEFAULT '',
  ADD KEY idempotency_by_caller (scope, caller_subject);
ALTER TABLE decisions
  ADD KEY decisions_of_author (organization_id, author_id),
  ADD KEY decisions_by_decider (organization_id, decider_id);
ALTER TABLE post_shingles
  ADD KEY post_shingles_by_author (organization_id, author_id);
