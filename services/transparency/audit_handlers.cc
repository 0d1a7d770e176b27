// TransparencyService: the audit log (ListAuditEntries, VerifyAuditLog)
// and the report over its decisions (GetTransparencyReport).
#include <google/protobuf/util/time_util.h>

#include <cstdint>
#include <future>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/common/authz.h"
#include "services/common/clock.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"
#include "services/transparency/transparency_internal.h"
#include "services/transparency/transparency_service.h"

namespace candor::transparency {
namespace {

using ::google::protobuf::util::TimeUtil;

constexpr int kVerifyBatch = 5000;
constexpr absl::Duration kDefaultReportRange = absl::Hours(24 * 30);
// How far before a report's start an automatic decision still pairs with a
// human one in the range (overrides, time in review).
constexpr absl::Duration kReportLookBehind = absl::Hours(24 * 30);

}  // namespace

absl::Status TransparencyService::DoListAuditEntries(
    const Caller& caller, const v1::ListAuditEntriesRequest& request,
    v1::ListAuditEntriesResponse* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::string org, RequireStaffOrServiceOfParent(caller, request.parent()));
  CANDOR_ASSIGN_OR_RETURN(PageRequest page,
                          page_tokens_->StartListPage(request, org));
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
  CANDOR_ASSIGN_OR_RETURN(
      std::string org, RequireStaffOrServiceOfParent(caller, request.parent()));
  ImportStaffEvents(org);
  AuditLogVerifier verifier;
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
  verifier.Finish();
  response->set_ok(verifier.ok());
  response->set_entries_checked(verifier.checked());
  response->set_first_bad_sequence(verifier.first_bad_sequence());
  response->set_problem(verifier.problem());
  return absl::OkStatus();
}

// --- report ------------------------------------------------------------------

absl::Status TransparencyService::DoGetTransparencyReport(
    const Caller& caller, const v1::GetTransparencyReportRequest& request,
    v1::TransparencyReport* response) {
  CANDOR_ASSIGN_OR_RETURN(
      std::string org, RequireStaffOrServiceOfParent(caller, request.parent()));
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
