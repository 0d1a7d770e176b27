-- How far the organization's audit log has imported the staff service's
-- event feed (candor.staff.v1.StaffService/ListStaffEvents): the last staff
-- event sequence appended as an audit entry. Read and advanced under the
-- organization_heads lock in the transaction that appends the entries, so
-- each staff event is audited exactly once.
ALTER TABLE organization_heads
  ADD COLUMN staff_event_sequence BIGINT NOT NULL DEFAULT 0;
