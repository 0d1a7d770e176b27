-- How far each organization's notification inboxes have imported the
-- advocacy service's event feed (candor.advocacy.v1.AdvocacyService/
-- ListAdvocacyEvents): the last advocacy event sequence turned into
-- notifications. Locked (SELECT ... FOR UPDATE) and advanced in the
-- transaction that adds the notifications, so each event is notified
-- exactly once even when imports run concurrently.
CREATE TABLE advocacy_event_cursors (
  organization_id VARCHAR(40) NOT NULL,
  last_sequence BIGINT NOT NULL,
  PRIMARY KEY (organization_id)
) ENGINE=InnoDB;
