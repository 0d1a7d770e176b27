#include "services/values/values_service.h"

#include <google/protobuf/util/time_util.h>

#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/authz.h"
#include "services/common/clock.h"
#include "services/common/etag.h"
#include "services/common/export_page.h"
#include "services/common/idempotency.h"
#include "services/common/ids.h"
#include "services/common/personal_data.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/time_cursor.h"
#include "services/common/validation.h"
#include "services/values/value.h"

namespace candor::values {
namespace {

using ::google::protobuf::util::TimeUtil;

constexpr absl::string_view kValuePattern =
    "organizations/{organization}/values/{value}";

using ValueName = OrgResourceName;

absl::StatusOr<ValueName> ParseValueName(absl::string_view field,
                                         absl::string_view name) {
  return ParseOrgResourceName(field, name, kValuePattern);
}

std::string ValueResourceName(absl::string_view org, absl::string_view id) {
  return absl::StrCat("organizations/", org, "/values/", id);
}

// Writes that record who did them (revisions, endorsements, feedback) need
// a staff member, not merely a token with a staff role.
absl::Status RequireStaffMember(const Caller& caller,
                                absl::string_view action) {
  if (caller.staff_member_id.empty()) {
    return absl::PermissionDeniedError(
        absl::StrCat("only staff members can ", action));
  }
  return absl::OkStatus();
}

// The cursor of a newest-first list (revisions, feedback): the number of the
// last item of the previous page; the next page lists numbers below it.
absl::StatusOr<int64_t> ListBefore(const PageRequest& page) {
  if (page.cursor.empty()) return std::numeric_limits<int64_t>::max();
  return ParseSequenceId("page_token", page.cursor);
}

// A page of a list under one value (its revisions, its feedback).
struct ValueListPage {
  ValueName value;
  PageRequest page;
  int64_t before = 0;  // ListBefore(page)
};

// How ListValueRevisions and ListValueFeedback start: the value `parent`
// names, the caller's right to read it, the page asked for, and the value's
// existence (a missing value is NOT_FOUND, not an empty list).
template <typename ListRequest>
absl::StatusOr<ValueListPage> StartValueListPage(
    const Caller& caller, const ListRequest& request,
    const PageTokenCodec& page_tokens, ValuesRepository& repository) {
  ValueListPage list;
  CANDOR_ASSIGN_OR_RETURN(list.value,
                          ParseValueName("parent", request.parent()));
  CANDOR_RETURN_IF_ERROR(
      RequireStaffOrServiceOf(caller, list.value.org, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(list.page,
                          page_tokens.StartListPage(request, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(list.before, ListBefore(list.page));
  CANDOR_RETURN_IF_ERROR(
      repository.FindValue(list.value.org, list.value.id).status());
  return list;
}

// --- domain -> proto --------------------------------------------------------

void ValueToProto(const ValueRecord& r, bool endorsed_by_caller,
                  v1::Value* out) {
  out->Clear();
  out->set_name(ValueResourceName(r.organization_id, r.value_id));
  out->set_title(r.title);
  out->set_statement(r.statement);
  out->set_state(static_cast<v1::Value::State>(r.state));
  out->set_revision_id(RevisionId(r.revision_number));
  out->set_endorsement_count(r.endorsement_count);
  *out->mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(r.create_time_us);
  *out->mutable_update_time() =
      TimeUtil::MicrosecondsToTimestamp(r.update_time_us);
  out->set_etag(EtagOf(r.version));
  out->set_endorsed_by_caller(endorsed_by_caller);
}

void RevisionToProto(const RevisionRecord& r, v1::ValueRevision* out) {
  out->Clear();
  out->set_name(absl::StrCat(ValueResourceName(r.organization_id, r.value_id),
                             "/revisions/", RevisionId(r.revision_number)));
  out->set_revision_id(RevisionId(r.revision_number));
  out->set_title(r.title);
  out->set_statement(r.statement);
  out->set_editor(StaffMemberName(r.organization_id, r.editor_id));
  *out->mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(r.create_time_us);
}

void FeedbackToProto(const FeedbackRecord& r, v1::ValueFeedback* out) {
  out->Clear();
  out->set_name(absl::StrCat(ValueResourceName(r.organization_id, r.value_id),
                             "/feedback/", r.sequence));
  out->set_text(r.text);
  out->set_anonymous(r.anonymous);
  if (!r.anonymous)
    out->set_author(StaffMemberName(r.organization_id, r.author_id));
  out->set_value_revision_id(RevisionId(r.value_revision_number));
  *out->mutable_create_time() =
      TimeUtil::MicrosecondsToTimestamp(r.create_time_us);
}

}  // namespace

ValuesService::ValuesService(const CallEnvironment* env, db::Pool* pool,
                             const PageTokenCodec* page_tokens)
    : env_(env), page_tokens_(page_tokens), repository_(pool) {}

void ValuesService::SetDependencies(const Dependencies& dependencies) {
  staff_states_ = std::make_unique<StaffStateCache>(
      dependencies.staff, dependencies.service_tokens,
      dependencies.staff_state_ttl);
}

// --- handlers ---------------------------------------------------------------

grpc::ServerUnaryReactor* ValuesService::CreateValueFeedback(
    grpc::CallbackServerContext* context,
    const v1::CreateValueFeedbackRequest* request,
    v1::ValueFeedback* response) {
  // The access log line of anonymous feedback names no caller and no
  // request_id.
  return ServeUnary(*env_, context, request, response, this,
                    &ValuesService::DoCreateValueFeedback,
                    request->feedback().anonymous() ? CallerLogging::kAnonymous
                                                    : CallerLogging::kNamed);
}

// --- logic ------------------------------------------------------------------

absl::Status ValuesService::DoCreateValue(const Caller& caller,
                                          const v1::CreateValueRequest& request,
                                          v1::Value* response) {
  CANDOR_ASSIGN_OR_RETURN(std::string org,
                          RequireStaffOfParent(caller, request.parent()));
  CANDOR_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin, "create values"));
  CANDOR_RETURN_IF_ERROR(RequireStaffMember(caller, "create values"));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));

