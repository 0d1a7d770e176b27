#include "services/engagement/engagement_service.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "services/common/authz.h"
#include "services/common/client_stream.h"
#include "services/common/clock.h"
#include "services/common/grpc_status.h"
#include "services/common/idempotency.h"
#include "services/common/ids.h"
#include "services/common/internal_call.h"
#include "services/common/personal_data.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"
#include "services/engagement/share.h"

namespace candor::engagement {
namespace {

using ::google::protobuf::util::TimeUtil;
namespace advocacypb = ::candor::advocacy::v1;
namespace tpb = ::candor::transparency::v1;

// Method names for the access log, idempotency fingerprints and page tokens.
constexpr absl::string_view kCreateShareMethod =
    "/candor.engagement.v1.EngagementService/CreateShare";
constexpr absl::string_view kGetShareMethod =
    "/candor.engagement.v1.EngagementService/GetShare";
constexpr absl::string_view kListSharesMethod =
    "/candor.engagement.v1.EngagementService/ListShares";
constexpr absl::string_view kRecordEngagementEventsMethod =
    "/candor.engagement.v1.EngagementService/RecordEngagementEvents";
constexpr absl::string_view kGetEngagementMetricsMethod =
    "/candor.engagement.v1.EngagementService/GetEngagementMetrics";
constexpr absl::string_view kGetLeaderboardMethod =
    "/candor.engagement.v1.EngagementService/GetLeaderboard";
constexpr absl::string_view kUpdateLeaderboardParticipationMethod =
    "/candor.engagement.v1.EngagementService/UpdateLeaderboardParticipation";

constexpr absl::string_view kPostPattern =
    "organizations/{organization}/posts/{post}";
constexpr absl::string_view kSharePattern =
    "organizations/{organization}/shares/{share}";
constexpr absl::string_view kValuePattern =
    "organizations/{organization}/values/{value}";
constexpr absl::string_view kStoryPattern =
    "organizations/{organization}/stories/{story}";

// Metrics and the leaderboard look back this far by default.
constexpr int64_t kDefaultWindowMicros = 30 * kDayMicros;
// Tracking-code collisions are retried this many times.
constexpr int kTrackingCodeAttempts = 5;
// Stored explanations and notification messages stay below the columns'
// 2000 characters.
constexpr size_t kMaxExplanationBytes = 1800;

bool IsReviewerOrAdmin(const Caller& caller) {
  return caller.HasRole(Role::kReviewer) || caller.HasRole(Role::kAdmin);
}

// `text` cut to at most `max_bytes`, on a UTF-8 character boundary.
std::string Truncate(std::string text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  text.resize(end);
  return text;
}

std::string ShareName(absl::string_view org, absl::string_view id) {
  return absl::StrCat("organizations/", org, "/shares/", id);
}

std::string PostName(absl::string_view org, absl::string_view id) {
  return absl::StrCat("organizations/", org, "/posts/", id);
}

// The last segment of a resource name.
std::string LastSegment(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name
                                                      : name.substr(slash + 1));
}

// [start, end) of a metrics or leaderboard request: end defaults to now,
// start to 30 days before end.
absl::Status ResolveWindow(const google::protobuf::Timestamp* start,
                           const google::protobuf::Timestamp* end,
                           int64_t* start_us, int64_t* end_us) {
  *end_us =
      end != nullptr ? TimeUtil::TimestampToMicroseconds(*end) : NowMicros();
  *start_us = start != nullptr ? TimeUtil::TimestampToMicroseconds(*start)
                               : *end_us - kDefaultWindowMicros;
  if (*start_us >= *end_us) {
    return InvalidField("start_time", "must be before end_time");
  }
  return absl::OkStatus();
}

void ShareToProto(const ShareRecord& r, absl::string_view tracking_base_url,
                  v1::Share* out) {
  out->Clear();
  out->set_name(ShareName(r.organization_id, r.share_id));
  out->set_post(PostName(r.organization_id, r.post_id));
  out->set_author(StaffMemberName(r.organization_id, r.author_id));
  out->set_network(static_cast<common::v1::Network>(r.network));
  out->set_published_text(r.published_text);
  out->set_external_url(r.external_url);
  out->set_state(static_cast<v1::Share::State>(r.state));
  out->set_compliance_explanation(r.compliance_explanation);
  out->set_tracking_url(
      absl::StrCat(tracking_base_url, "/r/", r.tracking_code));
  out->set_tracking_code(r.tracking_code);
  *out->mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(r.create_time_us);
}

absl::Status CheckExternalUrl(absl::string_view url) {
  if (url.empty()) return absl::OkStatus();
  if (url.size() > 2000) {
    return InvalidField("share.external_url", "at most 2000 characters");
  }
  if (!absl::StartsWith(url, "https://") || url.size() <= 8 ||
      std::any_of(url.begin(), url.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
      })) {
    return InvalidField("share.external_url", "must be an https URL");
  }
  return absl::OkStatus();
}

