#include "services/transparency/transparency_service.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <future>
#include <iostream>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "services/common/authz.h"
#include "services/common/clock.h"
#include "services/common/idempotency.h"
#include "services/common/ids.h"
#include "services/common/internal_call.h"
#include "services/common/personal_data.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"
#include "services/transparency/decision_evidence.h"
#include "services/transparency/engine/shingles.h"
#include "services/transparency/ruleset_convert.h"

namespace candor::transparency {
namespace {

using ::google::protobuf::util::TimeUtil;
namespace staffpb = ::candor::staff::v1;

// Staff events fetched per ListStaffEvents call, and calls per import (the
// rest waits for the next call).
constexpr int kStaffEventPage = 1000;
constexpr int kMaxStaffEventPages = 10;

constexpr absl::string_view kRulesetPattern =
    "organizations/{organization}/rulesets/{ruleset}";
constexpr absl::string_view kPostPattern =
    "organizations/{organization}/posts/{post}";
constexpr absl::string_view kDecisionPattern =
    "organizations/{organization}/posts/{post}/decisions/{decision}";

// Method names for the access log, idempotency fingerprints and page tokens.
constexpr absl::string_view kCreateRulesetMethod =
    "/candor.transparency.v1.TransparencyService/CreateRuleset";
constexpr absl::string_view kGetRulesetMethod =
    "/candor.transparency.v1.TransparencyService/GetRuleset";
constexpr absl::string_view kListRulesetsMethod =
    "/candor.transparency.v1.TransparencyService/ListRulesets";
constexpr absl::string_view kPublishRulesetMethod =
    "/candor.transparency.v1.TransparencyService/PublishRuleset";
constexpr absl::string_view kGetPublishedRulesetMethod =
    "/candor.transparency.v1.TransparencyService/GetPublishedRuleset";
constexpr absl::string_view kEvaluatePostMethod =
    "/candor.transparency.v1.TransparencyService/EvaluatePost";
constexpr absl::string_view kCreateDecisionMethod =
    "/candor.transparency.v1.TransparencyService/CreateDecision";
constexpr absl::string_view kGetDecisionMethod =
    "/candor.transparency.v1.TransparencyService/GetDecision";
constexpr absl::string_view kListDecisionsMethod =
    "/candor.transparency.v1.TransparencyService/ListDecisions";
constexpr absl::string_view kListAuditEntriesMethod =
    "/candor.transparency.v1.TransparencyService/ListAuditEntries";
constexpr absl::string_view kVerifyAuditLogMethod =
    "/candor.transparency.v1.TransparencyService/VerifyAuditLog";
constexpr absl::string_view kGetTransparencyReportMethod =
    "/candor.transparency.v1.TransparencyService/GetTransparencyReport";

constexpr size_t kMaxPostChars = 63206;  // the longest network limit
constexpr size_t kMaxNoteChars = 2000;
constexpr int kVerifyBatch = 5000;
constexpr absl::Duration kDefaultReportRange = absl::Hours(24 * 30);
// How far before a report's start an automatic decision still pairs with a
// human one in the range (overrides, time in review).
constexpr absl::Duration kReportLookBehind = absl::Hours(24 * 30);

std::string RulesetName(absl::string_view org, absl::string_view id) {
  return absl::StrCat("organizations/", org, "/rulesets/", id);
}
std::string PostName(absl::string_view org, absl::string_view id) {
  return absl::StrCat("organizations/", org, "/posts/", id);
}
std::string DecisionName(absl::string_view org, absl::string_view post,
                         absl::string_view id) {
  return absl::StrCat(PostName(org, post), "/decisions/", id);
}

// A staff member of `org` named in `field`; INVALID_ARGUMENT otherwise.
absl::StatusOr<std::string> ParseStaffOf(absl::string_view field,
                                         absl::string_view name,
                                         absl::string_view org) {
  CANDOR_ASSIGN_OR_RETURN(std::vector<std::string> parts,
                          ParseResourceName(field, name, kStaffMemberPattern));
  if (parts[0] != org) {
    return InvalidField(
        field, absl::StrCat("not a staff member of ", OrganizationName(org)));
  }
  return std::move(parts[1]);
}

bool IsReviewerOrAdmin(const Caller& caller) {
  return caller.HasRole(Role::kReviewer) || caller.HasRole(Role::kAdmin);
}

// Services (advocacy) and reviewers and admins see every decision.
bool SeesAllDecisions(const Caller& caller) {
  return IsReviewerOrAdmin(caller) || caller.HasRole(Role::kService);
}

// CreateDecision: services only; a service token of another organization
// answers NOT_FOUND like any other caller of another organization.
absl::Status RequireServiceFor(const Caller& caller, absl::string_view org,
                               absl::string_view resource) {
  if (!caller.organization_id.empty() && caller.organization_id != org) {
    return absl::NotFoundError(absl::StrCat(resource, " not found"));
  }
  return RequireRole(caller, Role::kService, "record decisions");
}

// Checks what a client sends as a post's content, under `prefix`; `org`
// owns the author and the post.
absl::Status ValidatePostContent(absl::string_view prefix,
                                 const v1::PostContent& post,
                                 absl::string_view org) {
  if (!post.post().empty()) {
    CANDOR_ASSIGN_OR_RETURN(std::vector<std::string> parts,
                            ParseResourceName(absl::StrCat(prefix, "post"),
                                              post.post(), kPostPattern));
    if (parts[0] != org) {
      return InvalidField(
          absl::StrCat(prefix, "post"),
          absl::StrCat("not a post of ", OrganizationName(org)));
    }
  }
  if (post.author().empty()) {
    return InvalidField(absl::StrCat(prefix, "author"), "required");
  }
  CANDOR_RETURN_IF_ERROR(
      ParseStaffOf(absl::StrCat(prefix, "author"), post.author(), org)
          .status());
  if (post.network() < 1 || post.network() > 5) {
    return InvalidField(absl::StrCat(prefix, "network"),
                        "required: LINKEDIN, X, FACEBOOK, INSTAGRAM or "
                        "MASTODON");
  }
  CANDOR_RETURN_IF_ERROR(CheckText(absl::StrCat(prefix, "text"), post.text(),
                                   kMaxPostChars, Presence::kRequired,
                                   /*multiline=*/true));
  CANDOR_RETURN_IF_ERROR(CheckText(absl::StrCat(prefix, "link_url"),
                                   post.link_url(), 2048, Presence::kOptional));
  const v1::StoryContext& story = post.story();
  CANDOR_RETURN_IF_ERROR(CheckText(absl::StrCat(prefix, "story.summary"),
                                   story.summary(), 5000, Presence::kOptional,
                                   /*multiline=*/true));
  for (int i = 0; i < story.talking_points_size(); ++i) {
    CANDOR_RETURN_IF_ERROR(
        CheckText(absl::StrCat(prefix, "story.talking_points[", i, "]"),
                  story.talking_points(i), 2000, Presence::kOptional,
                  /*multiline=*/true));
  }
  CANDOR_RETURN_IF_ERROR(CheckText(absl::StrCat(prefix, "story.url"),
                                   story.url(), 2048, Presence::kOptional));
  return absl::OkStatus();
}

// --- domain -> proto --------------------------------------------------------

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

absl::Status DecisionToProto(const DecisionRecord& r, v1::Decision* out) {
  out->Clear();
  if (!out->ParseFromString(r.body)) {
    return absl::InternalError(
        absl::StrCat(DecisionName(r.organization_id, r.post_id, r.decision_id),
                     " is unreadable"));
  }
  return absl::OkStatus();
}

void AuditEntryToProto(const AuditEntryRecord& r, v1::AuditEntry* out) {
  out->set_name(absl::StrCat("organizations/", r.organization_id,
                             "/auditEntries/", r.sequence));
  out->set_sequence(r.sequence);
  *out->mutable_time() = TimeUtil::MicrosecondsToTimestamp(r.time_us);
  out->set_actor(r.actor);
  out->set_action(r.action);
  out->set_subject(r.subject);
  out->set_details(r.details);
  out->set_prev_hash(r.prev_hash);
  out->set_hash(r.hash);
}

// The body a ruleset row stores: what the client wrote, nothing output-only.
std::string RulesetBody(const v1::Ruleset& in) {
  v1::Ruleset body;
  body.set_display_name(in.display_name());
  body.set_description(in.description());
  *body.mutable_rules() = in.rules();
  return body.SerializeAsString();
}

// Where a newest-first page starts: after the previous page's last row,
// or after every row on the first page.
absl::StatusOr<TimeCursor> NewestFirstStart(const PageRequest& page) {
  if (page.cursor.empty()) {
    return TimeCursor{std::numeric_limits<int64_t>::max(), ""};
  }
  return DecodeTimeCursor(page.cursor);
}

}  // namespace

TransparencyService::TransparencyService(const CallEnvironment* env,
                                         db::Pool* pool,
                                         const PageTokenCodec* page_tokens)
    : env_(env), pool_(pool), page_tokens_(page_tokens), repository_(pool) {}

TransparencyService::~TransparencyService() {
  stopping_.Notify();
  indexes_.Cancel();
  if (warm_up_.joinable()) warm_up_.join();
}

void TransparencyService::SetDependencies(std::shared_ptr<grpc::Channel> staff,
                                          ServiceTokenSource* service_tokens) {
  staff_ = staff::v1::StaffService::NewStub(staff);
  service_tokens_ = service_tokens;
}

// --- readiness
// ----------------------------------------------------------------

void TransparencyService::StartWarmUp() {
  warm_up_ = std::thread([this] { WarmUp(); });
}

void TransparencyService::WarmUp() {
  const absl::Time started = absl::Now();
  while (!stopping_.HasBeenNotified()) {
    const absl::Status warmed = WarmAllIndexes();
    if (warmed.ok()) {
      ready_ = true;
      std::cerr << "candord: transparency: near-duplicate indexes warm in "
                << absl::FormatDuration(absl::Now() - started) << "\n";
      return;
    }
    if (stopping_.HasBeenNotified()) return;
    std::cerr << "candord: transparency: warming the near-duplicate indexes: "
              << warmed.message() << "; retrying in 1s\n";
    stopping_.WaitForNotificationWithTimeout(absl::Seconds(1));
  }
}

absl::Status TransparencyService::WarmAllIndexes() {
  CANDOR_ASSIGN_OR_RETURN(std::vector<std::string> orgs,
                          repository_.ListOrganizations());
  static const int kDefaultWindow =
      LongestCoordinationWindowDays(DefaultRuleset());
  for (const std::string& org : orgs) {
    if (stopping_.HasBeenNotified()) {
      return absl::CancelledError("the service is stopping");
    }
    // The window of the current ruleset, read without publishing the
    // default for an organization that has none yet (a warm-up writes
    // nothing).
    int window_days = kDefaultWindow;
    CANDOR_ASSIGN_OR_RETURN(std::optional<RulesetRecord> current,
                            repository_.FindCurrentRuleset(org));
    if (current.has_value()) {
      CANDOR_ASSIGN_OR_RETURN(std::shared_ptr<const Ruleset> rules,
                              EngineRuleset(*current));
      window_days = LongestCoordinationWindowDays(*rules);
    }
    CANDOR_RETURN_IF_ERROR(indexes_.Warm(org, window_days, NowMicros()));
  }
  return absl::OkStatus();
}

// --- staff events ------------------------------------------------------------

absl::StatusOr<std::vector<staffpb::StaffEvent>>
TransparencyService::FetchStaffEvents(absl::string_view org, int max_pages) {
  std::vector<staffpb::StaffEvent> events;
  if (staff_ == nullptr || service_tokens_ == nullptr) return events;
  CANDOR_ASSIGN_OR_RETURN(int64_t cursor, repository_.StaffEventCursor(org));
  int64_t after = cursor;
  for (int page = 0; page < max_pages; ++page) {
    staffpb::ListStaffEventsRequest request;
    request.set_parent(OrganizationName(org));
    request.set_after_sequence(after);
    request.set_page_size(kStaffEventPage);
    CANDOR_ASSIGN_OR_RETURN(std::unique_ptr<grpc::ClientContext> context,
                            AsService(*service_tokens_));
    staffpb::ListStaffEventsResponse response;
    CANDOR_RETURN_IF_ERROR(FromInternalCall(
        staff_->ListStaffEvents(context.get(), request, &response),
                         "the staff service (staff events)"));
    for (staffpb::StaffEvent& event : *response.mutable_events()) {
      if (event.sequence() <= after) continue;  // defensive: keep the order
      after = event.sequence();
      events.push_back(std::move(event));
    }
    if (response.events_size() < kStaffEventPage) break;
  }
  return events;
}

std::vector<staffpb::StaffEvent> TransparencyService::PendingStaffEvents(
    absl::string_view org) {
  // Best effort: events that cannot be read now stay pending for a later
  // call; the audit log never skips one (the cursor only moves past
  // appended events).
  absl::StatusOr<std::vector<staffpb::StaffEvent>> events =
      FetchStaffEvents(org, kMaxStaffEventPages);
  if (!events.ok()) return {};
  return *std::move(events);
}

absl::Status TransparencyService::AppendStaffEvents(
    db::Transaction& tx, absl::string_view org,
    const std::vector<staffpb::StaffEvent>& events) {
  if (events.empty()) return absl::OkStatus();
  // Another call may have imported some (or all) of them since the fetch.
  CANDOR_ASSIGN_OR_RETURN(int64_t cursor,
                          repository_.StaffEventCursorForUpdate(tx, org));
  const int64_t start = cursor;
  for (const staffpb::StaffEvent& event : events) {
    if (event.sequence() <= cursor) continue;
    if (event.sequence() != cursor + 1) break;  // a gap: wait for a refetch
    AuditEntryRecord entry;
    entry.organization_id = std::string(org);
    entry.time_us = TimeUtil::TimestampToMicroseconds(event.time());
    entry.actor = event.actor();
    entry.action = event.kind();
    entry.subject = event.subject();
    entry.details = event.details();
    CANDOR_RETURN_IF_ERROR(repository_.AppendAuditEntry(tx, &entry));
    cursor = event.sequence();
  }
  if (cursor == start) return absl::OkStatus();
  return repository_.SetStaffEventCursor(tx, org, cursor);
}

void TransparencyService::ImportStaffEvents(absl::string_view org) {
  const std::vector<staffpb::StaffEvent> events = PendingStaffEvents(org);
  if (events.empty()) return;
  absl::Status imported = [&]() -> absl::Status {
    CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                            db::Transaction::Begin(repository_.pool()));
    CANDOR_RETURN_IF_ERROR(repository_.LockOrganization(tx, org));
    CANDOR_RETURN_IF_ERROR(AppendStaffEvents(tx, org, events));
    return tx.Commit();
  }();
  imported.IgnoreError();  // the events stay pending; the next call retries
}

