-- Staff events: role changes and deactivations, recorded in the transaction
-- of the change, read by the transparency service (ListStaffEvents) into the
-- organization's audit log (RULES.md: every role change and deactivation is
-- audited).
--
-- staff_event_heads holds each organization's last sequence. A writer bumps
-- it with INSERT ... ON DUPLICATE KEY UPDATE, which takes the row's
-- exclusive lock at once and holds it to commit, so events of one
-- organization are numbered 1, 2, 3, ... without gaps (a rollback undoes
-- the bump). Lock order: staff rows first, then the head row.
CREATE TABLE staff_event_heads (
  organization_id VARCHAR(40) NOT NULL,
  last_sequence BIGINT NOT NULL,
  PRIMARY KEY (organization_id)
) ENGINE=InnoDB;

-- kind: 'roles.change' or 'staff.deactivate'. actor and subject are staff
-- resource names; details says what changed (or the deactivation reason).
CREATE TABLE staff_events (
  organization_id VARCHAR(40) NOT NULL,
  sequence BIGINT NOT NULL,
  time_us BIGINT NOT NULL,
  actor VARCHAR(200) NOT NULL,
  kind VARCHAR(64) NOT NULL,
  subject VARCHAR(300) NOT NULL,
  details TEXT NOT NULL,
  PRIMARY KEY (organization_id, sequence)
) ENGINE=InnoDB;