  if (!request.has_value()) return InvalidField("value", "required");
  CANDOR_RETURN_IF_ERROR(ValidateTitle("value.", request.value().title()));
  CANDOR_RETURN_IF_ERROR(
      ValidateStatement("value.", request.value().statement()));
  if (!request.value_id().empty()) {
    CANDOR_RETURN_IF_ERROR(ValidateValueId("value_id", request.value_id()));
  }
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));

  ValueRecord value;
  value.organization_id = org;
  value.value_id =
      request.value_id().empty() ? NewResourceId() : request.value_id();
  value.title = request.value().title();
  value.statement = request.value().statement();
  value.state = ValueState::kActive;
  value.revision_number = 1;
  value.create_time_us = value.update_time_us = NowMicros();
  value.version = 1;
  RevisionRecord revision;
  revision.organization_id = org;
  revision.value_id = value.value_id;
  revision.revision_number = value.revision_number;
  revision.title = value.title;
  revision.statement = value.statement;
  revision.editor_id = caller.staff_member_id;
  revision.create_time_us = value.create_time_us;

  return RunIdempotent(
      repository_.pool(), MakeIdempotencyKey(caller, request), response,
      [&](db::Transaction& tx) {
        CANDOR_RETURN_IF_ERROR(repository_.InsertValue(tx, value));
        CANDOR_RETURN_IF_ERROR(repository_.InsertRevision(tx, revision));
        ValueToProto(value, /*endorsed_by_caller=*/false, response);
        return absl::OkStatus();
      });
}

