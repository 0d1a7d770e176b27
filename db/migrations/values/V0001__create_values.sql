-- candor_values: the organization's shared values, every wording they have
-- had, who endorses them, and feedback on them.
-- Every table is keyed by organization first (tenancy; shardable by it).
-- Times are microseconds since the Unix epoch, UTC.
-- (`values` is a reserved word, hence company_values.)

-- The current wording of each value. state: 1 active, 2 retired (the proto
-- enum numbers). revision_number is the current row of value_revisions.
-- endorsement_count is kept exact by changing it in the transaction that
-- adds or removes a value_endorsements row, and only when a row changed.
-- version is the etag: it counts changes of wording and state.
-- feedback_sequence is the last sequence given to feedback on the value
-- (not shown; changing it does not touch update_time_us or version).
CREATE TABLE company_values (
  organization_id VARCHAR(40) NOT NULL,
  value_id VARCHAR(63) NOT NULL,
  title VARCHAR(120) NOT NULL,
  statement VARCHAR(2000) NOT NULL,
  state TINYINT NOT NULL,
  revision_number BIGINT NOT NULL,
  endorsement_count BIGINT NOT NULL DEFAULT 0,
  feedback_sequence BIGINT NOT NULL DEFAULT 0,
  create_time_us BIGINT NOT NULL,
  update_time_us BIGINT NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (organization_id, value_id),
  KEY values_by_creation (organization_id, create_time_us, value_id),
  KEY values_by_state (organization_id, state, create_time_us, value_id)
) ENGINE=InnoDB;

-- Every wording a value has had, the current one included. editor_id is the
-- staff_member_id of the admin who wrote it.
CREATE TABLE value_revisions (
  organization_id VARCHAR(40) NOT NULL,
  value_id VARCHAR(63) NOT NULL,
  revision_number BIGINT NOT NULL,
  title VARCHAR(120) NOT NULL,
  statement VARCHAR(2000) NOT NULL,
  editor_id VARCHAR(63) NOT NULL,
  create_time_us BIGINT NOT NULL,
  PRIMARY KEY (organization_id, value_id, revision_number)
) ENGINE=InnoDB;

-- One row per (value, staff member) who endorses it now.
CREATE TABLE value_endorsements (
  organization_id VARCHAR(40) NOT NULL,
  value_id VARCHAR(63) NOT NULL,
  staff_member_id VARCHAR(63) NOT NULL,
  create_time_us BIGINT NOT NULL,
  PRIMARY KEY (organization_id, value_id, staff_member_id),
  KEY endorsements_by_staff (organization_id, staff_member_id, value_id)
) ENGINE=InnoDB;

-- Feedback on a value; sequence_number (1, 2, ... per value) is its id and its
-- order. Anonymous feedback stores no author at all (author_id NULL) and a
-- create_time_us rounded down to the UTC day, so that no query, an
-- operator's included, can attribute it.
CREATE TABLE value_feedback (
  organization_id VARCHAR(40) NOT NULL,
  value_id VARCHAR(63) NOT NULL,
  sequence_number BIGINT NOT NULL,
  feedback_text VARCHAR(2000) NOT NULL,
  anonymous BOOLEAN NOT NULL,
  author_id VARCHAR(63) NULL,
  value_revision_number BIGINT NOT NULL,
  create_time_us BIGINT NOT NULL,
  PRIMARY KEY (organization_id, value_id, sequence_number),
  CONSTRAINT feedback_anonymous_has_no_author
    CHECK ((anonymous AND author_id IS NULL) OR
           (NOT anonymous AND author_id IS NOT NULL))
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
