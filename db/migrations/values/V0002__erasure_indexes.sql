-- The caller of each stored request_id (a staff resource name; '' for
-- operators, services and anonymous feedback), so erasure finds and deletes
-- the replay answers a person's own calls stored (services/common/
-- idempotency.h). Keys written before this migration keep '' and expire
-- with the retention (docs/ARCHITECTURE.md, "Exactly-once writes").
ALTER TABLE idempotency_keys
  ADD COLUMN caller_subject VARCHAR(300) NOT NULL DEFAULT '',
  ADD KEY idempotency_by_caller (scope, caller_subject);

-- Export (ListSignedFeedbackOf) and erasure (EraseSignedFeedbackOf) find one
-- person's signed feedback; without this they read all of the
-- organization's feedback, and the erasure's UPDATE locks it all.
-- Anonymous feedback has author_id NULL and stays unattributable.
ALTER TABLE value_feedback
  ADD KEY feedback_by_author (organization_id, author_id);