absl::Status ValuesService::DoGetValue(const Caller& caller,
                                       const v1::GetValueRequest& request,
                                       v1::Value* response) {
  CANDOR_ASSIGN_OR_RETURN(ValueName name,
                          ParseValueName("name", request.name()));
  CANDOR_RETURN_IF_ERROR(
      RequireStaffOrServiceOf(caller, name.org, request.name()));
  CANDOR_ASSIGN_OR_RETURN(ValueRecord value,
                          repository_.FindValue(name.org, name.id));
  bool endorsed = false;
  if (!caller.staff_member_id.empty()) {
    CANDOR_ASSIGN_OR_RETURN(
        absl::flat_hash_set<std::string> ids,
        repository_.EndorsedBetween(name.org, caller.staff_member_id, name.id,
                                    name.id));
    endorsed = ids.contains(name.id);
  }
  ValueToProto(value, endorsed, response);
  return absl::OkStatus();
}

absl::Status ValuesService::DoListValues(const Caller& caller,
                                         const v1::ListValuesRequest& request,
                                         v1::ListValuesResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::string org, RequireStaffOrServiceOfParent(caller, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(std::optional<ValueState> state,
                          ParseValueFilter(request.filter()));
  // A token is only good for the same parent and filter.
  CANDOR_ASSIGN_OR_RETURN(
      PageRequest page,
      page_tokens_->StartListPage(request, org, request.filter()));
  std::optional<TimeCursor> after;
  if (!page.cursor.empty()) {
    CANDOR_ASSIGN_OR_RETURN(after, DecodeTimeCursor(page.cursor));
  }
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<ValueRecord> values,
      repository_.ListValues(org, state, after, page.limit()));
  response->set_next_page_token(
      page_tokens_->FinishPage(page, values, [](const ValueRecord& value) {
        return EncodeTimeCursor({value.create_time_us, value.value_id});
      }));

  // Which of the page's values the caller endorses: one range read over the
  // page's ids (ids need not be in creation order, so take min and max).
  absl::flat_hash_set<std::string> endorsed;
  if (!values.empty() && !caller.staff_member_id.empty()) {
    std::string min_id = values.front().value_id;
    std::string max_id = min_id;
    for (const ValueRecord& value : values) {
      if (value.value_id < min_id) min_id = value.value_id;
      if (value.value_id > max_id) max_id = value.value_id;
    }
    CANDOR_ASSIGN_OR_RETURN(
        endorsed, repository_.EndorsedBetween(org, caller.staff_member_id,
                                              min_id, max_id));
  }
  for (const ValueRecord& value : values) {
    ValueToProto(value, endorsed.contains(value.value_id),
                 response->add_values());
  }
  return absl::OkStatus();
}

absl::Status ValuesService::DoUpdateValue(const Caller& caller,
                                          const v1::UpdateValueRequest& request,
                                          v1::Value* response) {
  const v1::Value& in = request.value();
  CANDOR_ASSIGN_OR_RETURN(ValueName name,
                          ParseValueName("value.name", in.name()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, name.org, in.name()));
  CANDOR_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin, "update values"));
  CANDOR_RETURN_IF_ERROR(RequireStaffMember(caller, "update values"));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));

  const std::vector<std::string> paths(request.update_mask().paths().begin(),
                                       request.update_mask().paths().end());
  CANDOR_ASSIGN_OR_RETURN(
      ValueUpdate update,
      ResolveUpdatePaths(paths, !in.title().empty(), !in.statement().empty()));
  if (update.title) CANDOR_RETURN_IF_ERROR(ValidateTitle("value.", in.title()));
  if (update.statement) {
    CANDOR_RETURN_IF_ERROR(ValidateStatement("value.", in.statement()));
  }

  CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                          db::Transaction::Begin(repository_.pool()));
  CANDOR_ASSIGN_OR_RETURN(ValueRecord before, repository_.FindValueForUpdate(
                                                  tx, name.org, name.id));
  if (before.state == ValueState::kRetired) {
    return absl::FailedPreconditionError(absl::StrCat(
        in.name(), " is retired; a retired value is no longer updated"));
  }
  CANDOR_RETURN_IF_ERROR(CheckEtag(in.etag(), before.version, "value"));
  ValueRecord after = before;
  if (update.title) after.title = in.title();
  if (update.statement) after.statement = in.statement();
  // Same wording: nothing to record (no empty revision, same etag).
  if (after.title != before.title || after.statement != before.statement) {
    after.revision_number = before.revision_number + 1;
    after.version = before.version + 1;
    after.update_time_us = NowMicros();
    CANDOR_RETURN_IF_ERROR(repository_.InsertRevision(
        tx, RevisionRecord{name.org, name.id, after.revision_number,
                           after.title, after.statement, caller.staff_member_id,
                           after.update_time_us}));
    CANDOR_RETURN_IF_ERROR(repository_.UpdateValue(tx, after));
  }
  // Read in the transaction: a call holds one connection at a time.
  CANDOR_ASSIGN_OR_RETURN(
      bool endorsed,
      repository_.IsEndorsedBy(tx, name.org, name.id, caller.staff_member_id));
  CANDOR_RETURN_IF_ERROR(tx.Commit());
  ValueToProto(after, endorsed, response);
  return absl::OkStatus();
}

