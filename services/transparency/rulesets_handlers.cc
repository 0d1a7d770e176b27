// TransparencyService: rulesets (CreateRuleset, GetRuleset, ListRulesets,
// PublishRuleset, GetPublishedRuleset) and the current ruleset every
// evaluation uses.
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/authz.h"
#include "services/common/clock.h"
#include "services/common/idempotency.h"
#include "services/common/ids.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/time_cursor.h"
#include "services/common/validation.h"
#include "services/transparency/ruleset_convert.h"
#include "services/transparency/transparency_internal.h"
#include "services/transparency/transparency_service.h"

namespace candor::transparency {
namespace {

using ::google::protobuf::util::TimeUtil;
namespace staffpb = ::candor::staff::v1;

constexpr absl::string_view kRulesetPattern =
    "organizations/{organization}/rulesets/{ruleset}";

absl::Status RulesetToProto(const RulesetRecord& r, bool current,
                            v1::Ruleset* out) {
  out->Clear();
  if (!out->ParseFromString(r.body)) {
    return absl::InternalError(absl::StrCat(
        RulesetName(r.organization_id, r.ruleset_id), " is unreadable"));
  }
  out->set_name(RulesetName(r.organization_id, r.ruleset_id));
  out->set_state(static_cast<v1::Ruleset::State>(r.state));
  out->set_current(current);
  *out->mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(r.create_time_us);
  if (r.state == kRulesetPublished) {
    *out->mutable_publish_time() =
        TimeUtil::MicrosecondsToTimestamp(r.publish_time_us);
    out->set_publisher(r.publisher);
  }
  return absl::OkStatus();
}

// The body a ruleset row stores: what the client wrote, nothing output-only.
std::string RulesetBody(const v1::Ruleset& in) {
  v1::Ruleset body;
  body.set_display_name(in.display_name());
  body.set_description(in.description());
  *body.mutable_rules() = in.rules();
  return body.SerializeAsString();
}

}  // namespace

absl::Status TransparencyService::DoCreateRuleset(
    const Caller& caller, const v1::CreateRulesetRequest& request,
    v1::Ruleset* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          RequireStaffOfParent(caller, request.parent()));
  CANDOR_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin, "create rulesets"));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
  if (!request.has_ruleset()) return InvalidField("ruleset", "required");
  CANDOR_RETURN_IF_ERROR(ValidateRulesetProto("ruleset.", request.ruleset()));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));

  RulesetRecord ruleset;
  ruleset.organization_id = org;
  ruleset.ruleset_id = NewResourceId();
  ruleset.state = kRulesetDraft;
  ruleset.body = RulesetBody(request.ruleset());
  ruleset.create_time_us = NowMicros();
  return RunIdempotent(
      repository_.pool(), MakeIdempotencyKey(caller, request), response,
      [&](db::Transaction& tx) {
        CANDOR_RETURN_IF_ERROR(repository_.InsertRuleset(tx, ruleset));
        return RulesetToProto(ruleset, /*current=*/false, response);
      });
}

absl::Status TransparencyService::DoGetRuleset(
    const Caller& caller, const v1::GetRulesetRequest& request,
    v1::Ruleset* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<std::string> name,
      ParseResourceName("name", request.name(), kRulesetPattern));
  CANDOR_RETURN_IF_ERROR(
      RequireStaffOrServiceOf(caller, name[0], request.name()));
  CANDOR_ASSIGN_OR_RETURN(RulesetRecord ruleset,
                          repository_.FindRuleset(name[0], name[1]));
  CANDOR_ASSIGN_OR_RETURN(std::optional<RulesetRecord> current,
                          repository_.FindCurrentRuleset(name[0]));
  return RulesetToProto(
      ruleset, current.has_value() && current->ruleset_id == ruleset.ruleset_id,
      response);
}

absl::Status TransparencyService::DoListRulesets(
    const Caller& caller, const v1::ListRulesetsRequest& request,
    v1::ListRulesetsResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::string org, RequireStaffOrServiceOfParent(caller, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(PageRequest page,
                          page_tokens_->StartListPage(request, org));
  CANDOR_ASSIGN_OR_RETURN(const TimeCursor before, NewestFirstStart(page));
  CANDOR_ASSIGN_OR_RETURN(std::vector<RulesetRecord> rulesets,
                          repository_.ListRulesets(org, before, page.limit()));
  CANDOR_ASSIGN_OR_RETURN(std::optional<RulesetRecord> current,
                          repository_.FindCurrentRuleset(org));
  response->set_next_page_token(
      page_tokens_->FinishPage(page, rulesets, [](const RulesetRecord& r) {
        return EncodeTimeCursor({r.create_time_us, r.ruleset_id});
      }));
  for (const RulesetRecord& ruleset : rulesets) {
    CANDOR_RETURN_IF_ERROR(RulesetToProto(
        ruleset,
        current.has_value() && current->ruleset_id == ruleset.ruleset_id,
        response->add_rulesets()));
  }
  return absl::OkStatus();
}

absl::Status TransparencyService::DoPublishRuleset(
    const Caller& caller, const v1::PublishRulesetRequest& request,
    v1::Ruleset* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<std::string> name,
      ParseResourceName("name", request.name(), kRulesetPattern));
  const std::string& org = name[0];
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, org, request.name()));
  CANDOR_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin, "publish rulesets"));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  const std::vector<staffpb::StaffEvent> staff_events = PendingStaffEvents(org);

  return RunIdempotent(
      repository_.pool(), MakeIdempotencyKey(caller, request), response,
      [&](db::Transaction& tx) -> absl::Status {
        // The head lock first (lock order), then the ruleset.
        CANDOR_RETURN_IF_ERROR(repository_.LockOrganization(tx, org));
        CANDOR_RETURN_IF_ERROR(AppendStaffEvents(tx, org, staff_events));
        CANDOR_ASSIGN_OR_RETURN(
            RulesetRecord ruleset,
            repository_.FindRulesetForUpdate(tx, org, name[1]));
        if (ruleset.state == kRulesetPublished) {
          return absl::FailedPreconditionError(
              absl::StrCat(request.name(),
                           " is already published; published rulesets are "
                           "immutable: create a new one"));
        }
        CANDOR_ASSIGN_OR_RETURN(std::optional<RulesetRecord> current,
                                repository_.FindCurrentRuleset(tx, org));
        // Publication times only grow, so the newest published is current.
        int64_t now = NowMicros();
        if (current.has_value()) {
          now = std::max(now, current->publish_time_us + 1);
        }
        ruleset.state = kRulesetPublished;
        ruleset.publish_time_us = now;
        ruleset.publisher = caller.subject;
        CANDOR_RETURN_IF_ERROR(
            repository_.UpdateRulesetPublication(tx, ruleset));
        CANDOR_RETURN_IF_ERROR(
            RulesetToProto(ruleset, /*current=*/true, response));
        AuditEntryRecord entry;
        entry.organization_id = org;
        entry.time_us = now;
        entry.actor = caller.subject;
        entry.action = "ruleset.publish";
        entry.subject = request.name();
        entry.details =
            absl::StrCat("published \"", response->display_name(), "\" with ",
                         response->rules_size(), " rules");
        return repository_.AppendAuditEntry(tx, &entry);
      });
}

