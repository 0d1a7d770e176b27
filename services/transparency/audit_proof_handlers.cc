// TransparencyService: what lets anyone check the audit log without
// trusting this service (docs/AUDIT.md): signed tree heads, inclusion
// proofs and consistency proofs over the Merkle tree the repository keeps
// as the log grows.
#include <google/protobuf/util/time_util.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/authz.h"
#include "services/common/clock.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"
#include "services/transparency/transparency_service.h"

namespace candor::transparency {
namespace {

using ::google::protobuf::util::TimeUtil;

std::string BytesOf(const merkle::Hash& hash) {
  return std::string(reinterpret_cast<const char*>(hash.data()), hash.size());
}

void TreeHeadToProto(const TreeHead& head, v1::AuditTreeHead* out) {
  out->set_name(absl::StrCat("organizations/", head.organization_id,
                             "/auditTreeHeads/", head.tree_size));
  out->set_tree_size(head.tree_size);
  out->set_root_hash(BytesOf(head.root_hash));
  *out->mutable_time() = TimeUtil::MicrosecondsToTimestamp(head.time_us);
  out->set_signature(head.signature);
  out->set_public_key(head.public_key);
}

// The log's size as the tree holds it, for checking a requested size.
absl::Status RequireWithinLog(absl::string_view field, int64_t size,
                              uint64_t log_size) {
  if (static_cast<uint64_t>(size) > log_size) {
    return InvalidField(field, absl::StrCat("exceeds the log's ", log_size,
                                            " entries; get a newer tree head"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status TransparencyService::DoGetAuditTreeHead(
    const Caller& caller, const v1::GetAuditTreeHeadRequest& request,
    v1::AuditTreeHead* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::string org, RequireStaffOrServiceOfParent(caller, request.parent()));
  if (request.tree_size() < 0) {
    return InvalidField("tree_size", "must not be negative");
  }
  if (request.tree_size() > 0) {
    CANDOR_ASSIGN_OR_RETURN(std::optional<TreeHead> stored,
                            repository_.FindTreeHead(org, request.tree_size()));
    if (!stored.has_value()) {
      return absl::NotFoundError(
          absl::StrCat("organizations/", org, "/auditTreeHeads/",
                       request.tree_size(), " not found"));
    }
    TreeHeadToProto(*stored, response);
    return absl::OkStatus();
  }
  ImportStaffEvents(org);
  CANDOR_ASSIGN_OR_RETURN(TransparencyRepository::AuditHead head,
                          repository_.ReadAuditHead(org));
  if (static_cast<int64_t>(head.tree.size()) < head.sequence) {
    // A log from before the tree: add its entries once, under the lock.
    CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                            db::Transaction::Begin(repository_.pool()));
    CANDOR_ASSIGN_OR_RETURN(head, repository_.LockAuditHead(tx, org));
    CANDOR_RETURN_IF_ERROR(repository_.CatchUpAuditTree(tx, org, &head));
    CANDOR_RETURN_IF_ERROR(repository_.SetAuditHead(tx, org, head));
    CANDOR_RETURN_IF_ERROR(tx.Commit());
  }
  const auto size = static_cast<int64_t>(head.tree.size());
  // A size signed before keeps its first head: signing again would only
  // move the time, and every replica answers the same.
  CANDOR_ASSIGN_OR_RETURN(std::optional<TreeHead> stored,
                          repository_.FindTreeHead(org, size));
  if (!stored.has_value()) {
    TreeHead fresh;
    fresh.organization_id = org;
    fresh.tree_size = size;
    fresh.root_hash = head.tree.Root();
    fresh.time_us = NowMicros();
    CANDOR_RETURN_IF_ERROR(signer_->Sign(&fresh));
    CANDOR_ASSIGN_OR_RETURN(stored, repository_.StoreTreeHead(fresh));
  }
  TreeHeadToProto(*stored, response);
  return absl::OkStatus();
}

absl::Status TransparencyService::DoGetAuditInclusionProof(
    const Caller& caller, const v1::GetAuditInclusionProofRequest& request,
    v1::AuditInclusionProof* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::string org, RequireStaffOrServiceOfParent(caller, request.parent()));
  if (request.sequence() < 1) {
    return InvalidField("sequence", "must be at least 1");
  }
  if (request.tree_size() < request.sequence()) {
    return InvalidField("tree_size", "must be at least sequence");
  }
  CANDOR_ASSIGN_OR_RETURN(TransparencyRepository::AuditHead head,
                          repository_.ReadAuditHead(org));
  CANDOR_RETURN_IF_ERROR(
      RequireWithinLog("tree_size", request.tree_size(), head.tree.size()));
  const auto index = static_cast<uint64_t>(request.sequence() - 1);
  const auto size = static_cast<uint64_t>(request.tree_size());
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<merkle::Hash> proof,
      ProveFromStoredTree(org, [&](const merkle::SubtreeHash& subtree) {
        return merkle::InclusionProof(index, size, subtree);
      }));
  response->set_sequence(request.sequence());
  response->set_tree_size(request.tree_size());
  for (const merkle::Hash& hash : proof) response->add_hashes(BytesOf(hash));
  return absl::OkStatus();
}

absl::Status TransparencyService::DoGetAuditConsistencyProof(
    const Caller& caller, const v1::GetAuditConsistencyProofRequest& request,
    v1::AuditConsistencyProof* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::string org, RequireStaffOrServiceOfParent(caller, request.parent()));
  if (request.first_tree_size() < 1) {
    return InvalidField("first_tree_size", "must be at least 1");
  }
  if (request.second_tree_size() < request.first_tree_size()) {
    return InvalidField("second_tree_size", "must be at least first_tree_size");
  }
  CANDOR_ASSIGN_OR_RETURN(TransparencyRepository::AuditHead head,
                          repository_.ReadAuditHead(org));
  CANDOR_RETURN_IF_ERROR(RequireWithinLog(
      "second_tree_size", request.second_tree_size(), head.tree.size()));
  const auto old_size = static_cast<uint64_t>(request.first_tree_size());
  const auto new_size = static_cast<uint64_t>(request.second_tree_size());
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<merkle::Hash> proof,
      ProveFromStoredTree(org, [&](const merkle::SubtreeHash& subtree) {
        return merkle::ConsistencyProof(old_size, new_size, subtree);
      }));
  response->set_first_tree_size(request.first_tree_size());
  response->set_second_tree_size(request.second_tree_size());
  for (const merkle::Hash& hash : proof) response->add_hashes(BytesOf(hash));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<merkle::Hash>>
TransparencyService::ProveFromStoredTree(
    absl::string_view org,
    const std::function<std::vector<merkle::Hash>(const merkle::SubtreeHash&)>&
        prove) {
  std::set<merkle::NodeId> needed;
  prove([&](uint64_t begin, uint64_t end) {
    for (const merkle::NodeId& id : merkle::PerfectCover(begin, end)) {
      needed.insert(id);
    }
    return merkle::Hash{};
  });
  CANDOR_ASSIGN_OR_RETURN(
      const auto nodes,
      repository_.ReadAuditTreeNodes(
          org, std::vector<merkle::NodeId>(needed.begin(), needed.end())));
  if (nodes.size() != needed.size()) {
    return absl::DataLossError(absl::StrCat("the audit tree of organizations/",
                                            org, " is missing nodes"));
  }
  return prove([&](uint64_t begin, uint64_t end) {
    std::vector<merkle::Hash> cover;
    for (const merkle::NodeId& id : merkle::PerfectCover(begin, end)) {
      cover.push_back(nodes.at(id));
    }
    return merkle::FoldCover(cover);
  });
}

}  // namespace candor::transparency