EventInput ToEventInput(const v1::EngagementEvent& e) {
  EventInput in;
  in.event_id = e.event_id();
  in.share = e.share();
  in.tracking_code = e.tracking_code();
  in.kind = static_cast<int>(e.kind());
  in.count = e.count();
  in.has_occurred_time = e.has_occurred_time();
  if (in.has_occurred_time) {
    in.occurred_time_us = TimeUtil::TimestampToMicroseconds(e.occurred_time());
  }
  return in;
}

}  // namespace

EngagementService::EngagementService(const CallEnvironment* env, db::Pool* pool,
                                     const PageTokenCodec* page_tokens,
                                     std::string tracking_base_url)
    : repository_(pool),
      env_(env),
      pool_(pool),
      page_tokens_(page_tokens),
      tracking_base_url_(std::move(tracking_base_url)),
      notifications_(pool) {}

EngagementService::~EngagementService() = default;

void EngagementService::SetDependencies(const Dependencies& dependencies) {
  advocacy_ = advocacy::v1::AdvocacyService::NewStub(dependencies.advocacy);
  transparency_ =
      transparency::v1::TransparencyService::NewStub(dependencies.transparency);
  if (dependencies.staff != nullptr) {
    staff_ = staff::v1::StaffService::NewStub(dependencies.staff);
  }
  service_tokens_ = dependencies.service_tokens;
}

// --- handlers ---------------------------------------------------------------

grpc::ServerUnaryReactor* EngagementService::CreateShare(
    grpc::CallbackServerContext* context, const v1::CreateShareRequest* request,
    v1::Share* response) {
  return RunUnary(*env_, context, kCreateShareMethod, *request,
                  [=](const Caller& caller) {
                    return DoCreateShare(caller, *request, response);
                  });
}

grpc::ServerUnaryReactor* EngagementService::GetShare(
    grpc::CallbackServerContext* context, const v1::GetShareRequest* request,
    v1::Share* response) {
  return RunUnary(*env_, context, kGetShareMethod, *request,
                  [=](const Caller& caller) {
                    return DoGetShare(caller, *request, response);
                  });
}

grpc::ServerUnaryReactor* EngagementService::ListShares(
    grpc::CallbackServerContext* context, const v1::ListSharesRequest* request,
    v1::ListSharesResponse* response) {
  return RunUnary(*env_, context, kListSharesMethod, *request,
                  [=](const Caller& caller) {
                    return DoListShares(caller, *request, response);
                  });
}

grpc::ServerUnaryReactor* EngagementService::GetEngagementMetrics(
    grpc::CallbackServerContext* context,
    const v1::GetEngagementMetricsRequest* request,
    v1::EngagementMetrics* response) {
  return RunUnary(*env_, context, kGetEngagementMetricsMethod, *request,
                  [=](const Caller& caller) {
                    return DoGetEngagementMetrics(caller, *request, response);
                  });
}

grpc::ServerUnaryReactor* EngagementService::GetLeaderboard(
    grpc::CallbackServerContext* context,
    const v1::GetLeaderboardRequest* request, v1::Leaderboard* response) {
  return RunUnary(*env_, context, kGetLeaderboardMethod, *request,
                  [=](const Caller& caller) {
                    return DoGetLeaderboard(caller, *request, response);
                  });
}

grpc::ServerUnaryReactor* EngagementService::UpdateLeaderboardParticipation(
    grpc::CallbackServerContext* context,
    const v1::UpdateLeaderboardParticipationRequest* request,
    v1::LeaderboardParticipation* response) {
  return RunUnary(*env_, context, kUpdateLeaderboardParticipationMethod,
                  *request, [=](const Caller& caller) {
                    return DoUpdateLeaderboardParticipation(caller, *request,
                                                            response);
                  });
}

