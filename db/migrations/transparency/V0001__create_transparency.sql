-- candor_transparency: rulesets, decisions on posts, the shingle sets that
-- rebuild the near-duplicate index, and each organization's audit log.
-- Every table is keyed by organization first (tenancy; shardable by it).
-- Times are microseconds since the Unix epoch, UTC.

-- One row per organization that has used the service: the head of its
-- audit log (last sequence and hash) and whether the shipped default
-- ruleset was published for it. Every audit append and the first-use
-- publication of the default lock this row (FOR UPDATE), so appends
-- serialize per organization and sequences have no gaps.
CREATE TABLE organization_heads (
  organization_id VARCHAR(40) NOT NULL,
  audit_sequence BIGINT NOT NULL DEFAULT 0,
  audit_hash CHAR(64) NOT NULL,
  PRIMARY KEY (organization_id)
) ENGINE=InnoDB;

-- Rulesets. state: 1 draft, 2 published (the proto enum numbers).
-- ruleset_proto is the serialized candor.transparency.v1.Ruleset with its
-- display_name, description and rules (output-only fields are columns).
-- A published ruleset never changes; the newest published is current.
-- publisher is a staff resource name, or "candor" for the shipped default.
CREATE TABLE rulesets (
  organization_id VARCHAR(40) NOT NULL,
  ruleset_id VARCHAR(63) NOT NULL,
  state TINYINT NOT NULL,
  ruleset_proto MEDIUMBLOB NOT NULL,
  create_time_us BIGINT NOT NULL,
  publish_time_us BIGINT NOT NULL DEFAULT 0,
  publisher VARCHAR(200) NOT NULL DEFAULT '',
  PRIMARY KEY (organization_id, ruleset_id),
  KEY rulesets_by_creation (organization_id, create_time_us, ruleset_id),
  KEY rulesets_by_publication (organization_id, state, publish_time_us,
                               ruleset_id)
) ENGINE=InnoDB;

-- Decisions on posts. decider_id is the reviewer's staff_member_id, ''
-- for automatic decisions. author_id is the post's author (their own
-- decisions are visible to them). verdict and outcome are the proto enum
-- numbers. decision_proto is the whole candor.transparency.v1.Decision
-- (results, evidence, cited rules, note) as returned.
CREATE TABLE decisions (
  organization_id VARCHAR(40) NOT NULL,
  decision_id VARCHAR(63) NOT NULL,
  post_id VARCHAR(63) NOT NULL,
  post_revision BIGINT NOT NULL,
  author_id VARCHAR(63) NOT NULL,
  decider_id VARCHAR(63) NOT NULL,
  verdict TINYINT NOT NULL,
  outcome TINYINT NOT NULL,
  create_time_us BIGINT NOT NULL,
  decision_proto MEDIUMBLOB NOT NULL,
  PRIMARY KEY (organization_id, decision_id),
  KEY decisions_by_time (organization_id, create_time_us, decision_id),
  KEY decisions_by_post (organization_id, post_id, create_time_us,
                         decision_id),
  KEY decisions_by_author (organization_id, author_id, create_time_us,
                           decision_id)
) ENGINE=InnoDB;

-- The shingle set (engine/shingles.h EncodeShingleSet) of each post that a
-- decision did not reject, so the in-memory near-duplicate index can be
-- rebuilt when the service starts. One row per post: its latest revision.
CREATE TABLE post_shingles (
  organization_id VARCHAR(40) NOT NULL,
  post_id VARCHAR(63) NOT NULL,
  author_id VARCHAR(63) NOT NULL,
  time_us BIGINT NOT NULL,
  shingles MEDIUMBLOB NOT NULL,
  PRIMARY KEY (organization_id, post_id),
  KEY post_shingles_by_time (organization_id, time_us)
) ENGINE=InnoDB;

-- The audit log: sequence 1, 2, ... per organization with no gaps.
-- hash = SHA-256(prev_hash || canonical bytes) (audit_chain.h), where the
-- canonical bytes carry actor_digest (hex SHA-256 of actor), not actor
-- itself: erasure may replace actor with a pseudonym and keep the digest,
-- and the chain still verifies.
CREATE TABLE audit_entries (
  organization_id VARCHAR(40) NOT NULL,
  sequence BIGINT NOT NULL,
  time_us BIGINT NOT NULL,
  actor VARCHAR(200) NOT NULL,
  actor_digest CHAR(64) NOT NULL,
  action VARCHAR(64) NOT NULL,
  subject VARCHAR(300) NOT NULL,
  details TEXT NOT NULL,
  prev_hash CHAR(64) NOT NULL,
  hash CHAR(64) NOT NULL,
  PRIMARY KEY (organization_id, sequence)
) ENGINE=InnoDB;

-- request_id idempotency (AIP-155): the first response of a mutating call,
-- stored in the transaction of its effect. scope is the caller's
-- organization ('' for operators).
CREATE TABLE idempotency_keys (
  scope VARCHAR(40) NOT NULL,
  request_id VARCHAR(64) NOT NULL,
  request_fingerprint CHAR(64) NOT NULL,
  response MEDIUMBLOB NULL,
  create_time_us BIGINT NOT NULL,
  PRIMARY KEY (scope, request_id),
  KEY idempotency_by_time (create_time_us)
) ENGINE=InnoDB;