// --- handlers ---------------------------------------------------------------

#define CANDOR_TRANSPARENCY_HANDLER(Name, Request, Response)            \
  grpc::ServerUnaryReactor* TransparencyService::Name(                  \
      grpc::CallbackServerContext* context, const v1::Request* request, \
      v1::Response* response) {                                         \
    return RunUnary(*env_, context, k##Name##Method, *request,          \
                    [=](const Caller& caller) {                         \
                      return Do##Name(caller, *request, response);      \
                    });                                                 \
  }

CANDOR_TRANSPARENCY_HANDLER(CreateRuleset, CreateRulesetRequest, Ruleset)
CANDOR_TRANSPARENCY_HANDLER(GetRuleset, GetRulesetRequest, Ruleset)
CANDOR_TRANSPARENCY_HANDLER(ListRulesets, ListRulesetsRequest,
                            ListRulesetsResponse)
CANDOR_TRANSPARENCY_HANDLER(PublishRuleset, PublishRulesetRequest, Ruleset)
CANDOR_TRANSPARENCY_HANDLER(GetPublishedRuleset, GetPublishedRulesetRequest,
                            Ruleset)
CANDOR_TRANSPARENCY_HANDLER(EvaluatePost, EvaluatePostRequest, Evaluation)
CANDOR_TRANSPARENCY_HANDLER(CreateDecision, CreateDecisionRequest, Decision)
CANDOR_TRANSPARENCY_HANDLER(GetDecision, GetDecisionRequest, Decision)
CANDOR_TRANSPARENCY_HANDLER(ListDecisions, ListDecisionsRequest,
                            ListDecisionsResponse)