// The events of one stream as they arrive; shared by the callbacks of one
// call, which gRPC runs one at a time.
struct EventStream {
  std::string parent;
  std::string org;
  std::vector<v1::EngagementEvent> events;
};

grpc::ServerReadReactor<v1::RecordEngagementEventsRequest>*
EngagementService::RecordEngagementEvents(
    grpc::CallbackServerContext* context,
    v1::RecordEngagementEventsResponse* response) {
  auto stream = std::make_shared<EventStream>();
  auto accept = [this, stream](const Caller& caller,
                               v1::RecordEngagementEventsRequest& message)
      -> absl::Status {
    if (stream->org.empty()) {
      CANDOR_ASSIGN_OR_RETURN(
          std::string org, ParseOrganizationName("parent", message.parent()));
      CANDOR_RETURN_IF_ERROR(
          RequireStaffOrServiceOf(caller, org, message.parent()));
      if (caller.staff_member_id.empty() && !caller.HasRole(Role::kService)) {
        return absl::PermissionDeniedError(
            "only staff members and services record engagement events");
      }
      stream->parent = message.parent();
      stream->org = std::move(org);
    } else if (!message.parent().empty() && message.parent() != stream->parent) {
      return InvalidField("parent", "must be the same in every message");
    }
    if (static_cast<int64_t>(stream->events.size()) + message.events_size() >
        kMaxEventsPerStream) {
      return InvalidField("events",
                          absl::StrCat("at most ", kMaxEventsPerStream,
                                       " events in one stream"));
    }
    // Charged as they arrive, so a caller over its limit is stopped before
    // the server buffers the rest of the stream.
    if (env_->limits != nullptr) {
      CANDOR_RETURN_IF_ERROR(
          env_->limits->events.Charge(caller.subject, message.events_size()));
    }
    for (v1::EngagementEvent& event : *message.mutable_events()) {
      stream->events.push_back(std::move(event));
    }
    return absl::OkStatus();
  };
  auto run = [this, stream, response](const Caller& caller) -> absl::Status {
    if (stream->org.empty()) {
      return InvalidField("parent", "required in the first message");
    }
    if (env_->metrics != nullptr) {
      env_->metrics->RecordBatch(kRecordEngagementEventsMethod, stream->events.size());
    }
    return DoRecordEngagementEvents(caller, stream->org, stream->events,
                                    response);
  };
  return GatherClientStream<v1::RecordEngagementEventsRequest>(
      *env_, context, kRecordEngagementEventsMethod, std::move(accept),
      std::move(run));
}

// --- logic ------------------------------------------------------------------