absl::Status TransparencyService::DoGetPublishedRuleset(
    const Caller& caller, const v1::GetPublishedRulesetRequest& request,
    v1::Ruleset* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::string org, RequireStaffOrServiceOfParent(caller, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(RulesetRecord current, CurrentRuleset(org));
  return RulesetToProto(current, /*current=*/true, response);
}

absl::StatusOr<RulesetRecord> TransparencyService::CurrentRuleset(
    absl::string_view org) {
  CANDOR_ASSIGN_OR_RETURN(std::optional<RulesetRecord> current,
                          repository_.FindCurrentRuleset(org));
  if (current.has_value()) return *std::move(current);

  // First use: publish the shipped default, once, under the head lock.
  const std::vector<staffpb::StaffEvent> staff_events = PendingStaffEvents(org);
  CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                          db::Transaction::Begin(repository_.pool()));
  CANDOR_RETURN_IF_ERROR(repository_.LockOrganization(tx, org));
  CANDOR_ASSIGN_OR_RETURN(current, repository_.FindCurrentRuleset(tx, org));
  if (current.has_value()) return *std::move(current);
  CANDOR_RETURN_IF_ERROR(AppendStaffEvents(tx, org, staff_events));

  v1::Ruleset body;
  body.set_display_name("Candor default rules");
  body.set_description(
      "The rules Candor ships with: disclose the connection, write in your "
      "own words, no copy-paste campaigns, post as yourself, disclose "
      "rewards, no financial promises, honest links, fit the network, share "
      "at a human pace.");
  DefaultRulesToProto(&body);
  RulesetRecord ruleset;
  ruleset.organization_id = std::string(org);
  ruleset.ruleset_id = kDefaultRulesetId;
  ruleset.state = kRulesetPublished;
  ruleset.body = body.SerializeAsString();
  ruleset.create_time_us = ruleset.publish_time_us = NowMicros();
  ruleset.publisher = kCandorActor;
  CANDOR_RETURN_IF_ERROR(repository_.InsertRuleset(tx, ruleset));
  AuditEntryRecord entry;
  entry.organization_id = std::string(org);
  entry.time_us = ruleset.publish_time_us;
  entry.actor = kCandorActor;
  entry.action = "ruleset.publish";
  entry.subject = RulesetName(org, ruleset.ruleset_id);
  entry.details = absl::StrCat("published the shipped default ruleset with ",
                               body.rules_size(), " rules on first use");
  CANDOR_RETURN_IF_ERROR(repository_.AppendAuditEntry(tx, &entry));
  CANDOR_RETURN_IF_ERROR(tx.Commit());
  return ruleset;
}

absl::StatusOr<std::shared_ptr<const Ruleset>>
TransparencyService::EngineRuleset(const RulesetRecord& record) {
  const std::string key =
      absl::StrCat(record.organization_id, "/", record.ruleset_id);
  {
    absl::MutexLock lock(&rulesets_mu_);
    auto it = rulesets_.find(key);
    if (it != rulesets_.end()) return it->second;
  }
  v1::Ruleset body;
  if (!body.ParseFromString(record.body)) {
    return absl::InternalError(
        absl::StrCat(RulesetName(record.organization_id, record.ruleset_id),
                     " is unreadable"));
  }
  absl::StatusOr<Ruleset> ruleset = ToEngineRuleset(body);
  if (!ruleset.ok()) {
    return absl::InternalError(
        absl::StrCat(RulesetName(record.organization_id, record.ruleset_id),
                     " no longer validates: ", ruleset.status().message()));
  }
  auto shared = std::make_shared<const Ruleset>(*std::move(ruleset));
  absl::MutexLock lock(&rulesets_mu_);
  // Only published rulesets are cached: they never change.
  if (record.state == kRulesetPublished) rulesets_.emplace(key, shared);
  return shared;
}

}  // namespace candor::transparency