absl::Status ValuesService::DoListValueRevisions(
    const Caller& caller, const v1::ListValueRevisionsRequest& request,
    v1::ListValueRevisionsResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(
      ValueListPage list,
      StartValueListPage(caller, request, *page_tokens_, repository_));
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<RevisionRecord> revisions,
      repository_.ListRevisions(list.value.org, list.value.id, list.before,
                                list.page.limit()));
  response->set_next_page_token(page_tokens_->FinishPage(
      list.page, revisions,
      [](const RevisionRecord& r) { return RevisionId(r.revision_number); }));
  for (const RevisionRecord& revision : revisions) {
    RevisionToProto(revision, response->add_revisions());
  }
  return absl::OkStatus();
}

absl::Status ValuesService::DoRetireValue(const Caller& caller,
                                          const v1::RetireValueRequest& request,
                                          v1::Value* response) {
  CANDOR_ASSIGN_OR_RETURN(ValueName name,
                          ParseValueName("name", request.name()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, name.org, request.name()));
  CANDOR_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin, "retire values"));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));

  return RunIdempotent(
      repository_.pool(), MakeIdempotencyKey(caller, request), response,
      [&](db::Transaction& tx) {
        CANDOR_ASSIGN_OR_RETURN(
            ValueRecord value,
            repository_.FindValueForUpdate(tx, name.org, name.id));
        if (value.state != ValueState::kRetired) {  // else already done
          value.state = ValueState::kRetired;
          value.version += 1;
          value.update_time_us = NowMicros();
          CANDOR_RETURN_IF_ERROR(repository_.UpdateValue(tx, value));
        }
        bool endorsed = false;
        if (!caller.staff_member_id.empty()) {
          CANDOR_ASSIGN_OR_RETURN(
              endorsed, repository_.IsEndorsedBy(tx, name.org, name.id,
                                                 caller.staff_member_id));
        }
        ValueToProto(value, endorsed, response);
        return absl::OkStatus();
      });
}

absl::Status ValuesService::DoEndorseValue(
    const Caller& caller, const v1::EndorseValueRequest& request,
    v1::Value* response) {
  return DoSetEndorsement(caller, request.name(), /*endorse=*/true, response);
}

absl::Status ValuesService::DoUnendorseValue(
    const Caller& caller, const v1::UnendorseValueRequest& request,
    v1::Value* response) {
  return DoSetEndorsement(caller, request.name(), /*endorse=*/false, response);
}

