-- candor_engagement: shares, tracking, engagement events, leaderboard
-- participation and notifications. Every table is keyed by organization
-- first. Times are microseconds since the Unix epoch, UTC.

-- state: 1 compliant, 2 noncompliant (the proto enum numbers).
CREATE TABLE shares (
  organization_id VARCHAR(40) NOT NULL,
  share_id VARCHAR(63) NOT NULL,
  post_id VARCHAR(63) NOT NULL,
  author_id VARCHAR(63) NOT NULL,
  network TINYINT NOT NULL,
  published_text MEDIUMTEXT NOT NULL,
  external_url VARCHAR(2000) NOT NULL DEFAULT '',
  link_url VARCHAR(2000) NOT NULL DEFAULT '',
  state TINYINT NOT NULL,
  compliance_explanation VARCHAR(2000) NOT NULL DEFAULT '',
  tracking_code VARCHAR(32) NOT NULL,
  story_id VARCHAR(63) NOT NULL DEFAULT '',
  value_ids VARCHAR(1000) NOT NULL DEFAULT '',
  create_time_us BIGINT NOT NULL,
  PRIMARY KEY (organization_id, share_id),
  UNIQUE KEY shares_by_tracking_code (tracking_code),
  KEY shares_by_author (organization_id, author_id, network, create_time_us),
  KEY shares_by_post (organization_id, post_id, create_time_us),
  KEY shares_by_time (organization_id, create_time_us, share_id)
) ENGINE=InnoDB;

-- One row per accepted event; event_id de-duplicates retries. kind: the
-- proto enum numbers (1 click ... 5 impression).
CREATE TABLE engagement_events (
  organization_id VARCHAR(40) NOT NULL,
  event_id VARCHAR(64) NOT NULL,
  share_id VARCHAR(63) NOT NULL,
  kind TINYINT NOT NULL,
  count BIGINT NOT NULL,
  occurred_time_us BIGINT NOT NULL,
  recorded_time_us BIGINT NOT NULL,
  PRIMARY KEY (organization_id, event_id),
  KEY events_by_share (organization_id, share_id, occurred_time_us),
  KEY events_by_time (organization_id, occurred_time_us)
) ENGINE=InnoDB;

-- Tracking-link clicks are de-duplicated per reader and day without storing
-- who the reader is: visitor_hash is SHA-256(daily salt || IP || user agent),
-- and the daily salt is forgotten after its day.
CREATE TABLE tracking_visits (
  tracking_code VARCHAR(32) NOT NULL,
  day INT NOT NULL,
  visitor_hash CHAR(64) NOT NULL,
  PRIMARY KEY (tracking_code, day, visitor_hash)
) ENGINE=InnoDB;

CREATE TABLE tracking_salts (
  day INT NOT NULL,
  salt CHAR(64) NOT NULL,
  PRIMARY KEY (day)
) ENGINE=InnoDB;

CREATE TABLE leaderboard_participation (
  organization_id VARCHAR(40) NOT NULL,
  staff_member_id VARCHAR(63) NOT NULL,
  participate BOOLEAN NOT NULL,
  update_time_us BIGINT NOT NULL,
  PRIMARY KEY (organization_id, staff_member_id)
) ENGINE=InnoDB;

-- The inbox. sequence orders one person's notifications and is their
-- resume point (notification ids are the sequence). kind: the proto enum
-- numbers.
CREATE TABLE notifications (
  organization_id VARCHAR(40) NOT NULL,
  staff_member_id VARCHAR(63) NOT NULL,
  sequence BIGINT NOT NULL,
  kind TINYINT NOT NULL,
  subject VARCHAR(300) NOT NULL,
  message VARCHAR(2000) NOT NULL,
  is_read BOOLEAN NOT NULL DEFAULT FALSE,
  create_time_us BIGINT NOT NULL,
  PRIMARY KEY (organization_id, staff_member_id, sequence)
) ENGINE=InnoDB;

-- Per-person notification counter, locked to hand out gap-free sequences.
CREATE TABLE notification_heads (
  organization_id VARCHAR(40) NOT NULL,
  staff_member_id VARCHAR(63) NOT NULL,
  last_sequence BIGINT NOT NULL,
  PRIMARY KEY (organization_id, staff_member_id)
) ENGINE=InnoDB;

-- request_id idempotency (AIP-155), as in every schema.
CREATE TABLE idempotency_keys (
  scope VARCHAR(40) NOT NULL,
  request_id VARCHAR(64) NOT NULL,
  request_fingerprint CHAR(64) NOT NULL,
  response MEDIUMBLOB NULL,
  create_time_us BIGINT NOT NULL,
  PRIMARY KEY (scope, request_id),
  KEY idempotency_by_time (create_time_us)
) ENGINE=InnoDB;
