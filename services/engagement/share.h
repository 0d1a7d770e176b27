// The engagement service's domain, free of gRPC and SQL: shares and their
// compliance check, engagement events and their validation, metrics totals
// and the leaderboard formula. Pure functions and plain structs; thread-safe.
#ifndef CANDOR_SERVICES_ENGAGEMENT_SHARE_H_
#define CANDOR_SERVICES_ENGAGEMENT_SHARE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace candor::engagement {

// --- shares -----------------------------------------------------------------

// Resource names of shares and of the posts they share.
inline constexpr absl::string_view kSharePattern =
    "organizations/{organization}/shares/{share}";
inline constexpr absl::string_view kPostPattern =
    "organizations/{organization}/posts/{post}";

// The Share.State numbers, as stored.
enum class ShareState { kCompliant = 1, kNoncompliant = 2 };

struct ShareRecord {
  std::string organization_id;
  std::string share_id;
  std::string post_id;
  std::string author_id;
  int network = 0;
  std::string published_text;
  std::string external_url;
  std::string link_url;  // where the tracking link redirects
  ShareState state = ShareState::kCompliant;
  std::string compliance_explanation;
  std::string tracking_code;
  std::string story_id;   // '' when the post has no story
  std::string value_ids;  // comma-separated value ids of the post
  int64_t create_time_us = 0;
};

// Below this resemblance (Jaccard of word 3-shingles) to the approved text,
// a published text "differs materially".
inline constexpr double kMaterialResemblance = 0.8;

// The most characters of Share.published_text.
inline constexpr size_t kMaxPublishedTextChars = 63206;

// Resemblance of `published` to `approved`: Jaccard of their word 3-shingle
// sets (services/transparency/engine/shingles.h); 1 when both are empty.
double TextResemblance(absl::string_view approved, absl::string_view published);

// Why `published` differs materially from `approved`, or nullopt when it
// does not (resemblance at least kMaterialResemblance).
std::optional<std::string> MaterialDifference(absl::string_view approved,
                                              absl::string_view published);

// The share_pacing rule's limit: `max_per_day`, 10 when 0.
int SharePacingLimit(int max_per_day);

// RESOURCE_EXHAUSTED "share_pacing: ..." when an author who shared
// `recent_newest_first` (create times within the last 24 h before `now_us`,
// newest first, at least the `limit` newest) may not share again; OK
// otherwise. The message says how many and when the next share is allowed.
absl::Status CheckSharePacing(const std::vector<int64_t>& recent_newest_first,
                              int limit, int64_t now_us);

inline constexpr int64_t kDayMicros = int64_t{86400} * 1000000;

// Lowercase base32 (RFC 4648 alphabet, lowercased) characters of a
// tracking code.
inline constexpr size_t kTrackingCodeLength = 12;
std::string NewTrackingCode(absl::BitGen& gen);

// Value ids are stored comma-separated.
std::string JoinValueIds(const std::vector<std::string>& ids);

// `text` cut to at most `max_bytes`, on a UTF-8 character boundary.
std::string Truncate(std::string text, size_t max_bytes);

// ListShares filters: `state = NONCOMPLIANT`, `author = "..."`,
// `post = "..."` joined by AND. Names are checked to belong to `org`.
struct ShareFilter {
  std::optional<ShareState> state;
  std::optional<std::string> author_id;
  std::optional<std::string> post_id;
};
absl::StatusOr<ShareFilter> ParseShareFilter(absl::string_view org,
                                             absl::string_view filter);

// --- events -----------------------------------------------------------------

// The EngagementEvent.Kind numbers, as stored.
enum class EventKind {
  kClick = 1,
  kReaction = 2,
  kComment = 3,
  kReshare = 4,
  kImpression = 5
};

inline constexpr int64_t kMaxEventCount = 1000000;
inline constexpr int64_t kMaxEventFutureMicros = int64_t{5} * 60 * 1000000;
inline constexpr int64_t kMaxEventAgeMicros = 400 * kDayMicros;
// The most events one RecordEngagementEvents stream may carry.
inline constexpr int64_t kMaxEventsPerStream = 100000;

// An event's fields as received (proto-free).
struct EventInput {
  std::string event_id;
  std::string share;  // a share resource name
  std::string tracking_code;
  int kind = 0;
  int64_t count = 0;
  bool has_occurred_time = false;
  int64_t occurred_time_us = 0;
};

// Why an event cannot be recorded: the field and the reason.
struct EventProblem {
  std::string field;
  std::string reason;
};

// Checks one event of organization `org` at `now_us`; nullopt when good.
// `share`, when set, must name a share of `org`.
std::optional<EventProblem> ValidateEvent(absl::string_view org,
                                          const EventInput& event,
                                          int64_t now_us);

// The count to store: 1 when 0.
inline int64_t EffectiveCount(int64_t count) { return count == 0 ? 1 : count; }

struct EventRecord {
  std::string event_id;
  std::string share_id;
  int kind = 0;
  int64_t count = 0;
  int64_t occurred_time_us = 0;
};

// --- metrics and leaderboard -------------------------------------------------

struct MetricsTotals {
  int64_t shares = 0;
  int64_t noncompliant_shares = 0;
  int64_t clicks = 0;
  int64_t reactions = 0;
  int64_t comments = 0;
  int64_t reshares = 0;
  int64_t impressions = 0;
  // Adds `sum` events of `kind`.
  void AddEvents(int kind, int64_t sum);
};

// The leaderboard formula; sentiment (reactions, comments) and impressions
// are never scored.
inline constexpr double kPointsPerCompliantShare = 1.0;
inline constexpr double kPointsPerClick = 0.1;
inline constexpr double kPointsPerReshare = 0.5;
// The formula in words and numbers (Leaderboard.formula).
std::string LeaderboardFormula();

struct LeaderboardRow {
  std::string staff_member_id;
  int64_t compliant_shares = 0;
  int64_t clicks = 0;
  int64_t reshares = 0;
  double score = 0;  // set by RankLeaderboard
  int rank = 0;      // set by RankLeaderboard
};

double LeaderboardScore(int64_t compliant_shares, int64_t clicks,
                        int64_t reshares);

// Scores `rows`, sorts them by score (highest first; ties by staff member
// id, so equal scores rank by staff name) and ranks them 1, 2, 3...,
// keeping at most `limit`.
void RankLeaderboard(std::vector<LeaderboardRow>& rows, int limit);

}  // namespace candor::engagement

#endif  // CANDOR_SERVICES_ENGAGEMENT_SHARE_H_