CANDOR_TRANSPARENCY_HANDLER(ListAuditEntries, ListAuditEntriesRequest,
                            ListAuditEntriesResponse)
CANDOR_TRANSPARENCY_HANDLER(VerifyAuditLog, VerifyAuditLogRequest,
                            VerifyAuditLogResponse)
CANDOR_TRANSPARENCY_HANDLER(GetTransparencyReport, GetTransparencyReportRequest,
                            TransparencyReport)

#undef CANDOR_TRANSPARENCY_HANDLER

// --- rulesets ---------------------------------------------------------------

absl::Status TransparencyService::DoCreateRuleset(
    const Caller& caller, const v1::CreateRulesetRequest& request,
    v1::Ruleset* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("parent", request.parent()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, org, request.parent()));
  CANDOR_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin, "create rulesets"));
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
      repository_.pool(),
      MakeIdempotencyKey(caller, kCreateRulesetMethod, request), response,
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
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("parent", request.parent()));
  CANDOR_RETURN_IF_ERROR(
      RequireStaffOrServiceOf(caller, org, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(
      PageRequest page,
      page_tokens_->StartPage(absl::StrCat(kListRulesetsMethod, "\n", org),
                              request.page_size(), request.page_token()));
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
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  const std::vector<staffpb::StaffEvent> staff_events = PendingStaffEvents(org);

  return RunIdempotent(
      repository_.pool(),
      MakeIdempotencyKey(caller, kPublishRulesetMethod, request), response,
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
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("parent", request.parent()));
  CANDOR_RETURN_IF_ERROR(
      RequireStaffOrServiceOf(caller, org, request.parent()));
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

// --- evaluation --------------------------------------------------------------

absl::StatusOr<TransparencyService::Judgement> TransparencyService::Judge(
    const Caller& caller, absl::string_view org, const v1::PostContent& post) {
  if (staff_ == nullptr) {
    return absl::UnavailableError("the staff service is not wired; retry");
  }
  Judgement judgement;
  CANDOR_ASSIGN_OR_RETURN(judgement.ruleset, CurrentRuleset(org));
  CANDOR_ASSIGN_OR_RETURN(judgement.rules, EngineRuleset(judgement.ruleset));
  CANDOR_ASSIGN_OR_RETURN(std::string author_id,
                          ParseStaffOf("post.author", post.author(), org));

  // Author facts and the organization's name, as the caller sees them.
  staffpb::StaffMember author;
  {
    staffpb::GetStaffMemberRequest get;
    get.set_name(post.author());
    auto context = OnBehalfOf(caller);
    absl::Status status = FromInternalCall(
        staff_->GetStaffMember(context.get(), get, &author), "staff service");
    if (absl::IsNotFound(status)) {
      return InvalidField("post.author",
                          absl::StrCat(post.author(), " not found"));
    }
    CANDOR_RETURN_IF_ERROR(status);
  }
  staffpb::Organization organization;
  {
    staffpb::GetOrganizationRequest get;
    get.set_name(OrganizationName(org));
    auto context = OnBehalfOf(caller);
    CANDOR_RETURN_IF_ERROR(FromInternalCall(
        staff_->GetOrganization(context.get(), get, &organization),
        "staff service"));
  }

  PostInput input;
  input.network = NetworkFromProto(post.network());
  input.text = post.text();
  input.link_url = post.link_url();
  input.author.staff_member_id = author_id;
  input.author.active = author.state() == staffpb::StaffMember::ACTIVE;
  input.author.advocacy_consent = author.advocacy_consent();
  for (const staffpb::SocialAccount& account : author.social_accounts()) {
    if (account.network() == post.network()) {
      input.author.linked_handles.push_back(account.handle());
    }
  }
  input.story.story_id = post.story().name();
  input.story.summary = post.story().summary();
  input.story.talking_points.assign(post.story().talking_points().begin(),
                                    post.story().talking_points().end());
  input.story.url = post.story().url();
  input.story.incentivized = post.story().incentivized();

  EvaluationContext context;
  context.organization_id = std::string(org);
  context.organization_display_name = organization.display_name();
  context.now_us = NowMicros();
  // Shares are counted by the engagement service, which does not exist yet.
  context.shares_last_24h = 0;
  CANDOR_RETURN_IF_ERROR(indexes_.Use(
      org, LongestCoordinationWindowDays(*judgement.rules), context.now_us,
      [&](const NearDuplicateIndex& index) {
        context.index = &index;
        judgement.evaluation = Evaluate(*judgement.rules, input, context);
      }));
  return judgement;
}

absl::Status TransparencyService::DoEvaluatePost(
    const Caller& caller, const v1::EvaluatePostRequest& request,
    v1::Evaluation* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("parent", request.parent()));
  CANDOR_RETURN_IF_ERROR(
      RequireStaffOrServiceOf(caller, org, request.parent()));
  if (!request.has_post()) return InvalidField("post", "required");
  CANDOR_RETURN_IF_ERROR(ValidatePostContent("post.", request.post(), org));
  CANDOR_ASSIGN_OR_RETURN(
      std::string author_id,
      ParseStaffOf("post.author", request.post().author(), org));
  if (!caller.IsStaffMember(org, author_id) && !SeesAllDecisions(caller)) {
    return absl::PermissionDeniedError(
        "only reviewers and admins can evaluate another author's post");
  }
  CANDOR_ASSIGN_OR_RETURN(Judgement judgement,
                          Judge(caller, org, request.post()));
  response->set_outcome(OutcomeToProto(judgement.evaluation.outcome));
  response->set_ruleset(RulesetName(org, judgement.ruleset.ruleset_id));
  ResultsToProto(judgement.evaluation.results, response->mutable_results());
  return absl::OkStatus();
}

// --- decisions ---------------------------------------------------------------

absl::Status TransparencyService::DoCreateDecision(
    const Caller& caller, const v1::CreateDecisionRequest& request,
    v1::Decision* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<std::string> post_name,
      ParseResourceName("parent", request.parent(), kPostPattern));
  const std::string& org = post_name[0];
  const std::string& post_id = post_name[1];
  CANDOR_RETURN_IF_ERROR(RequireServiceFor(caller, org, request.parent()));

  if (!request.has_post()) return InvalidField("post", "required");
  CANDOR_RETURN_IF_ERROR(ValidatePostContent("post.", request.post(), org));
  if (!request.post().post().empty() &&
      request.post().post() != request.parent()) {
    return InvalidField("post.post", "must be empty or the parent post");
  }
  if (request.post_revision() < 1) {
    return InvalidField("post_revision", "required: the revision judged");
  }
  CANDOR_ASSIGN_OR_RETURN(
      std::string author_id,
      ParseStaffOf("post.author", request.post().author(), org));
  const bool human = !request.reviewer().empty();
  std::string reviewer_id;
  if (human) {
    CANDOR_ASSIGN_OR_RETURN(reviewer_id,
                            ParseStaffOf("reviewer", request.reviewer(), org));
    if (request.verdict() != v1::Decision::APPROVED &&
        request.verdict() != v1::Decision::REJECTED) {
      return InvalidField("verdict", "a reviewer decides APPROVED or REJECTED");
    }
    if (request.verdict() == v1::Decision::REJECTED &&
        request.cited_rule_ids().empty()) {
      return InvalidField("cited_rule_ids",
                          "a rejection cites at least one rule");
    }
  }
  CANDOR_RETURN_IF_ERROR(CheckText("note", request.note(), kMaxNoteChars,
                                   Presence::kOptional, /*multiline=*/true));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  if (human && reviewer_id == author_id) {
    return absl::PermissionDeniedError(
        "reviewer: nobody reviews their own post");
  }

  v1::PostContent content = request.post();
  content.set_post(request.parent());
  CANDOR_ASSIGN_OR_RETURN(Judgement judgement, Judge(caller, org, content));
  const Evaluation& evaluation = judgement.evaluation;

  v1::Decision::Verdict verdict;
  if (human) {
    if (request.cited_rule_ids_size() > kMaxRules) {
      return InvalidField("cited_rule_ids",
                          absl::StrCat("at most ", kMaxRules,
                                       " (a ruleset has no more rules)"));
    }
    for (int i = 0; i < request.cited_rule_ids_size(); ++i) {
      const std::string& id = request.cited_rule_ids(i);
      const auto& rules = judgement.rules->rules();
      if (std::none_of(rules.begin(), rules.end(),
                       [&](const Rule& rule) { return rule.id == id; })) {
        return InvalidField(
            absl::StrCat("cited_rule_ids[", i, "]"),
            absl::StrCat("'", id, "' is not a rule of ",
                         RulesetName(org, judgement.ruleset.ruleset_id)));
      }
    }
    if (request.verdict() == v1::Decision::APPROVED &&
        evaluation.outcome == Outcome::kRejected) {
      std::vector<std::string> blocking;
      for (const RuleResult& result : evaluation.results) {
        if (!result.passed && result.severity == Severity::kBlock) {
          blocking.push_back(result.rule_id);
        }
      }
      return absl::FailedPreconditionError(absl::StrCat(
          "a BLOCK rule fails (", absl::StrJoin(blocking, ", "),
          "); no reviewer can approve this post until its author fixes it"));
    }
    verdict = request.verdict();
  } else {
    verdict =
        static_cast<v1::Decision::Verdict>(OutcomeToProto(evaluation.outcome));
  }

  const int64_t now = NowMicros();
  DecisionRecord record;
  record.organization_id = org;
  record.decision_id = NewResourceId();
  record.post_id = post_id;
  record.post_revision = request.post_revision();
  record.author_id = author_id;
  record.decider_id = reviewer_id;
  record.verdict = verdict;
  record.outcome = OutcomeToProto(evaluation.outcome);
  record.create_time_us = now;

  v1::Decision decision;
  decision.set_name(DecisionName(org, post_id, record.decision_id));
  decision.set_post(request.parent());
  decision.set_post_revision(request.post_revision());
  decision.set_decider(human ? request.reviewer() : kAutomaticDecider);
  decision.set_verdict(verdict);
  if (human) *decision.mutable_cited_rule_ids() = request.cited_rule_ids();
  decision.set_note(request.note());
  *decision.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(now);
  decision.set_outcome(OutcomeToProto(evaluation.outcome));
  decision.set_ruleset(RulesetName(org, judgement.ruleset.ruleset_id));
  ResultsToProto(evaluation.results, decision.mutable_results());
  record.body = decision.SerializeAsString();

  const bool rejected = verdict == v1::Decision::REJECTED;
  PostShinglesRecord shingles;
  shingles.organization_id = org;
  shingles.post_id = post_id;
  shingles.author_id = author_id;
  shingles.time_us = now;
  shingles.shingles = EncodeShingleSet(evaluation.shingles);

  AuditEntryRecord entry;
  entry.organization_id = org;
  entry.time_us = now;
  entry.actor = decision.decider();
  entry.action = "decision.create";
  entry.subject = decision.name();
  const std::vector<std::string> failed = FailedRuleIds(evaluation.results);
  entry.details = absl::StrCat(
      "verdict ", v1::Decision::Verdict_Name(verdict), "; ruleset ",
      decision.ruleset(), "; post revision ", request.post_revision(),
      "; failed rules: ", failed.empty() ? "none" : absl::StrJoin(failed, ","),
      human ? absl::StrCat("; cited rules: ",
                           request.cited_rule_ids().empty()
                               ? "none"
                               : absl::StrJoin(request.cited_rule_ids(), ","))
            : "");

  const std::vector<staffpb::StaffEvent> staff_events = PendingStaffEvents(org);
  CANDOR_RETURN_IF_ERROR(RunIdempotent(
      repository_.pool(),
      MakeIdempotencyKey(caller, kCreateDecisionMethod, request), response,
      [&](db::Transaction& tx) -> absl::Status {
        // The decision's own row first, the organization's head lock after:
        // every decision of the organization waits for that lock, so it is
        // held only for the fingerprint, the audit append and the commit.
        // (Other holders of the head lock touch no decision rows, so this
        // order cannot deadlock with them.) The fingerprint's feed sequence
        // is taken under the lock, so sequences commit in order
        // (index_cache.h). Pending staff events go before the decision's
        // entry.
        CANDOR_RETURN_IF_ERROR(repository_.InsertDecision(tx, record));
        CANDOR_ASSIGN_OR_RETURN(
            shingles.feed_sequence,
            repository_.LockOrganizationForFingerprints(tx, org, 1));
        if (rejected) {
          CANDOR_RETURN_IF_ERROR(repository_.RemovePostShingles(
              tx, org, post_id, shingles.feed_sequence));
        } else {
          CANDOR_RETURN_IF_ERROR(repository_.UpsertPostShingles(tx, shingles));
        }
        CANDOR_RETURN_IF_ERROR(AppendStaffEvents(tx, org, staff_events));
        CANDOR_RETURN_IF_ERROR(repository_.AppendAuditEntry(tx, &entry));
        *response = decision;
        return absl::OkStatus();
      }));
  // Every replica's index (this one's too) takes the post from the feed
  // before its next evaluation.
  return absl::OkStatus();
}