absl::Status EngagementService::DoCreateShare(
    const Caller& caller, const v1::CreateShareRequest& request,
    v1::Share* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<std::string> post_name,
      ParseResourceName("parent", request.parent(), kPostPattern));
  const std::string& org = post_name[0];
  const std::string& post_id = post_name[1];
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, org, request.parent()));
  if (caller.staff_member_id.empty()) {
    return absl::PermissionDeniedError("shares are made by staff members");
  }
  if (!request.has_share()) return InvalidField("share", "required");
  const v1::Share& in = request.share();
  if (in.network() == common::v1::NETWORK_UNSPECIFIED ||
      !common::v1::Network_IsValid(in.network())) {
    return InvalidField("share.network", "required");
  }
  CANDOR_RETURN_IF_ERROR(CheckText("share.published_text", in.published_text(),
                                   kMaxPublishedTextChars, Presence::kRequired,
                                   /*multiline=*/true));
  CANDOR_RETURN_IF_ERROR(CheckExternalUrl(in.external_url()));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  if (env_->limits != nullptr) {
    CANDOR_RETURN_IF_ERROR(env_->limits->shares.Charge(caller.subject));
  }
  if (advocacy_ == nullptr || transparency_ == nullptr) {
    return absl::UnavailableError(
        "the advocacy and transparency services are not connected; retry");
  }

  // The post, as the caller sees it: NOT_FOUND when they cannot.
  advocacypb::Post post;
  {
    advocacypb::GetPostRequest get;
    get.set_name(request.parent());
    std::unique_ptr<grpc::ClientContext> context = OnBehalfOf(caller);
    CANDOR_RETURN_IF_ERROR(FromInternalCall(
        advocacy_->GetPost(context.get(), get, &post), "the advocacy service"));
  }
  const std::string author_name = StaffMemberName(org, caller.staff_member_id);
  if (post.author() != author_name) {
    return absl::PermissionDeniedError("only the post's author can share it");
  }
  if (post.state() != advocacypb::Post::APPROVED) {
    return absl::FailedPreconditionError(
        absl::StrCat("only APPROVED posts can be shared; ", request.parent(),
                     " is ", advocacypb::Post::State_Name(post.state())));
  }
  if (post.network() != in.network()) {
    return InvalidField("share.network",
                        absl::StrCat("must be the post's network, ",
                                     common::v1::Network_Name(post.network())));
  }

  // The published ruleset: the disclosure rules and share pacing.
  tpb::Ruleset ruleset;
  {
    tpb::GetPublishedRulesetRequest get;
    get.set_parent(OrganizationName(org));
    std::unique_ptr<grpc::ClientContext> context = OnBehalfOf(caller);
    CANDOR_RETURN_IF_ERROR(FromInternalCall(
        transparency_->GetPublishedRuleset(context.get(), get, &ruleset),
        "the transparency service"));
  }
  absl::flat_hash_set<std::string> disclosure_rules;
  std::optional<int> pacing_limit;
  for (const tpb::Rule& rule : ruleset.rules()) {
    if (rule.has_disclosure()) disclosure_rules.insert(rule.id());
    if (rule.has_share_pacing()) {
      const int limit = SharePacingLimit(rule.share_pacing().max_per_day());
      pacing_limit = pacing_limit ? std::min(*pacing_limit, limit) : limit;
    }
  }

  // Compliance: the disclosure, judged again on the published text, and
  // material difference from the approved text.
  std::vector<std::string> problems;
  if (!disclosure_rules.empty()) {
    tpb::EvaluatePostRequest evaluate;
    evaluate.set_parent(OrganizationName(org));
    tpb::PostContent* content = evaluate.mutable_post();
    content->set_post(request.parent());
    content->set_author(author_name);
    content->set_network(post.network());
    content->set_text(in.published_text());
    content->set_link_url(post.link_url());
    tpb::Evaluation evaluation;
    std::unique_ptr<grpc::ClientContext> context = OnBehalfOf(caller);
    CANDOR_RETURN_IF_ERROR(FromInternalCall(
        transparency_->EvaluatePost(context.get(), evaluate, &evaluation),
        "the transparency service"));
    for (const tpb::RuleResult& result : evaluation.results()) {
      if (!result.passed() && disclosure_rules.contains(result.rule_id())) {
        problems.push_back(
            absl::StrCat("The published text lost its disclosure (rule ",
                         result.rule_id(), "): ", result.explanation()));
      }
    }
  }
  if (std::optional<std::string> difference =
          MaterialDifference(post.text(), in.published_text())) {
    problems.push_back(*std::move(difference));
  }

  ShareRecord share;
  share.organization_id = org;
  share.post_id = post_id;
  share.author_id = caller.staff_member_id;
  share.network = static_cast<int>(in.network());
  share.published_text = in.published_text();
  share.external_url = in.external_url();
  share.link_url = post.link_url();
  share.state =
      problems.empty() ? ShareState::kCompliant : ShareState::kNoncompliant;
  share.compliance_explanation =
      Truncate(absl::StrJoin(problems, " "), kMaxExplanationBytes);
  if (!post.story().empty()) share.story_id = LastSegment(post.story());
  std::vector<std::string> value_ids;
  for (const std::string& value : post.values()) {
    value_ids.push_back(LastSegment(value));
  }
  share.value_ids = JoinValueIds(value_ids);

  // The decision that approved the post reaches the author's inbox before
  // a notification about sharing it (advocacy events arrive by pull).
  if (share.state == ShareState::kNoncompliant) ImportAdvocacyEvents(org);

  CANDOR_RETURN_IF_ERROR(RunIdempotent(
      repository_.pool(),
      MakeIdempotencyKey(caller, kCreateShareMethod, request), response,
      [&](db::Transaction& tx) -> absl::Status {
        share.create_time_us = NowMicros();
        if (pacing_limit) {
          CANDOR_ASSIGN_OR_RETURN(
              std::vector<int64_t> recent,
              repository_.RecentSharesForUpdate(
                  tx, org, share.author_id, share.network,
                  share.create_time_us - kDayMicros, *pacing_limit));
          CANDOR_RETURN_IF_ERROR(
              CheckSharePacing(recent, *pacing_limit, share.create_time_us));
        }
        absl::BitGen gen;
        absl::Status inserted;
        for (int attempt = 0; attempt < kTrackingCodeAttempts; ++attempt) {
          share.share_id = NewResourceId();
          share.tracking_code = NewTrackingCode(gen);
          inserted = repository_.InsertShare(tx, share);
          if (!absl::IsAlreadyExists(inserted)) break;
        }
        if (absl::IsAlreadyExists(inserted)) {
          return absl::AbortedError("could not choose a tracking code; retry");
        }
        CANDOR_RETURN_IF_ERROR(inserted);
        if (share.state == ShareState::kNoncompliant) {
          NewNotification notification;
          notification.organization_id = org;
          notification.staff_member_id = share.author_id;
          notification.kind =
              static_cast<int>(v1::Notification::NONCOMPLIANT_SHARE);
          notification.subject = ShareName(org, share.share_id);
          notification.message = Truncate(
              absl::StrCat("Your share of ", request.parent(),
                           " is not compliant: ", share.compliance_explanation,
                           " Please edit or remove it."),
              kMaxExplanationBytes);
          CANDOR_RETURN_IF_ERROR(notifications_.Add(tx, notification));
        }
        ShareToProto(share, tracking_base_url_, response);
        return absl::OkStatus();
      }));
  if (response->state() == v1::Share::NONCOMPLIANT) {
    notifications_.Published(org, caller.staff_member_id);
  }
  return absl::OkStatus();
}

