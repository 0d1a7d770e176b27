#include "services/engagement/share.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "services/common/resource_name.h"
#include "services/common/status_macros.h"
#include "services/common/validation.h"
#include "services/transparency/engine/shingles.h"

namespace candor::engagement {
namespace {

absl::Status InvalidFilter(absl::string_view reason) {
  return InvalidField("filter", reason);
}

// `"text"` -> text.
absl::StatusOr<std::string> Unquote(absl::string_view value) {
  if (value.size() < 2 || value.front() != '"' || value.back() != '"') {
    return InvalidFilter("values of author and post are double-quoted names");
  }
  return std::string(value.substr(1, value.size() - 2));
}

// The id of a name of `pattern` in `org`; INVALID_ARGUMENT otherwise.
absl::StatusOr<std::string> IdIn(absl::string_view org, absl::string_view name,
                                 absl::string_view pattern) {
  CANDOR_ASSIGN_OR_RETURN(std::vector<std::string> parts,
                          ParseResourceName("filter", name, pattern));
  if (parts[0] != org) {
    return InvalidFilter("names must be of the listed organization");
  }
  return parts[1];
}

}  // namespace

double TextResemblance(absl::string_view approved,
                       absl::string_view published) {
  const transparency::ShingleSet a = transparency::ShingleSetOf(approved);
  const transparency::ShingleSet b = transparency::ShingleSetOf(published);
  if (a.empty() && b.empty()) return 1.0;
  return transparency::Jaccard(a, b);
}

std::optional<std::string> MaterialDifference(absl::string_view approved,
                                              absl::string_view published) {
  const double resemblance = TextResemblance(approved, published);
  if (resemblance >= kMaterialResemblance) return std::nullopt;
  return absl::StrFormat(
      "The published text differs materially from the approved post: its "
      "resemblance (Jaccard of word 3-shingles) is %.2f, below %.2f.",
      resemblance, kMaterialResemblance);
}

int SharePacingLimit(int max_per_day) {
  return max_per_day <= 0 ? 10 : max_per_day;
}

absl::Status CheckSharePacing(const std::vector<int64_t>& recent_newest_first,
                              int limit, int64_t now_us) {
  if (static_cast<int>(recent_newest_first.size()) < limit) {
    return absl::OkStatus();
  }
  // The limit-th newest share leaves the window first among those that
  // keep the author at the limit.
  const int64_t frees_at = recent_newest_first[limit - 1] + kDayMicros;
  const int64_t wait_us = std::max<int64_t>(frees_at - now_us, 0);
  return absl::ResourceExhaustedError(absl::StrCat(
      "share_pacing: ", recent_newest_first.size(),
      " shares on this network in the last 24 hours, at most ", limit,
      " a day; the next share is allowed at ",
      absl::FormatTime(absl::RFC3339_sec, absl::FromUnixMicros(frees_at),
                       absl::UTCTimeZone()),
      " (in ", (wait_us + 59999999) / 60000000, " minutes)"));
}

std::string NewTrackingCode(absl::BitGen& gen) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  std::string code(kTrackingCodeLength, 'a');
  for (char& c : code) c = kAlphabet[absl::Uniform<int>(gen, 0, 32)];
  return code;
}

std::string JoinValueIds(const std::vector<std::string>& ids) {
  return absl::StrJoin(ids, ",");
}

std::string Truncate(std::string text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  text.resize(end);
  return text;
}

absl::StatusOr<ShareFilter> ParseShareFilter(absl::string_view org,
                                             absl::string_view filter) {
  ShareFilter out;
  if (absl::StripAsciiWhitespace(filter).empty()) return out;
  for (absl::string_view clause :
       absl::StrSplit(filter, " AND ", absl::SkipWhitespace())) {
    clause = absl::StripAsciiWhitespace(clause);
    const size_t eq = clause.find('=');
    if (eq == absl::string_view::npos) {
      return InvalidFilter(
          absl::StrCat("expected `field = value`, got `", clause, "`"));
    }
    const absl::string_view field =
        absl::StripAsciiWhitespace(clause.substr(0, eq));
    const absl::string_view value =
        absl::StripAsciiWhitespace(clause.substr(eq + 1));
    if (field == "state") {
      if (out.state) return InvalidFilter("state given twice");
      if (value == "COMPLIANT") {
        out.state = ShareState::kCompliant;
      } else if (value == "NONCOMPLIANT") {
        out.state = ShareState::kNoncompliant;
      } else {
        return InvalidFilter("state is COMPLIANT or NONCOMPLIANT");
      }
    } else if (field == "author") {
      if (out.author_id) return InvalidFilter("author given twice");
      CANDOR_ASSIGN_OR_RETURN(std::string name, Unquote(value));
      CANDOR_ASSIGN_OR_RETURN(out.author_id,
                              IdIn(org, name, kStaffMemberPattern));
    } else if (field == "post") {
      if (out.post_id) return InvalidFilter("post given twice");
      CANDOR_ASSIGN_OR_RETURN(std::string name, Unquote(value));
      CANDOR_ASSIGN_OR_RETURN(out.post_id, IdIn(org, name, kPostPattern));
    } else {
      return InvalidFilter(absl::StrCat("unknown field `", field,
                                        "`; use state, author or post"));
    }
  }
  return out;
}