absl::Status TransparencyService::DoGetDecision(
    const Caller& caller, const v1::GetDecisionRequest& request,
    v1::Decision* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<std::string> name,
      ParseResourceName("name", request.name(), kDecisionPattern));
  CANDOR_RETURN_IF_ERROR(
      RequireStaffOrServiceOf(caller, name[0], request.name()));
  const absl::Status not_found =
      absl::NotFoundError(absl::StrCat(request.name(), " not found"));
  absl::StatusOr<DecisionRecord> record =
      repository_.FindDecision(name[0], name[2]);
  if (absl::IsNotFound(record.status())) return not_found;
  CANDOR_RETURN_IF_ERROR(record.status());
  if (record->post_id != name[1]) return not_found;
  if (!SeesAllDecisions(caller) &&
      !caller.IsStaffMember(name[0], record->author_id)) {
    return not_found;
  }
  return DecisionToProto(*record, response);
}

absl::Status TransparencyService::DoListDecisions(
    const Caller& caller, const v1::ListDecisionsRequest& request,
    v1::ListDecisionsResponse* response) {
  DecisionQuery query;
  std::string org;
  if (absl::StrContains(request.parent(), "/posts/")) {
    CANDOR_ASSIGN_OR_RETURN(
        std::vector<std::string> post,
        ParseResourceName("parent", request.parent(), kPostPattern));
    org = post[0];
    query.post_id = post[1];
  } else {
    CANDOR_ASSIGN_OR_RETURN(org,
                            ParseOrganizationName("parent", request.parent()));
  }
  CANDOR_RETURN_IF_ERROR(
      RequireStaffOrServiceOf(caller, org, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(DecisionFilter filter,
                          ParseDecisionFilter(request.filter()));
  query.verdict = filter.verdict;
  query.automatic_only = filter.automatic_only;
  if (!filter.decider_name.empty()) {
    CANDOR_ASSIGN_OR_RETURN(query.decider_id,
                            ParseStaffOf("filter", filter.decider_name, org));
  }
  CANDOR_ASSIGN_OR_RETURN(
      PageRequest page,
      page_tokens_->StartPage(
          absl::StrCat(kListDecisionsMethod, "\n", request.parent(), "\n",
                       request.filter()),
          request.page_size(), request.page_token()));
  CANDOR_ASSIGN_OR_RETURN(const TimeCursor before, NewestFirstStart(page));
  if (!SeesAllDecisions(caller)) {
    // Authors see their own posts' decisions only.
    if (caller.staff_member_id.empty()) return absl::OkStatus();
    query.author_id = caller.staff_member_id;
  }
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<DecisionRecord> decisions,
      repository_.ListDecisions(org, query, before, page.limit()));
  response->set_next_page_token(
      page_tokens_->FinishPage(page, decisions, [](const DecisionRecord& d) {
        return EncodeTimeCursor({d.create_time_us, d.decision_id});
      }));
  for (const DecisionRecord& decision : decisions) {
    CANDOR_RETURN_IF_ERROR(
        DecisionToProto(decision, response->add_decisions()));
  }
  return absl::OkStatus();
}

// --- audit log ---------------------------------------------------------------

absl::Status TransparencyService::DoListAuditEntries(
    const Caller& caller, const v1::ListAuditEntriesRequest& request,
    v1::ListAuditEntriesResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("parent", request.parent()));
  CANDOR_RETURN_IF_ERROR(
      RequireStaffOrServiceOf(caller, org, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(
      PageRequest page,
      page_tokens_->StartPage(absl::StrCat(kListAuditEntriesMethod, "\n", org),
                              request.page_size(), request.page_token()));
  ImportStaffEvents(org);
  int64_t after = 0;
  if (!page.cursor.empty() && !absl::SimpleAtoi(page.cursor, &after)) {
    return InvalidField("page_token", "malformed");
  }
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<AuditEntryRecord> entries,
      repository_.ListAuditEntries(org, after, page.limit()));
  response->set_next_page_token(page_tokens_->FinishPage(
      page, entries,
      [](const AuditEntryRecord& e) { return absl::StrCat(e.sequence); }));
  for (const AuditEntryRecord& entry : entries) {
    AuditEntryToProto(entry, response->add_audit_entries());
  }
  return absl::OkStatus();
}

absl::Status TransparencyService::DoVerifyAuditLog(
    const Caller& caller, const v1::VerifyAuditLogRequest& request,
    v1::VerifyAuditLogResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("parent", request.parent()));
  CANDOR_RETURN_IF_ERROR(
      RequireStaffOrServiceOf(caller, org, request.parent()));
  ImportStaffEvents(org);
  ChainVerifier verifier;
  // The next batch is read (on another thread, with its own connection)
  // while this one is hashed, so reading and hashing overlap instead of
  // adding up over a 1,000,000-entry log.
  auto read_after = [this, &org](int64_t after) {
    return std::async(std::launch::async, [this, org, after] {
      return repository_.ListAuditEntries(org, after, kVerifyBatch);
    });
  };
  std::future<absl::StatusOr<std::vector<AuditEntryRecord>>> next =
      read_after(0);
  while (true) {
    CANDOR_ASSIGN_OR_RETURN(std::vector<AuditEntryRecord> batch, next.get());
    const bool last = static_cast<int>(batch.size()) < kVerifyBatch;
    if (!last) next = read_after(batch.back().sequence);
    for (const AuditEntryRecord& entry : batch) {
      if (!verifier.Check(entry)) break;
    }
    if (last || !verifier.ok()) break;
  }
  // A read still running (the chain broke before its batch) is awaited by
  // the future's destructor; its result is not needed.
  response->set_ok(verifier.ok());
  response->set_entries_checked(verifier.checked());
  response->set_first_bad_sequence(verifier.first_bad_sequence());
  return absl::OkStatus();
}