absl::Status EngagementService::DoGetShare(const Caller& caller,
                                           const v1::GetShareRequest& request,
                                           v1::Share* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<std::string> name,
      ParseResourceName("name", request.name(), kSharePattern));
  CANDOR_RETURN_IF_ERROR(
      RequireStaffOrServiceOf(caller, name[0], request.name()));
  CANDOR_ASSIGN_OR_RETURN(ShareRecord share,
                          repository_.FindShare(name[0], name[1]));
  if (!IsReviewerOrAdmin(caller) && !caller.HasRole(Role::kService) &&
      !caller.IsStaffMember(name[0], share.author_id)) {
    return absl::PermissionDeniedError(
        "only the share's author, reviewers and admins can read it");
  }
  ShareToProto(share, tracking_base_url_, response);
  return absl::OkStatus();
}

absl::Status EngagementService::DoListShares(
    const Caller& caller, const v1::ListSharesRequest& request,
    v1::ListSharesResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("parent", request.parent()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, org, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(ShareFilter filter,
                          ParseShareFilter(org, request.filter()));
  if (!IsReviewerOrAdmin(caller)) {
    // Authors list their own shares only.
    if (caller.staff_member_id.empty()) {
      return absl::PermissionDeniedError("shares are listed by staff members");
    }
    if (filter.author_id && *filter.author_id != caller.staff_member_id) {
      return absl::PermissionDeniedError(
          "only reviewers and admins can list other staff members' shares");
    }
    filter.author_id = caller.staff_member_id;
  }
  // A token is only good for the same parent, filter and caller.
  CANDOR_ASSIGN_OR_RETURN(
      PageRequest page,
      page_tokens_->StartPage(
          absl::StrCat(kListSharesMethod, "\n", org, "\n", request.filter(),
                       "\n", caller.subject),
          request.page_size(), request.page_token()));
  std::optional<ShareCursor> before;
  if (!page.cursor.empty()) {
    CANDOR_ASSIGN_OR_RETURN(before, DecodeShareCursor(page.cursor));
  }
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<ShareRecord> shares,
      repository_.ListShares(org, filter, before, page.limit()));
  response->set_next_page_token(
      page_tokens_->FinishPage(page, shares, [](const ShareRecord& s) {
        return EncodeShareCursor({s.create_time_us, s.share_id});
      }));
  for (const ShareRecord& share : shares) {
    ShareToProto(share, tracking_base_url_, response->add_shares());
  }
  return absl::OkStatus();
}