std::optional<EventProblem> ValidateEvent(absl::string_view org,
                                          const EventInput& event,
                                          int64_t now_us) {
  if (event.event_id.empty() || event.event_id.size() > 64 ||
      !std::all_of(event.event_id.begin(), event.event_id.end(), [](char c) {
        return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
               c == '_';
      })) {
    return EventProblem{"event_id",
                        "1 to 64 letters, digits, '-' or '_' required"};
  }
  if (event.share.empty() == event.tracking_code.empty()) {
    return EventProblem{"share",
                        "exactly one of share and tracking_code is required"};
  }
  if (!event.share.empty()) {
    absl::StatusOr<std::vector<std::string>> parts =
        ParseResourceName("share", event.share, kSharePattern);
    if (!parts.ok()) {
      return EventProblem{"share", "not a share name"};
    }
    if ((*parts)[0] != org) {
      return EventProblem{"share", "not a share of this organization"};
    }
  } else if (event.tracking_code.size() > 32) {
    return EventProblem{"tracking_code", "at most 32 characters"};
  }
  if (event.kind < static_cast<int>(EventKind::kClick) ||
      event.kind > static_cast<int>(EventKind::kImpression)) {
    return EventProblem{"kind",
                        "required: CLICK, REACTION, COMMENT, "
                        "RESHARE or IMPRESSION"};
  }
  if (event.count < 0 || event.count > kMaxEventCount) {
    return EventProblem{"count", "0 to 1000000"};
  }
  if (!event.has_occurred_time) {
    return EventProblem{"occurred_time", "required"};
  }
  if (event.occurred_time_us > now_us + kMaxEventFutureMicros) {
    return EventProblem{"occurred_time", "more than 5 minutes in the future"};
  }
  if (event.occurred_time_us < now_us - kMaxEventAgeMicros) {
    return EventProblem{"occurred_time", "more than 400 days ago"};
  }
  return std::nullopt;
}

void MetricsTotals::AddEvents(int kind, int64_t sum) {
  switch (static_cast<EventKind>(kind)) {
    case EventKind::kClick:
      clicks += sum;
      break;
    case EventKind::kReaction:
      reactions += sum;
      break;
    case EventKind::kComment:
      comments += sum;
      break;
    case EventKind::kReshare:
      reshares += sum;
      break;
    case EventKind::kImpression:
      impressions += sum;
      break;
  }
}

std::string LeaderboardFormula() {
  return absl::StrFormat(
      "score = %.1f per compliant share + %.1f per click + %.1f per reshare, "
      "counting shares made and events that occurred in the period, on "
      "compliant shares only; reactions, comments (sentiment) and "
      "impressions are never scored; equal scores rank by staff name",
      kPointsPerCompliantShare, kPointsPerClick, kPointsPerReshare);
}

double LeaderboardScore(int64_t compliant_shares, int64_t clicks,
                        int64_t reshares) {
  // Sums of tenths, rounded to one decimal so that 0.1 * 3 prints as 0.3.
  const double raw = kPointsPerCompliantShare * compliant_shares +
                     kPointsPerClick * clicks + kPointsPerReshare * reshares;
  return std::round(raw * 10) / 10;
}

void RankLeaderboard(std::vector<LeaderboardRow>& rows, int limit) {
  for (LeaderboardRow& row : rows) {
    row.score =
        LeaderboardScore(row.compliant_shares, row.clicks, row.reshares);
  }
  std::sort(rows.begin(), rows.end(),
            [](const LeaderboardRow& a, const LeaderboardRow& b) {
              if (a.score != b.score) return a.score > b.score;
              return a.staff_member_id < b.staff_member_id;
            });
  if (static_cast<int>(rows.size()) > limit) rows.resize(limit);
  for (size_t i = 0; i < rows.size(); ++i)
    rows[i].rank = static_cast<int>(i) + 1;
}

}  // namespace candor::engagement
