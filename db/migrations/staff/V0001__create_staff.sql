-- candor_staff: organizations and their staff members.
-- Every table is keyed by organization first (tenancy; shardable by it).
-- Times are microseconds since the Unix epoch, UTC.

CREATE TABLE organizations (
  organization_id VARCHAR(40) NOT NULL,
  display_name VARCHAR(200) NOT NULL,
  founding_admin_id VARCHAR(63) NOT NULL,
  create_time_us BIGINT NOT NULL,
  PRIMARY KEY (organization_id)
) ENGINE=InnoDB;

-- roles is a bit set: 1 employee, 2 reviewer, 4 admin.
-- state: 1 active, 2 inactive (the proto enum numbers).
-- social_accounts holds the ordered list as lines "network<TAB>handle";
-- staff_social_accounts below enforces that a handle has one owner.
CREATE TABLE staff_members (
  organization_id VARCHAR(40) NOT NULL,
  staff_member_id VARCHAR(63) NOT NULL,
  employee_id VARCHAR(64) NOT NULL,
  display_name VARCHAR(200) NOT NULL,
  email VARCHAR(254) NOT NULL,
  email_key VARCHAR(254) NOT NULL,
  department VARCHAR(100) NOT NULL DEFAULT '',
  title VARCHAR(100) NOT NULL DEFAULT '',
  location VARCHAR(100) NOT NULL DEFAULT '',
  manager_id VARCHAR(63) NOT NULL DEFAULT '',
  roles INT NOT NULL,
  state TINYINT NOT NULL,
  advocacy_consent BOOLEAN NOT NULL DEFAULT FALSE,
  social_accounts VARCHAR(2000) NOT NULL DEFAULT '',
  bio VARCHAR(1000) NOT NULL DEFAULT '',
  deactivation_reason VARCHAR(500) NOT NULL DEFAULT '',
  create_time_us BIGINT NOT NULL,
  update_time_us BIGINT NOT NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (organization_id, staff_member_id),
  UNIQUE KEY staff_by_employee_id (organization_id, employee_id),
  UNIQUE KEY staff_by_email (organization_id, email_key),
  KEY staff_by_department (organization_id, department, staff_member_id),
  KEY staff_by_manager (organization_id, manager_id, staff_member_id)
) ENGINE=InnoDB;

-- One owner per (network, handle) in an organization. handle_key is the
-- handle lowercased without a leading '@'.
CREATE TABLE staff_social_accounts (
  organization_id VARCHAR(40) NOT NULL,
  network TINYINT NOT NULL,
  handle_key VARCHAR(100) NOT NULL,
  staff_member_id VARCHAR(63) NOT NULL,
  PRIMARY KEY (organization_id, network, handle_key),
  KEY social_accounts_by_staff (organization_id, staff_member_id)
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
