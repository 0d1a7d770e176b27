-- The caller of each stored request_id (a staff resource name; '' for
-- operators, services and anonymous feedback), so erasure finds and deletes
-- the replay answers a person's own calls stored (services/common/
-- idempotency.h). Keys written before this migration keep '' and expire
-- with the retention (docs/ARCHITECTURE.md, "Exactly-once writes").
ALTER TABLE idempotency_keys
  ADD COLUMN caller_subject VARCHAR(300) NOT NULL DEFAULT '',
  ADD KEY idempotency_by_caller (scope, caller_subject);

-- Export (ListStaffEventsOf: actor or subject) and erasure
-- (PseudonymizeEventActor, ScrubEventDetailsOfSubject) find one person's
-- events; without these they read every event of the organization, and the
-- erasure's UPDATEs lock them all.
ALTER TABLE staff_events
  ADD KEY staff_events_by_actor (organization_id, actor),
  ADD KEY staff_events_by_subject (organization_id, subject);