absl::Status ValuesService::DoSetEndorsement(const Caller& caller,
                                             const std::string& name_text,
                                             bool endorse,
                                             v1::Value* response) {
  CANDOR_ASSIGN_OR_RETURN(ValueName name, ParseValueName("name", name_text));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, name.org, name_text));
  CANDOR_RETURN_IF_ERROR(RequireStaffMember(
      caller, endorse ? "endorse values" : "withdraw endorsements"));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));

  // The value row is locked first, so endorsements of one value serialize
  // and the count moves only with a row that really changed.
  CANDOR_ASSIGN_OR_RETURN(db::Transaction tx,
                          db::Transaction::Begin(repository_.pool()));
  CANDOR_ASSIGN_OR_RETURN(
      ValueRecord value, repository_.FindValueForUpdate(tx, name.org, name.id));
  if (endorse && value.state == ValueState::kRetired) {
    return absl::FailedPreconditionError(absl::StrCat(
        name_text, " is retired; a retired value can no longer be endorsed"));
  }
  if (endorse) {
    CANDOR_ASSIGN_OR_RETURN(
        bool added,
        repository_.AddEndorsement(tx, name.org, name.id,
                                   caller.staff_member_id, NowMicros()));
    if (added) value.endorsement_count += 1;
  } else {
    // Withdrawing stays possible on a retired value: it is the person's own.
    CANDOR_ASSIGN_OR_RETURN(
        bool removed, repository_.RemoveEndorsement(tx, name.org, name.id,
                                                    caller.staff_member_id));
    if (removed) value.endorsement_count -= 1;
  }
  CANDOR_RETURN_IF_ERROR(tx.Commit());
  ValueToProto(value, /*endorsed_by_caller=*/endorse, response);
  return absl::OkStatus();
}

absl::Status ValuesService::DoCreateValueFeedback(
    const Caller& caller, const v1::CreateValueFeedbackRequest& request,
    v1::ValueFeedback* response) {
  CANDOR_ASSIGN_OR_RETURN(ValueName name,
                          ParseValueName("parent", request.parent()));
  CANDOR_RETURN_IF_ERROR(RequireStaffOf(caller, name.org, request.parent()));
  CANDOR_RETURN_IF_ERROR(RequireStaffMember(caller, "give feedback"));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
  if (!request.has_feedback()) return InvalidField("feedback", "required");
  const bool anonymous = request.feedback().anonymous();
  CANDOR_RETURN_IF_ERROR(
      ValidateFeedbackText("feedback.", request.feedback().text()));
  CANDOR_RETURN_IF_ERROR(CheckRequestId(request.request_id()));

  // The idempotency fingerprint hashes the caller and the request: for
  // anonymous feedback neither may carry the author (a hash of a staff name
  // is easily reversed by trying every colleague). Output-only fields a
  // client set are dropped for the same reason.
  Caller key_caller;
  key_caller.organization_id = caller.organization_id;
  if (!anonymous) key_caller.subject = caller.subject;
  v1::CreateValueFeedbackRequest key_request = request;
  v1::ValueFeedback* key_feedback = key_request.mutable_feedback();
  key_feedback->clear_name();
  key_feedback->clear_author();
  key_feedback->clear_value_revision_id();
  key_feedback->clear_create_time();
  const IdempotencyKey key = MakeIdempotencyKey(key_caller, key_request);

  const int64_t now = NowMicros();
  return RunIdempotent(
      repository_.pool(), key, response, [&](db::Transaction& tx) {
        CANDOR_ASSIGN_OR_RETURN(
            ValueRecord value,
            repository_.FindValueForUpdate(tx, name.org, name.id));
        FeedbackRecord feedback;
        feedback.organization_id = name.org;
        feedback.value_id = name.id;
        CANDOR_ASSIGN_OR_RETURN(
            feedback.sequence,
            repository_.NextFeedbackSequence(tx, name.org, name.id));
        feedback.text = request.feedback().text();
        feedback.anonymous = anonymous;
        if (!anonymous) feedback.author_id = caller.staff_member_id;
        feedback.value_revision_number = value.revision_number;
        feedback.create_time_us = anonymous ? AnonymousTime(now) : now;
        CANDOR_RETURN_IF_ERROR(repository_.InsertFeedback(tx, feedback));
        FeedbackToProto(feedback, response);
        return absl::OkStatus();
      });
}