absl::Status EngagementService::DoRecordEngagementEvents(
    const Caller& caller, const std::string& org,
    const std::vector<v1::EngagementEvent>& events,
    v1::RecordEngagementEventsResponse* response) {
  const int64_t now = NowMicros();
  response->Clear();
  response->set_received(static_cast<int64_t>(events.size()));
  auto add_error = [&](size_t index, const v1::EngagementEvent& event,
                       absl::string_view field, absl::string_view reason) {
    auto* error = response->add_errors();
    error->set_index(static_cast<int64_t>(index));
    error->set_event_id(Truncate(event.event_id(), 64));
    error->set_field(std::string(field));
    error->set_reason(std::string(reason));
  };

  // Validate, then resolve the shares named (by name or code) in batches.
  std::vector<size_t> valid;
  std::vector<std::string> share_ids;
  std::vector<std::string> codes;
  absl::flat_hash_set<std::string> seen_ids;
  absl::flat_hash_set<std::string> seen_codes;
  for (size_t i = 0; i < events.size(); ++i) {
    const EventInput input = ToEventInput(events[i]);
    if (std::optional<EventProblem> problem = ValidateEvent(org, input, now)) {
      add_error(i, events[i], problem->field, problem->reason);
      continue;
    }
    valid.push_back(i);
    if (!input.share.empty()) {
      std::string id = LastSegment(input.share);
      if (seen_ids.insert(id).second) share_ids.push_back(std::move(id));
    } else if (seen_codes.insert(input.tracking_code).second) {
      codes.push_back(input.tracking_code);
    }
  }
  CANDOR_ASSIGN_OR_RETURN(auto by_id,
                          repository_.ResolveShareIds(org, share_ids));
  CANDOR_ASSIGN_OR_RETURN(auto by_code,
                          repository_.ResolveTrackingCodes(org, codes));

  const bool any_share = caller.HasRole(Role::kService);
  std::vector<EventRecord> records;
  records.reserve(valid.size());
  for (size_t i : valid) {
    const v1::EngagementEvent& event = events[i];
    const bool named = !event.share().empty();
    const auto& map = named ? by_id : by_code;
    auto it =
        map.find(named ? LastSegment(event.share()) : event.tracking_code());
    const absl::string_view field = named ? "share" : "tracking_code";
    if (it == map.end()) {
      add_error(i, event, field, "no such share");
      continue;
    }
    if (!any_share && it->second.author_id != caller.staff_member_id) {
      // Said like an unknown share: staff learn nothing of others' shares.
      add_error(i, event, field, "no such share");
      continue;
    }
    EventRecord record;
    record.event_id = event.event_id();
    record.share_id = it->second.share_id;
    record.kind = static_cast<int>(event.kind());
    record.count = EffectiveCount(event.count());
    record.occurred_time_us =
        TimeUtil::TimestampToMicroseconds(event.occurred_time());
    records.push_back(std::move(record));
  }

  int64_t inserted = 0;
  if (!records.empty()) {
    CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                            db::Transaction::Begin(repository_.pool()));
    CANDOR_ASSIGN_OR_RETURN(inserted,
                            repository_.InsertEvents(tx, org, records, now));
    CANDOR_RETURN_IF_ERROR(tx.Commit());
  }
  response->set_recorded(inserted);
  response->set_duplicates(static_cast<int64_t>(records.size()) - inserted);
  return absl::OkStatus();
}

