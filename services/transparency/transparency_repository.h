// The only place the transparency service's SQL lives (schema
// candor_transparency, see db/migrations/transparency). Takes and returns
// the records of records.h and audit_chain.h.
//
// Methods that take a db::Transaction run inside the caller's transaction;
// the others borrow a connection for one call, so a call holds at most one.
//
// Lock order: a transaction that writes takes the organization's head row
// (LockOrganization, or AppendAuditEntry which takes it) before any other
// row of the organization, so writers of one organization serialize in one
// order and audit sequences have no gaps.
//
// Thread-safe: the repository holds no state but the pool.
#ifndef CANDOR_SERVICES_TRANSPARENCY_TRANSPARENCY_REPOSITORY_H_
#define CANDOR_SERVICES_TRANSPARENCY_TRANSPARENCY_REPOSITORY_H_

#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "db/pool.h"
#include "db/transaction.h"
#include "services/common/time_cursor.h"
#include "services/transparency/audit_chain.h"
#include "services/transparency/merkle.h"
#include "services/transparency/records.h"
#include "services/transparency/tree_head.h"

namespace sql {
class PreparedStatement;
}  // namespace sql

namespace candor::transparency {

// Bind one row's columns in the table's insert order (for the repository's
// statements and the bulk loader's multi-row ones), from parameter `first`;
// return the index after the last. A BLOB column is read from the stream
// passed, which must live until the statement runs.
//   audit_entries: organization_id, sequence, time_us, actor, actor_digest,
//     action, subject, details, prev_hash, hash, chain_version,
//     details_digest, details_salt, details_redacted
//   decisions: organization_id, decision_id, post_id, post_revision,
//     author_id, decider_id, verdict, outcome, create_time_us, decision_proto
//   post_shingles: organization_id, post_id, author_id, time_us, shingles
int BindAuditEntryRow(sql::PreparedStatement& s, int first,
                      const AuditEntryRecord& e);
int BindDecisionRow(sql::PreparedStatement& s, int first,
                    const DecisionRecord& d, std::istream& body);
int BindShinglesRow(sql::PreparedStatement& s, int first,
                    const PostShinglesRecord& r, std::istream& shingles);

// Which decisions ListDecisions returns; empty strings and 0 match any.
struct DecisionQuery {
  std::string post_id;
  std::string author_id;
  int verdict = 0;
  bool automatic_only = false;
  std::string decider_id;
};

class TransparencyRepository {
 public:
  explicit TransparencyRepository(db::Pool* pool) : pool_(pool) {}

  db::Pool& pool() { return *pool_; }

  // Creates the organization's head row when missing and locks it.
  absl::Status LockOrganization(db::Transaction& tx, absl::string_view org);

  // Appends `entry` (organization_id, time_us, actor, action, subject and
  // details set) to its organization's log: locks the head row, numbers
  // the entry, seals it (audit_chain.h), stores it and adds it to the
  // Merkle tree.
  absl::Status AppendAuditEntry(db::Transaction& tx, AuditEntryRecord* entry);

