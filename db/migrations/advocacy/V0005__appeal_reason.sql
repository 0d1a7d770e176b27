-- Why the author appealed the current revision (AppealPost's reason), for
-- the reviewer; '' when it was not appealed. Before this migration the
-- reason was checked and then dropped.
ALTER TABLE posts
  ADD COLUMN appeal_reason TEXT NOT NULL DEFAULT '';