absl::Status EngagementService::DoGetEngagementMetrics(
    const Caller& caller, const v1::GetEngagementMetricsRequest& request,
    v1::EngagementMetrics* response) {
  const std::string& subject_name = request.subject();
  std::vector<absl::string_view> segments = absl::StrSplit(subject_name, '/');
  std::string org;
  MetricsSubject subject;
  if (segments.size() == 2) {
    CANDOR_ASSIGN_OR_RETURN(org,
                            ParseOrganizationName("subject", subject_name));
  } else {
    absl::string_view pattern;
    std::string* target = nullptr;
    const absl::string_view collection =
        segments.size() == 4 ? segments[2] : absl::string_view();
    if (collection == "posts") {
      pattern = kPostPattern;
      target = &subject.post_id;
    } else if (collection == "staffMembers") {
      pattern = kStaffMemberPattern;
      target = &subject.author_id;
    } else if (collection == "values") {
      pattern = kValuePattern;
      target = &subject.value_id;
    } else if (collection == "stories") {
      pattern = kStoryPattern;
      target = &subject.story_id;
    } else {
      return InvalidField("subject",
                          "an organization, post, staff member, value or "
                          "story name");
    }
    CANDOR_ASSIGN_OR_RETURN(
        std::vector<std::string> parts,
        ParseResourceName("subject", subject_name, pattern));
    org = parts[0];
    *target = parts[1];
  }
  CANDOR_RETURN_IF_ERROR(RequireStaffOrServiceOf(caller, org, subject_name));
  if (!subject.author_id.empty() && !IsReviewerOrAdmin(caller) &&
      !caller.HasRole(Role::kService) &&
      !caller.IsStaffMember(org, subject.author_id)) {
    return absl::PermissionDeniedError(
        "staff members see their own metrics; reviewers and admins anyone's");
  }
  int64_t start_us = 0;
  int64_t end_us = 0;
  CANDOR_RETURN_IF_ERROR(
      ResolveWindow(request.has_start_time() ? &request.start_time() : nullptr,
                    request.has_end_time() ? &request.end_time() : nullptr,
                    &start_us, &end_us));
  CANDOR_ASSIGN_OR_RETURN(MetricsTotals totals,
                          repository_.Metrics(org, subject, start_us, end_us));
  response->set_subject(subject_name);
  *response->mutable_start_time() = TimeUtil::MicrosecondsToTimestamp(start_us);
  *response->mutable_end_time() = TimeUtil::MicrosecondsToTimestamp(end_us);
  response->set_shares(totals.shares);
  response->set_noncompliant_shares(totals.noncompliant_shares);
  response->set_clicks(totals.clicks);
  response->set_reactions(totals.reactions);
  response->set_comments(totals.comments);
  response->set_reshares(totals.reshares);
  response->set_impressions(totals.impressions);
  return absl::OkStatus();
}

std::string EngagementService::DisplayNameOf(const Caller& caller,
                                             const std::string& staff_member) {
  // Read as the caller: any staff member may see a colleague's name. A
  // leaderboard without a name still ranks correctly, so failures leave it
  // empty rather than failing the call.
  staff::v1::GetStaffMemberRequest request;
  request.set_name(staff_member);
  staff::v1::StaffMember member;
  if (staff_ == nullptr ||
      !staff_->GetStaffMember(OnBehalfOf(caller).get(), request, &member).ok()) {
    return "";
  }
  return member.display_name();
}

absl::Status EngagementService::DoGetLeaderboard(
    const Caller& caller, const v1::GetLeaderboardRequest& request,
    v1::Leaderboard* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          ParseOrganizationName("parent", request.parent()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, org, request.parent()));
  if (request.limit() < 0 || request.limit() > 100) {
    return InvalidField("limit", "1 to 100, or 0 for 10");
  }
  const int limit = request.limit() == 0 ? 10 : request.limit();
  int64_t start_us = 0;
  int64_t end_us = 0;
  CANDOR_RETURN_IF_ERROR(
      ResolveWindow(request.has_start_time() ? &request.start_time() : nullptr,
                    request.has_end_time() ? &request.end_time() : nullptr,
                    &start_us, &end_us));
  CANDOR_ASSIGN_OR_RETURN(std::vector<LeaderboardRow> rows,
                          repository_.LeaderboardRows(org, start_us, end_us));
  RankLeaderboard(rows, limit);
  response->set_formula(LeaderboardFormula());
  *response->mutable_start_time() = TimeUtil::MicrosecondsToTimestamp(start_us);
  *response->mutable_end_time() = TimeUtil::MicrosecondsToTimestamp(end_us);
  for (const LeaderboardRow& row : rows) {
    v1::Leaderboard::Entry* entry = response->add_entries();
    entry->set_rank(row.rank);
    entry->set_staff_member(StaffMemberName(org, row.staff_member_id));
    entry->set_display_name(DisplayNameOf(caller, entry->staff_member()));
    entry->set_score(row.score);
    entry->set_compliant_shares(row.compliant_shares);
    entry->set_clicks(row.clicks);
    entry->set_reshares(row.reshares);
  }
  return absl::OkStatus();
}

absl::Status EngagementService::DoUpdateLeaderboardParticipation(
    const Caller& caller,
    const v1::UpdateLeaderboardParticipationRequest& request,
    v1::LeaderboardParticipation* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<std::string> name,
      ParseResourceName("parent", request.parent(), kStaffMemberPattern));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, name[0], request.parent()));
  if (!caller.IsStaffMember(name[0], name[1])) {
    return absl::PermissionDeniedError(
        "staff members opt in or out of the leaderboard themselves only");
  }
  const int64_t now = NowMicros();
  CANDOR_RETURN_IF_ERROR(repository_.SetParticipation(
      name[0], name[1], request.participate(), now));
  response->set_staff_member(request.parent());
  response->set_participate(request.participate());
  *response->mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(now);
  return absl::OkStatus();
}

}  // namespace candor::engagement

