// TransparencyService: construction, dependencies and readiness. The RPCs
// are in the *_handlers.cc files (see transparency_service.h).
#include "services/transparency/transparency_service.h"

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "services/common/clock.h"
#include "services/common/status_macros.h"

namespace candor::transparency {

TransparencyService::TransparencyService(const CallEnvironment* env,
                                         db::Pool* pool,
                                         const PageTokenCodec* page_tokens)
    : env_(env),
      pool_(pool),
      page_tokens_(page_tokens),
      repository_(pool),
      own_signer_(TreeHeadSigner::Ephemeral().value()),
      signer_(own_signer_.get()) {}

TransparencyService::~TransparencyService() {
  stopping_.Notify();
  indexes_.Cancel();
  if (warm_up_.joinable()) warm_up_.join();
}

void TransparencyService::SetDependencies(std::shared_ptr<grpc::Channel> staff,
                                          ServiceTokenSource* service_tokens,
                                          absl::Duration staff_state_ttl) {
  staff_ = staff::v1::StaffService::NewStub(staff);
  service_tokens_ = service_tokens;
  staff_states_ =
      std::make_unique<StaffStateCache>(staff, service_tokens, staff_state_ttl);
}

// --- readiness ---------------------------------------------------------------

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

}  // namespace candor::transparency
