-- Advocacy events: post decisions and story creations, recorded in the
-- transaction of the change, read by the engagement service
-- (ListAdvocacyEvents) into staff members' notification inboxes. A pull
-- feed, so advocacy never calls engagement (dependencies point one way).
--
-- advocacy_event_heads holds each organization's last sequence. A writer
-- bumps it with INSERT ... ON DUPLICATE KEY UPDATE, which takes the row's
-- exclusive lock at once and holds it to commit, so events of one
-- organization are numbered 1, 2, 3, ... without gaps (a rollback undoes
-- the bump) and commit in sequence order. Lock order: post and story rows
-- first, then the head row.
CREATE TABLE advocacy_event_heads (
  organization_id VARCHAR(40) NOT NULL,
  last_sequence BIGINT NOT NULL,
  PRIMARY KEY (organization_id)
) ENGINE=InnoDB;

-- kind: 'post.decision' (subject: the post's resource name; recipient_id:
-- the author's staff_member_id; details: the verdict name, APPROVED,
-- NEEDS_REVIEW or REJECTED) or 'story.create' (subject: the story's
-- resource name; recipient_id ''; details: the audience departments joined
-- by '\n', '' for everyone).
CREATE TABLE advocacy_events (
  organization_id VARCHAR(40) NOT NULL,
  sequence BIGINT NOT NULL,
  time_us BIGINT NOT NULL,
  kind VARCHAR(64) NOT NULL,
  subject VARCHAR(300) NOT NULL,
  recipient_id VARCHAR(63) NOT NULL DEFAULT '',
  details TEXT NOT NULL,
  PRIMARY KEY (organization_id, sequence)
) ENGINE=InnoDB;