// --- report ------------------------------------------------------------------

absl::Status TransparencyService::DoGetTransparencyReport(
    const Caller& caller, const v1::GetTransparencyReportRequest& request,
    v1::TransparencyReport* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("parent", request.parent()));
  CANDOR_RETURN_IF_ERROR(
      RequireStaffOrServiceOf(caller, org, request.parent()));
  const int64_t end_us =
      request.has_end_time()
          ? TimeUtil::TimestampToMicroseconds(request.end_time())
          : NowMicros();
  const int64_t start_us =
      request.has_start_time()
          ? TimeUtil::TimestampToMicroseconds(request.start_time())
          : end_us - absl::ToInt64Microseconds(kDefaultReportRange);
  if (start_us >= end_us) {
    return InvalidField("start_time", "must be before end_time");
  }

  ReportBuilder builder(start_us, end_us);
  v1::Decision decision;
  CANDOR_RETURN_IF_ERROR(repository_.ForEachDecisionBetween(
      org, start_us - absl::ToInt64Microseconds(kReportLookBehind), end_us,
      [&](const DecisionRecord& record) {
        ReportDecision d;
        d.post_id = record.post_id;
        d.post_revision = record.post_revision;
        d.automatic = record.decider_id.empty();
        d.verdict = record.verdict;
        d.time_us = record.create_time_us;
        if (decision.ParseFromString(record.body)) {
          for (const v1::RuleResult& result : decision.results()) {
            if (!result.passed()) d.failed_rule_ids.push_back(result.rule_id());
          }
        }
        builder.Add(d);
      }));
  const ReportCounts counts = builder.Finish();

  *response->mutable_start_time() = TimeUtil::MicrosecondsToTimestamp(start_us);
  *response->mutable_end_time() = TimeUtil::MicrosecondsToTimestamp(end_us);
  response->set_decisions_total(counts.decisions_total);
  response->set_automatic_decisions(counts.automatic_decisions);
  response->set_human_decisions(counts.human_decisions);
  for (const auto& [verdict, count] : counts.by_verdict) {
    auto* v = response->add_by_verdict();
    v->set_verdict(static_cast<v1::Decision::Verdict>(verdict));
    v->set_count(count);
  }
  for (const auto& [rule_id, failed] : counts.failed_by_rule) {
    auto* r = response->add_failed_by_rule();
    r->set_rule_id(rule_id);
    r->set_failed(failed);
  }
  response->set_human_overrides(counts.human_overrides);
  *response->mutable_median_time_in_review() =
      TimeUtil::MicrosecondsToDuration(counts.median_time_in_review_us);
  return absl::OkStatus();
}

}  // namespace candor::transparency

