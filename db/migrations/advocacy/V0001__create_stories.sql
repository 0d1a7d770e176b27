-- candor_advocacy: stories (and, later, posts).
-- Every table is keyed by organization first (tenancy; shardable by it).
-- Times are microseconds since the Unix epoch, UTC.

-- state: 1 active, 2 archived (the proto enum numbers).
-- expire_time_us: 0 when the story never expires.
-- talking_points, value_ids and audience_departments hold ordered lists,
-- each item as `<byte length>:<bytes>` (services/advocacy/story.h): they are
-- always read and written with the story and never searched. value_ids are
-- ids of values of the same organization (the values service owns them).
-- audience_count is the number of audience departments (0: everyone), so
-- the employee query tests story_audiences only for targeted stories.
-- creator_id is the staff_member_id of the reviewer or admin who created it.
CREATE TABLE stories (
  organization_id VARCHAR(40) NOT NULL,
  story_id VARCHAR(63) NOT NULL,
  title VARCHAR(200) NOT NULL,
  summary TEXT NOT NULL,
  url VARCHAR(2000) NOT NULL DEFAULT '',
  talking_points TEXT NOT NULL,
  value_ids VARCHAR(1000) NOT NULL DEFAULT '',
  audience_departments TEXT NOT NULL,
  audience_count INT NOT NULL DEFAULT 0,
  state TINYINT NOT NULL,
  expire_time_us BIGINT NOT NULL DEFAULT 0,
  creator_id VARCHAR(63) NOT NULL DEFAULT '',
  create_time_us BIGINT NOT NULL,
  update_time_us BIGINT NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (organization_id, story_id),
  KEY stories_by_time (organization_id, create_time_us, story_id),
  KEY stories_by_state_time (organization_id, state, create_time_us, story_id)
) ENGINE=InnoDB;

-- The audience of targeted stories, one row per department, keyed by the
-- department as matched (trimmed, ASCII-lowercased), for the employee list.
CREATE TABLE story_audiences (
  organization_id VARCHAR(40) NOT NULL,
  story_id VARCHAR(63) NOT NULL,
  department_key VARCHAR(100) NOT NULL,
  PRIMARY KEY (organization_id, story_id, department_key)
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
