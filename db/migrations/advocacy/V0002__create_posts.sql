-- candor_advocacy: posts staff write in their own words, and every revision
-- of their content (a decision names the revision it judged).
-- Every table is keyed by organization first (tenancy; shardable by it).
-- Times are microseconds since the Unix epoch, UTC.

-- state: 1 draft, 2 in review, 3 approved, 4 rejected, 5 withdrawn (the
-- proto enum numbers). network: the candor.common.v1.Network number.
-- author_id is the staff_member_id of the author; story_id '' when the post
-- draws on no story. value_ids holds an ordered list, each item as
-- `<byte length>:<bytes>` (services/advocacy/story.h).
-- revision: 1 on create, +1 for every change of the content; version: +1
-- for every change at all (the etag).
-- latest_decision: the serialized candor.transparency.v1.Decision on the
-- current revision (the transparency service owns decisions; this is the
-- copy a post carries), NULL before the first submit of the revision.
CREATE TABLE posts (
  organization_id VARCHAR(40) NOT NULL,
  post_id VARCHAR(63) NOT NULL,
  author_id VARCHAR(63) NOT NULL,
  story_id VARCHAR(63) NOT NULL DEFAULT '',
  network TINYINT NOT NULL,
  text MEDIUMTEXT NOT NULL,
  link_url VARCHAR(2000) NOT NULL DEFAULT '',
  value_ids VARCHAR(1000) NOT NULL DEFAULT '',
  state TINYINT NOT NULL,
  revision BIGINT NOT NULL,
  latest_decision MEDIUMBLOB NULL,
  create_time_us BIGINT NOT NULL,
  update_time_us BIGINT NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (organization_id, post_id),
  KEY posts_by_time (organization_id, create_time_us, post_id),
  KEY posts_by_state_time (organization_id, state, create_time_us, post_id),
  KEY posts_by_author_time (organization_id, author_id, create_time_us, post_id)
) ENGINE=InnoDB;

-- The content of every revision of a post, as it was when written.
CREATE TABLE post_revisions (
  organization_id VARCHAR(40) NOT NULL,
  post_id VARCHAR(63) NOT NULL,
  revision BIGINT NOT NULL,
  story_id VARCHAR(63) NOT NULL DEFAULT '',
  network TINYINT NOT NULL,
  text MEDIUMTEXT NOT NULL,
  link_url VARCHAR(2000) NOT NULL DEFAULT '',
  value_ids VARCHAR(1000) NOT NULL DEFAULT '',
  create_time_us BIGINT NOT NULL,
  PRIMARY KEY (organization_id, post_id, revision)
) ENGINE=InnoDB;

-- Whether staff get something (points, prizes) for sharing a story: posts
-- about it must then carry an incentive disclosure (Story.incentivized).
ALTER TABLE stories ADD COLUMN incentivized BOOLEAN NOT NULL DEFAULT FALSE;