// --- personal data -----------------------------------------------------------

namespace candor::engagement {

// An export reads everything at once; a person's shares and notifications
// number in the thousands at most.
constexpr int kMaxExportRows = 1'000'000;

absl::Status EngagementService::DoExportPersonalData(
    const Caller& caller, const v1::ExportPersonalDataRequest& request,
    v1::PersonalData* response) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          ParsePersonRef(request.staff_member()));
  CANDOR_RETURN_IF_ERROR(
      RequirePersonalDataAccess(caller, person.org, person.name));
  ShareFilter filter;
  filter.author_id = person.id;
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<ShareRecord> shares,
      repository_.ListShares(person.org, filter, std::nullopt, kMaxExportRows));
  for (const ShareRecord& share : shares) {
    ShareToProto(share, tracking_base_url_, response->add_shares());
  }
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<NotificationRecord> notifications,
      notifications_.ListNewestFirst(person.org, person.id, /*before=*/0,
                                     /*unread_only=*/false, kMaxExportRows));
  for (const NotificationRecord& n : notifications) {
    v1::Notification* out = response->add_notifications();
    out->set_name(absl::StrCat(person.name, "/notifications/", n.sequence));
    out->set_kind(v1::Notification::Kind_IsValid(n.kind)
                      ? static_cast<v1::Notification::Kind>(n.kind)
                      : v1::Notification::KIND_UNSPECIFIED);
    out->set_subject(n.subject);
    out->set_message(n.message);
    out->set_read(n.read);
    *out->mutable_create_time() =
        TimeUtil::MicrosecondsToTimestamp(n.create_time_us);
  }
  CANDOR_ASSIGN_OR_RETURN(auto participation,
                          repository_.FindParticipation(person.org, person.id));
  if (participation.has_value()) {
    v1::LeaderboardParticipation* out =
        response->mutable_leaderboard_participation();
    out->set_staff_member(person.name);
    out->set_participate(participation->first);
    *out->mutable_update_time() =
        TimeUtil::MicrosecondsToTimestamp(participation->second);
  }
  return absl::OkStatus();
}

absl::Status EngagementService::DoErasePersonalData(
    const Caller& caller, const v1::ErasePersonalDataRequest& request,
    v1::ErasePersonalDataResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          ParsePersonRef(request.staff_member()));
  CANDOR_RETURN_IF_ERROR(
      RequirePersonalDataAccess(caller, person.org, person.name));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));
  return RunIdempotent(
      repository_.pool(),
      MakeIdempotencyKey(
          caller, "/candor.engagement.v1.EngagementService/ErasePersonalData",
          request),
      response, [&](db::Transaction& tx) {
        CANDOR_ASSIGN_OR_RETURN(
            int64_t shares, repository_.EraseSharesOfAuthor(
                                tx, person.org, person.id, kErasedText));
        CANDOR_ASSIGN_OR_RETURN(
            int64_t notifications,
            notifications_.DeleteInbox(tx, person.org, person.id));
        CANDOR_ASSIGN_OR_RETURN(
            int64_t participation,
            repository_.DeleteParticipation(tx, person.org, person.id));
        response->set_records_changed(shares + notifications + participation);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* EngagementService::ExportPersonalData(
    grpc::CallbackServerContext* context,
    const v1::ExportPersonalDataRequest* request, v1::PersonalData* response) {
  return RunUnary(*env_, context,
                  "/candor.engagement.v1.EngagementService/ExportPersonalData", *request,
                  [=](const Caller& caller) {
                    return DoExportPersonalData(caller, *request, response);
                  });
}

grpc::ServerUnaryReactor* EngagementService::ErasePersonalData(
    grpc::CallbackServerContext* context,
    const v1::ErasePersonalDataRequest* request,
    v1::ErasePersonalDataResponse* response) {
  return RunUnary(*env_, context,
                  "/candor.engagement.v1.EngagementService/ErasePersonalData", *request,
                  [=](const Caller& caller) {
                    return DoErasePersonalData(caller, *request, response);
                  });
}

}  // namespace candor::engagement