  // The organization's log head: the last entry's sequence and hash (0 and
  // kGenesisHash before the first), and the Merkle tree's right edge. The
  // tree holds every entry, except in a log from before the tree existed
  // until its next append (tree.size() < sequence).
  struct AuditHead {
    int64_t sequence = 0;
    std::string hash;
    merkle::TreeFrontier tree;
  };
  // Locks the head row, creating it when missing (as LockOrganization).
  absl::StatusOr<AuditHead> LockAuditHead(db::Transaction& tx,
                                          absl::string_view org);
  // The head as committed, without locking.
  absl::StatusOr<AuditHead> ReadAuditHead(absl::string_view org);
  // Stores sealed `entries` (consecutive, right after head->sequence) and
  // their tree nodes, first adding any entries missing from the tree, and
  // moves *head past them. Under LockAuditHead's lock; SetAuditHead after.
  absl::Status InsertAuditEntries(
      db::Transaction& tx, absl::string_view org,
      const std::vector<const AuditEntryRecord*>& entries, AuditHead* head);
  // Adds the entries a log from before the tree holds to it (under
  // LockAuditHead's lock; SetAuditHead after).
  absl::Status CatchUpAuditTree(db::Transaction& tx, absl::string_view org,
                                AuditHead* head);
  // Writes `head` (under LockAuditHead's lock).
  absl::Status SetAuditHead(db::Transaction& tx, absl::string_view org,
                            const AuditHead& head);
  // Stored perfect subtrees of the organization's tree; ids not stored are
  // missing from the answer.
  absl::StatusOr<std::map<merkle::NodeId, merkle::Hash>> ReadAuditTreeNodes(
      absl::string_view org, const std::vector<merkle::NodeId>& ids);
  // Stores a signed head unless one of its size is stored; returns the
  // stored one.
  absl::StatusOr<TreeHead> StoreTreeHead(const TreeHead& head);
  absl::StatusOr<std::optional<TreeHead>> FindTreeHead(absl::string_view org,
                                                       int64_t tree_size);
  // The last staff event sequence the organization's log has imported (0
  // when none or no head row yet), read without locking.
  absl::StatusOr<int64_t> StaffEventCursor(absl::string_view org);
  // The same, read under the head lock: call LockOrganization first.
  absl::StatusOr<int64_t> StaffEventCursorForUpdate(db::Transaction& tx,
                                                    absl::string_view org);
  // Stores the cursor (under the head lock, in the appends' transaction).
  absl::Status SetStaffEventCursor(db::Transaction& tx, absl::string_view org,
                                   int64_t sequence);
  // Up to `limit` entries with sequence > `after`, in sequence order.
  absl::StatusOr<std::vector<AuditEntryRecord>> ListAuditEntries(
      absl::string_view org, int64_t after, int limit);

  // ALREADY_EXISTS when the id is taken.
  absl::Status InsertRuleset(db::Transaction& tx, const RulesetRecord& ruleset);
  // NOT_FOUND `organizations/{org}/rulesets/{id} not found`.
  absl::StatusOr<RulesetRecord> FindRuleset(absl::string_view org,
                                            absl::string_view ruleset_id);
  absl::StatusOr<RulesetRecord> FindRulesetForUpdate(
      db::Transaction& tx, absl::string_view org, absl::string_view ruleset_id);
  // Writes state, publish time and publisher.
  absl::Status UpdateRulesetPublication(db::Transaction& tx,
                                        const RulesetRecord& ruleset);
  // The newest published ruleset, if any.
  absl::StatusOr<std::optional<RulesetRecord>> FindCurrentRuleset(
      absl::string_view org);
  absl::StatusOr<std::optional<RulesetRecord>> FindCurrentRuleset(
      db::Transaction& tx, absl::string_view org);
  // Up to `limit` rulesets created before `before` (newest first).
  absl::StatusOr<std::vector<RulesetRecord>> ListRulesets(
      absl::string_view org, const TimeCursor& before, int limit);

  absl::Status InsertDecision(db::Transaction& tx,
                              const DecisionRecord& decision);
  // NOT_FOUND when absent.
  absl::StatusOr<DecisionRecord> FindDecision(absl::string_view org,
                                              absl::string_view decision_id);
  // Up to `limit` decisions matching `query` before `before`, newest first.
  absl::StatusOr<std::vector<DecisionRecord>> ListDecisions(
      absl::string_view org, const DecisionQuery& query,
      const TimeCursor& before, int limit);
  // Calls `visit` for every decision with from_us <= create time < to_us,
  // oldest first, reading in batches.
  absl::Status ForEachDecisionBetween(
      absl::string_view org, int64_t from_us, int64_t to_us,
      const std::function<void(const DecisionRecord&)>& visit);

  // --- the fingerprint feed (post_shingles; V0003__fingerprint_feed.sql) --