// --- personal data -----------------------------------------------------------

namespace candor::transparency {

absl::Status TransparencyService::DoExportPersonalData(
    const Caller& caller, const v1::ExportPersonalDataRequest& request,
    v1::PersonalData* response) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          ParsePersonRef(request.staff_member()));
  CANDOR_RETURN_IF_ERROR(
      RequirePersonalDataAccess(caller, person.org, person.name));
  // Pending staff events (this export's own among them) first, so the
  // document shows the log as it stands.
  ImportStaffEvents(person.org);
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<DecisionRecord> decisions,
      repository_.ListDecisionsOfPerson(person.org, person.id));
  for (const DecisionRecord& d : decisions) {
    CANDOR_RETURN_IF_ERROR(DecisionToProto(d, response->add_decisions()));
  }
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<AuditEntryRecord> entries,
      repository_.ListAuditEntriesByActor(person.org, person.name));
  for (const AuditEntryRecord& e : entries) {
    AuditEntryToProto(e, response->add_audit_entries());
  }
  return absl::OkStatus();
}

// The audit log keeps every entry (it is the organization's record, and
// its hash chain must verify); entries the person acted in name the
// pseudonym instead. Subjects and details are hashed into the chain and
// stay as written: they name resources (a staff resource name, whose
// profile is now the pseudonym) and changes; the one free text among them
// is a deactivation's reason, written by an admin (a known limit: hashing a
// digest of details, as of the actor, would let erasure blank it).
absl::Status TransparencyService::DoErasePersonalData(
    const Caller& caller, const v1::ErasePersonalDataRequest& request,
    v1::ErasePersonalDataResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          ParsePersonRef(request.staff_member()));
  CANDOR_RETURN_IF_ERROR(
      RequirePersonalDataAccess(caller, person.org, person.name));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  const std::string pseudonym = ErasedPseudonym(person.name);
  // Every staff event still waiting (the erasure's own, anything the person
  // did) enters the chain in the erasure's own transaction, under the head
  // lock, before the pass below: otherwise one appended later (by a call
  // that fetched it earlier) would name the person after their erasure.
  // All of them, however many: the erasure fails rather than leave one.
  constexpr int kAllPages = std::numeric_limits<int>::max();
  CANDOR_ASSIGN_OR_RETURN(std::vector<staffpb::StaffEvent> pending,
                          FetchStaffEvents(person.org, kAllPages));
  return RunIdempotent(
      repository_.pool(),
      MakeIdempotencyKey(
          caller,
          "/candor.transparency.v1.TransparencyService/ErasePersonalData",
          request),
      response, [&](db::Transaction& tx) {
        // Serializes with appends, which take the same head lock.
        CANDOR_RETURN_IF_ERROR(repository_.LockOrganization(tx, person.org));
        CANDOR_RETURN_IF_ERROR(AppendStaffEvents(tx, person.org, pending));
        CANDOR_ASSIGN_OR_RETURN(int64_t changed,
                                repository_.PseudonymizeAuditActor(
                                    tx, person.org, person.name, pseudonym));
        CANDOR_ASSIGN_OR_RETURN(std::vector<DecisionRecord> decisions,
                                repository_.ListDecisionsOfAuthorForUpdate(
                                    tx, person.org, person.id));
        for (DecisionRecord& d : decisions) {
          if (!EraseDecisionEvidence(&d.body)) continue;
          CANDOR_RETURN_IF_ERROR(repository_.UpdateDecisionBody(tx, d));
          ++changed;
        }
        // Fingerprints of their words: derived personal data. Their posts
        // no longer count toward near-duplicate checks of others' posts:
        // tombstones in the feed take them out of every replica's index.
        CANDOR_ASSIGN_OR_RETURN(
            std::vector<std::string> unindexed_posts,
            repository_.RemovePostShinglesOfAuthor(tx, person.org, person.id));
        changed += static_cast<int64_t>(unindexed_posts.size());
        response->set_records_changed(changed);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* TransparencyService::ExportPersonalData(
    grpc::CallbackServerContext* context,
    const v1::ExportPersonalDataRequest* request, v1::PersonalData* response) {
  return RunUnary(
      *env_, context,
      "/candor.transparency.v1.TransparencyService/ExportPersonalData",
      *request, [=](const Caller& caller) {
        return DoExportPersonalData(caller, *request, response);
      });
}

grpc::ServerUnaryReactor* TransparencyService::ErasePersonalData(
    grpc::CallbackServerContext* context,
    const v1::ErasePersonalDataRequest* request,
    v1::ErasePersonalDataResponse* response) {
  return RunUnary(
      *env_, context,
      "/candor.transparency.v1.TransparencyService/ErasePersonalData", *request,
      [=](const Caller& caller) {
        return DoErasePersonalData(caller, *request, response);
      });
}

}  // namespace candor::transparency
