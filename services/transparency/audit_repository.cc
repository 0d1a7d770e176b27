// TransparencyRepository: the audit log's SQL (transparency_repository.h):
// entries, the head row with the Merkle tree's right edge, the tree's
// stored subtrees and the signed tree heads (docs/AUDIT.md).
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "db/statement.h"
#include "services/common/status_macros.h"
#include "services/transparency/transparency_repository.h"

namespace candor::transparency {
namespace {

#define CANDOR_AUDIT_COLUMNS                                           \
  "organization_id, sequence, time_us, actor, actor_digest, action, "  \
  "subject, details, prev_hash, hash, chain_version, details_digest, " \
  "details_salt, details_redacted"
#define CANDOR_AUDIT_ROW "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

constexpr absl::string_view kInsertAuditEntries =
    "INSERT INTO audit_entries (" CANDOR_AUDIT_COLUMNS ") VALUES ";
constexpr absl::string_view kListAuditEntries =
    "SELECT " CANDOR_AUDIT_COLUMNS
    " FROM audit_entries WHERE organization_id = ? AND sequence > ? "
    "ORDER BY sequence LIMIT ?";
constexpr absl::string_view kListAuditEntriesByActor =
    "SELECT " CANDOR_AUDIT_COLUMNS
    " FROM audit_entries WHERE organization_id = ? AND actor = ? "
    "AND sequence > ? ORDER BY sequence LIMIT ?";
#undef CANDOR_AUDIT_COLUMNS

constexpr absl::string_view kListAuditHashes =
    "SELECT hash FROM audit_entries WHERE organization_id = ? AND "
    "sequence > ? ORDER BY sequence LIMIT ?";
constexpr absl::string_view kPseudonymizeAuditActor =
    "UPDATE audit_entries SET actor = ? WHERE organization_id = ? AND "
    "actor = ?";
// Version 1 cannot be redacted (its hash covers details as written), an
// erasure's own declaration must stay readable, and empty details have
// nothing to redact (so erasing again changes nothing).
constexpr absl::string_view kRedactAuditDetails =
    "UPDATE audit_entries SET details = '', details_salt = '', "
    "details_redacted = 1 WHERE organization_id = ? AND subject = ? AND "
    "chain_version = 2 AND details_redacted = 0 AND details <> '' AND "
    "action <> ?";

constexpr absl::string_view kSelectHeadForUpdate =
    "SELECT audit_sequence, audit_hash, audit_tree_size, audit_frontier "
    "FROM organization_heads WHERE organization_id = ? FOR UPDATE";
constexpr absl::string_view kSelectHead =
    "SELECT audit_sequence, audit_hash, audit_tree_size, audit_frontier "
    "FROM organization_heads WHERE organization_id = ?";
constexpr absl::string_view kUpdateHead =
    "UPDATE organization_heads SET audit_sequence = ?, audit_hash = ?, "
    "audit_tree_size = ?, audit_frontier = ? WHERE organization_id = ?";

constexpr absl::string_view kInsertTreeNodes =
    "INSERT INTO audit_tree_nodes (organization_id, level, node_index, hash) "
    "VALUES ";
constexpr absl::string_view kSelectTreeNodes =
    "SELECT level, node_index, hash FROM audit_tree_nodes WHERE "
    "organization_id = ? AND (";

// The first signature of a size stands; a replica that signed the same
// size concurrently reads the stored one back.
constexpr absl::string_view kInsertTreeHead =
    "INSERT IGNORE INTO audit_tree_heads (organization_id, tree_size, "
    "root_hash, time_us, signature, public_key) VALUES (?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kSelectTreeHead =
    "SELECT organization_id, tree_size, root_hash, time_us, signature, "
    "public_key FROM audit_tree_heads WHERE organization_id = ? AND "
    "tree_size = ?";

// Leaves read per query when a log from before the tree is added to it.
constexpr int kCatchUpBatch = 10000;
// Rows per multi-row insert, under MariaDB's 65,535 placeholders a
// statement (14 per entry, 4 per node).
constexpr size_t kEntryInsertBatch = 1000;
constexpr size_t kNodeInsertBatch = 2000;

AuditEntryRecord RowToAuditEntry(sql::ResultSet& row) {
  AuditEntryRecord r;
  r.organization_id = row.getString(1);
  r.sequence = row.getInt64(2);
  r.time_us = row.getInt64(3);
  r.actor = row.getString(4);
  r.actor_digest = row.getString(5);
  r.action = row.getString(6);
  r.subject = row.getString(7);
  r.details = row.getString(8);
  r.prev_hash = row.getString(9);
  r.hash = row.getString(10);
  r.chain_version = row.getInt(11);
  r.details_digest = row.getString(12);
  r.details_salt = row.getString(13);
  r.details_redacted = row.getBoolean(14);
  return r;
}

merkle::Hash HashFromHex(absl::string_view hex) {
  merkle::Hash hash{};
  const std::string bytes = absl::HexStringToBytes(hex);
  std::copy_n(bytes.begin(), std::min(bytes.size(), hash.size()), hash.begin());
  return hash;
}

std::string FrontierText(const merkle::TreeFrontier& tree) {
  std::string text;
  for (const merkle::Hash& h : tree.cover()) text += merkle::HexOf(h);
  return text;
}

TransparencyRepository::AuditHead RowToHead(sql::ResultSet& row) {
  TransparencyRepository::AuditHead head;
  head.sequence = row.getInt64(1);
  head.hash = row.getString(2);
  const std::string frontier = row.getString(4);
  std::vector<merkle::Hash> cover;
  for (size_t i = 0; i + 64 <= frontier.size(); i += 64) {
    cover.push_back(HashFromHex(absl::string_view(frontier).substr(i, 64)));
  }
  head.tree = merkle::TreeFrontier(static_cast<uint64_t>(row.getInt64(3)),
                                   std::move(cover));
  return head;
}

TreeHead RowToTreeHead(sql::ResultSet& row) {
  TreeHead head;
  head.organization_id = row.getString(1);
  head.tree_size = row.getInt64(2);
  head.root_hash = HashFromHex(std::string(row.getString(3)));
  head.time_us = row.getInt64(4);
  head.signature = absl::HexStringToBytes(std::string(row.getString(5)));
  head.public_key = absl::HexStringToBytes(std::string(row.getString(6)));
  return head;
}

// The Merkle leaf of an entry: its hash's 32 raw bytes.
merkle::Hash LeafOf(absl::string_view entry_hash_hex) {
  return merkle::LeafHash(absl::HexStringToBytes(entry_hash_hex));
}

absl::Status InsertTreeNodes(
    db::Connection& c, absl::string_view org,
    const std::vector<std::pair<merkle::NodeId, merkle::Hash>>& nodes) {
  for (size_t begin = 0; begin < nodes.size(); begin += kNodeInsertBatch) {
    const size_t n = std::min(kNodeInsertBatch, nodes.size() - begin);
    db::InsertRows(c, kInsertTreeNodes, "(?, ?, ?, ?)", n,
                   [&](sql::PreparedStatement& s, int first, size_t i) {
                     const auto& [id, hash] = nodes[begin + i];
                     return db::BindAt(s, first, org, id.level,
                                       static_cast<int64_t>(id.index),
                                       merkle::HexOf(hash));
                   });
  }
  return absl::OkStatus();
}

}  // namespace

int BindAuditEntryRow(sql::PreparedStatement& s, int first,
                      const AuditEntryRecord& e) {
  return db::BindAt(s, first, e.organization_id, e.sequence, e.time_us, e.actor,
                    e.actor_digest, e.action, e.subject, e.details, e.prev_hash,
                    e.hash, e.chain_version, e.details_digest, e.details_salt,
                    e.details_redacted);
}

absl::Status TransparencyRepository::AppendAuditEntry(db::Transaction& tx,
                                                      AuditEntryRecord* entry) {
  CANDOR_ASSIGN_OR_RETURN(AuditHead head,
                          LockAuditHead(tx, entry->organization_id));
  entry->sequence = head.sequence + 1;
  SealEntry(head.hash, entry);
  CANDOR_RETURN_IF_ERROR(
      InsertAuditEntries(tx, entry->organization_id, {entry}, &head));
  return SetAuditHead(tx, entry->organization_id, head);
}

absl::Status TransparencyRepository::InsertAuditEntries(
    db::Transaction& tx, absl::string_view org,
    const std::vector<const AuditEntryRecord*>& entries, AuditHead* head) {
  if (entries.empty()) return absl::OkStatus();
  CANDOR_RETURN_IF_ERROR(CatchUpAuditTree(tx, org, head));
  return db::Run("append audit entries", tx, [&](db::Connection& c) {
    for (size_t begin = 0; begin < entries.size(); begin += kEntryInsertBatch) {
      const size_t n = std::min(kEntryInsertBatch, entries.size() - begin);
      db::InsertRows(c, kInsertAuditEntries, CANDOR_AUDIT_ROW, n,
                     [&](sql::PreparedStatement& s, int first, size_t i) {
                       return BindAuditEntryRow(s, first, *entries[begin + i]);
                     });
    }
    std::vector<std::pair<merkle::NodeId, merkle::Hash>> nodes;
    for (const AuditEntryRecord* entry : entries) {
      for (auto& node : head->tree.Append(LeafOf(entry->hash))) {
        nodes.push_back(std::move(node));
      }
    }
    head->sequence = entries.back()->sequence;
    head->hash = entries.back()->hash;
    return InsertTreeNodes(c, org, nodes);
  });
}

absl::Status TransparencyRepository::CatchUpAuditTree(db::Transaction& tx,
                                                      absl::string_view org,
                                                      AuditHead* head) {
  while (static_cast<int64_t>(head->tree.size()) < head->sequence) {
    CANDOR_RETURN_IF_ERROR(
        db::Run("add audit entries to the tree", tx, [&](db::Connection& c) {
          const std::vector<std::string> hashes = db::ReadAll(
              db::Bind(c.Prepare(kListAuditHashes), org,
                       static_cast<int64_t>(head->tree.size()), kCatchUpBatch),
              db::FirstString);
          if (hashes.empty()) {
            return absl::DataLossError(
                absl::StrCat("audit entries of organizations/", org, " after ",
                             head->tree.size(), " are missing"));
          }
          std::vector<std::pair<merkle::NodeId, merkle::Hash>> nodes;
          for (const std::string& hash : hashes) {
            for (auto& node : head->tree.Append(LeafOf(hash))) {
              nodes.push_back(std::move(node));
            }
          }
          return InsertTreeNodes(c, org, nodes);
        }));
  }
  return absl::OkStatus();
}

absl::StatusOr<TransparencyRepository::AuditHead>
TransparencyRepository::LockAuditHead(db::Transaction& tx,
                                      absl::string_view org) {
  // The head row exists for every organization that appended before, and
  // is usually locked by this transaction already: read it first, and
  // create it only when missing (a round trip less under the lock that
  // serializes the organization's appends).
  CANDOR_ASSIGN_OR_RETURN(
      std::optional<AuditHead> head,
      db::Run(
          "lock audit log head", tx,
          [&](db::Connection& c) -> absl::StatusOr<std::optional<AuditHead>> {
            return db::ReadOne(db::Bind(c.Prepare(kSelectHeadForUpdate), org),
                               RowToHead);
          }));
  if (head.has_value()) return *std::move(head);
  CANDOR_RETURN_IF_ERROR(LockOrganization(tx, org));
  return db::Run("lock audit log head", tx,
                 [&](db::Connection& c) -> absl::StatusOr<AuditHead> {
                   return db::ReadOneOr(
                       db::Bind(c.Prepare(kSelectHeadForUpdate), org),
                       RowToHead, [] {
                         return absl::InternalError(
                             "audit log head missing after creation");
                       });
                 });
}

absl::StatusOr<TransparencyRepository::AuditHead>
TransparencyRepository::ReadAuditHead(absl::string_view org) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run("read audit log head", connection,
                 [&](db::Connection& c) -> absl::StatusOr<AuditHead> {
                   AuditHead empty;
                   empty.hash = kGenesisHash;
                   return db::ReadOne(db::Bind(c.Prepare(kSelectHead), org),
                                      RowToHead)
                       .value_or(empty);
                 });
}