  // LockOrganization, and reserves `count` consecutive feed sequences of
  // `org` in the same statement; returns the first. The head lock, held to
  // commit, is what makes sequences commit in order.
  absl::StatusOr<int64_t> LockOrganizationForFingerprints(db::Transaction& tx,
                                                          absl::string_view org,
                                                          int64_t count);
  // The last feed sequence of `org` that committed (0 when none).
  absl::StatusOr<int64_t> FingerprintHead(absl::string_view org);
  // Stores (or replaces) a post's shingle set at record.feed_sequence.
  absl::Status UpsertPostShingles(db::Transaction& tx,
                                  const PostShinglesRecord& record);
  // Turns a post's row into a tombstone at `feed_sequence` (nothing when
  // the post has no row).
  absl::Status RemovePostShingles(db::Transaction& tx, absl::string_view org,
                                  absl::string_view post_id,
                                  int64_t feed_sequence);
  // Up to `limit` rows of `org` (tombstones included) with feed sequence >
  // `after`, in sequence order: what changed since a replica last looked.
  absl::StatusOr<std::vector<PostShinglesRecord>> ListFingerprintChanges(
      absl::string_view org, int64_t after, int limit);
  // Every organization that has used the service (has a head row).
  absl::StatusOr<std::vector<std::string>> ListOrganizations();
  // Calls `visit` with every stored shingle set (tombstones skipped) of the
  // organization with time >= since_us, in post id order. Reads pages of
  // kShinglePage rows, each its own query: Connector/C++ buffers a whole result
  // set, and an organization's million posts would otherwise be in memory at
  // once.
  static constexpr int kShinglePage = 5000;
  // How many shingle sets ForEachPostShingles would visit.
  absl::StatusOr<int64_t> CountPostShingles(absl::string_view org,
                                            int64_t since_us);
  absl::Status ForEachPostShingles(
      absl::string_view org, int64_t since_us,
      const std::function<absl::Status(const PostShinglesRecord&)>& visit);

  // --- personal data (exports and erasures; indexed by person since
  // V0004) ---

  // Up to `limit` decisions on `staff_member_id`'s posts and decisions they
  // made, newest first, before `before` (an export's page).
  absl::StatusOr<std::vector<DecisionRecord>> ListDecisionsOfPerson(
      absl::string_view org, absl::string_view staff_member_id,
      const TimeCursor& before, int limit);
  // Decisions on `author_id`'s posts, locked for an erasure.
  absl::StatusOr<std::vector<DecisionRecord>> ListDecisionsOfAuthorForUpdate(
      db::Transaction& tx, absl::string_view org, absl::string_view author_id);
  // Replaces a decision's serialized body.
  absl::Status UpdateDecisionBody(db::Transaction& tx,
                                  const DecisionRecord& decision);
  // Turns the shingle sets of `author_id`'s posts into tombstones (new feed
  // sequences, so replicas drop them); returns their post ids. Call after
  // LockOrganization (lock order).
  absl::StatusOr<std::vector<std::string>> RemovePostShinglesOfAuthor(
      db::Transaction& tx, absl::string_view org, absl::string_view author_id);
  // Up to `limit` audit entries whose actor is `actor`, in sequence order
  // after `after_sequence` (an export's page).
  absl::StatusOr<std::vector<AuditEntryRecord>> ListAuditEntriesByActor(
      absl::string_view org, absl::string_view actor, int64_t after_sequence,
      int limit);
  // Replaces `actor` with `pseudonym` in the actor column only: actor_digest,
  // which the hash chain covers, stays, so the chain still verifies once an
  // erasure entry declares the pseudonym. Returns the rows changed.
  absl::StatusOr<int64_t> PseudonymizeAuditActor(db::Transaction& tx,
                                                 absl::string_view org,
                                                 absl::string_view actor,
                                                 absl::string_view pseudonym);
  // Empties details and salt of the version-2 entries about `subject`
  // (except erasure entries) and marks them redacted: their details_digest
  // stays in the chain. Returns the rows changed.
  absl::StatusOr<int64_t> RedactAuditDetails(db::Transaction& tx,
                                             absl::string_view org,
                                             absl::string_view subject);

 private:
  db::Pool* const pool_;
};

}  // namespace candor::transparency

#endif  // CANDOR_SERVICES_TRANSPARENCY_TRANSPARENCY_REPOSITORY_H_