absl::Status ValuesService::DoListValueFeedback(
    const Caller& caller, const v1::ListValueFeedbackRequest& request,
    v1::ListValueFeedbackResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(
      ValueListPage list,
      StartValueListPage(caller, request, *page_tokens_, repository_));
  CANDOR_ASSIGN_OR_RETURN(
      std::vector<FeedbackRecord> feedback,
      repository_.ListFeedback(list.value.org, list.value.id, list.before,
                               list.page.limit()));
  response->set_next_page_token(page_tokens_->FinishPage(
      list.page, feedback,
      [](const FeedbackRecord& f) { return absl::StrCat(f.sequence); }));
  for (const FeedbackRecord& item : feedback) {
    FeedbackToProto(item, response->add_feedback());
  }
  return absl::OkStatus();
}

}  // namespace candor::values

// --- personal data -----------------------------------------------------------

namespace candor::values {

absl::Status ValuesService::DoExportPersonalData(
    const Caller& caller, const v1::ExportPersonalDataRequest& request,
    v1::PersonalData* response) {
  CANDOR_ASSIGN_OR_RETURN(PersonRef person,
                          PersonToExport(caller, request.staff_member()));
  CANDOR_RETURN_IF_ERROR(RequireActiveCaller(staff_states_.get(), caller));
  CANDOR_ASSIGN_OR_RETURN(ExportPage page,
                          ExportPage::Start(*page_tokens_, request));
  CANDOR_RETURN_IF_ERROR(page.Section(
      0,
      [&](absl::string_view after, int limit) {
        return repository_.ListEndorsementsOf(person.org, person.id, after,
                                              limit);
      },
      [&](const EndorsementRecord& e) {
        v1::Endorsement* out = response->add_endorsements();
        out->set_value(ValueResourceName(person.org, e.value_id));
        *out->mutable_create_time() =
            TimeUtil::MicrosecondsToTimestamp(e.create_time_us);
        return out;
      },
      [](const EndorsementRecord& e) { return e.value_id; }));
  CANDOR_RETURN_IF_ERROR(page.Section(
      1,
      [&](absl::string_view after,
          int limit) -> absl::StatusOr<std::vector<FeedbackRecord>> {
        CANDOR_ASSIGN_OR_RETURN(IdNumber last, IdNumberAfter(after));
        return repository_.ListSignedFeedbackOf(person.org, person.id, last.id,
                                                last.number, limit);
      },
      [&](const FeedbackRecord& f) {
        v1::ValueFeedback* out = response->add_feedback();
        FeedbackToProto(f, out);
        return out;
      },
      [](const FeedbackRecord& f) {
        return IdNumberKey(f.value_id, f.sequence);
      }));
  response->set_next_page_token(page.next_page_token());
  return absl::OkStatus();
}

absl::Status ValuesService::DoErasePersonalData(
    const Caller& caller, const v1::ErasePersonalDataRequest& request,
    v1::ErasePersonalDataResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(
      PersonRef person,
      PersonToErase(caller, request.staff_member(), request.request_id()));
  CANDOR_RETURN_IF_ERROR(RequireActiveCallerOrSelf(staff_states_.get(), caller,
                                                   person.org, person.id));
  return RunErasure(
      repository_.pool(), caller, request, response,
      [&](db::Transaction& tx) -> absl::StatusOr<int64_t> {
        CANDOR_ASSIGN_OR_RETURN(
            int64_t endorsements,
            repository_.EraseEndorsementsOf(tx, person.org, person.id));
        CANDOR_ASSIGN_OR_RETURN(int64_t feedback,
                                repository_.EraseSignedFeedbackOf(
                                    tx, person.org, person.id, kErasedText));
        return endorsements + feedback;
      });
}

}  // namespace candor::values