absl::Status TransparencyRepository::SetAuditHead(db::Transaction& tx,
                                                  absl::string_view org,
                                                  const AuditHead& head) {
  return db::Run("advance audit log head", tx, [&](db::Connection& c) {
    db::Bind(c.Prepare(kUpdateHead), head.sequence, head.hash,
             static_cast<int64_t>(head.tree.size()), FrontierText(head.tree),
             org)
        .executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<AuditEntryRecord>>
TransparencyRepository::ListAuditEntries(absl::string_view org, int64_t after,
                                         int limit) {
  return db::QueryAll(*pool_, "list audit entries", kListAuditEntries,
                      RowToAuditEntry, org, after, limit);
}

absl::StatusOr<std::vector<AuditEntryRecord>>
TransparencyRepository::ListAuditEntriesByActor(absl::string_view org,
                                                absl::string_view actor,
                                                int64_t after_sequence,
                                                int limit) {
  return db::QueryAll(*pool_, "list audit entries of an actor",
                      kListAuditEntriesByActor, RowToAuditEntry, org, actor,
                      after_sequence, limit);
}

absl::StatusOr<int64_t> TransparencyRepository::PseudonymizeAuditActor(
    db::Transaction& tx, absl::string_view org, absl::string_view actor,
    absl::string_view pseudonym) {
  return db::Run("pseudonymize audit actor", tx,
                 [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                   return int64_t{db::Bind(c.Prepare(kPseudonymizeAuditActor),
                                           pseudonym, org, actor)
                                      .executeUpdate()};
                 });
}

absl::StatusOr<int64_t> TransparencyRepository::RedactAuditDetails(
    db::Transaction& tx, absl::string_view org, absl::string_view subject) {
  return db::Run("redact audit details", tx,
                 [&](db::Connection& c) -> absl::StatusOr<int64_t> {
                   return int64_t{db::Bind(c.Prepare(kRedactAuditDetails), org,
                                           subject, kAuditEraseAction)
                                      .executeUpdate()};
                 });
}

absl::StatusOr<std::map<merkle::NodeId, merkle::Hash>>
TransparencyRepository::ReadAuditTreeNodes(
    absl::string_view org, const std::vector<merkle::NodeId>& ids) {
  std::map<merkle::NodeId, merkle::Hash> nodes;
  if (ids.empty()) return nodes;
  // One query: the primary key's ranges, one per node.
  std::string sql(kSelectTreeNodes);
  for (size_t i = 0; i < ids.size(); ++i) {
    absl::StrAppend(&sql, i == 0 ? "" : " OR ",
                    "(level = ? AND node_index = ?)");
  }
  sql += ")";
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  CANDOR_RETURN_IF_ERROR(
      db::Run("read audit tree nodes", connection, [&](db::Connection& c) {
        std::unique_ptr<sql::PreparedStatement> select(
            c.raw().prepareStatement(sql));
        int next = db::BindAt(*select, 1, org);
        for (const merkle::NodeId& id : ids) {
          next = db::BindAt(*select, next, id.level,
                            static_cast<int64_t>(id.index));
        }
        std::unique_ptr<sql::ResultSet> rows(select->executeQuery());
        while (rows->next()) {
          nodes[merkle::NodeId{rows->getInt(1),
                               static_cast<uint64_t>(rows->getInt64(2))}] =
              HashFromHex(std::string(rows->getString(3)));
        }
        return absl::OkStatus();
      }));
  return nodes;
}

absl::StatusOr<TreeHead> TransparencyRepository::StoreTreeHead(
    const TreeHead& head) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "store audit tree head", connection,
      [&](db::Connection& c) -> absl::StatusOr<TreeHead> {
        db::Bind(c.Prepare(kInsertTreeHead), head.organization_id,
                 head.tree_size, merkle::HexOf(head.root_hash), head.time_us,
                 absl::BytesToHexString(head.signature),
                 absl::BytesToHexString(head.public_key))
            .executeUpdate();
        return db::ReadOneOr(
            db::Bind(c.Prepare(kSelectTreeHead), head.organization_id,
                     head.tree_size),
            RowToTreeHead, [] {
              return absl::InternalError("tree head missing after insert");
            });
      });
}

absl::StatusOr<std::optional<TreeHead>> TransparencyRepository::FindTreeHead(
    absl::string_view org, int64_t tree_size) {
  CANDOR_ASSIGN_OR_RETURN(db::PooledConnection connection, pool_->Borrow());
  return db::Run(
      "read audit tree head", connection,
      [&](db::Connection& c) -> absl::StatusOr<std::optional<TreeHead>> {
        return db::ReadOne(db::Bind(c.Prepare(kSelectTreeHead), org, tree_size),
                           RowToTreeHead);
      });
}

#undef CANDOR_AUDIT_ROW

}  // namespace candor::transparency
