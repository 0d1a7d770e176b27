#include "services/advocacy/story.h"

#include <algorithm>
#include <limits>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/resource_name.h"
#include "services/common/validation.h"

namespace candor::advocacy {
namespace {

constexpr absl::string_view kValuePattern =
    "organizations/{organization}/values/{value}";

bool IsHostChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
         c == '.';
}

// host, host:port or [v6]:port; the port, when present, 1 to 5 digits.
bool IsValidAuthority(absl::string_view authority) {
  absl::string_view host = authority;
  absl::string_view port;
  if (absl::StartsWith(authority, "[")) {
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos || close == 1) return false;
    for (char c : authority.substr(1, close - 1)) {
      if (!(absl::ascii_isxdigit(static_cast<unsigned char>(c)) || c == ':' ||
            c == '.')) {
        return false;
      }
    }
    absl::string_view rest = authority.substr(close + 1);
    if (rest.empty()) return true;
    if (rest.front() != ':') return false;
    port = rest.substr(1);
    host = "";
  } else {
    const size_t colon = authority.rfind(':');
    if (colon != absl::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return false;
    }
    if (host.empty() || host.front() == '.' || host.front() == '-' ||
        absl::StrContains(host, "..")) {
      return false;
    }
    for (char c : host) {
      if (!IsHostChar(c)) return false;
    }
  }
  if (port.size() > 5) return false;
  for (char c : port) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

absl::Status CheckTextList(const std::vector<std::string>& items,
                           const std::string& field, size_t max_items,
                           size_t max_chars) {
  if (items.size() > max_items) {
    return InvalidField(field, absl::StrCat("at most ", max_items, " items"));
  }
  for (size_t i = 0; i < items.size(); ++i) {
    absl::Status valid = CheckText(absl::StrCat(field, "[", i, "]"), items[i],
                                   max_chars, Presence::kRequired);
    if (!valid.ok()) return valid;
  }
  return absl::OkStatus();
}

}  // namespace

bool VisibleToEmployee(const StoryRecord& story, absl::string_view department,
                       int64_t now_us) {
  if (story.state != StoryState::kActive) return false;
  if (story.expire_time_us != 0 && story.expire_time_us <= now_us) return false;
  if (story.audience_departments.empty()) return true;
  const std::string key = DepartmentKey(department);
  if (key.empty()) return false;
  return std::any_of(
      story.audience_departments.begin(), story.audience_departments.end(),
      [&](const std::string& d) { return DepartmentKey(d) == key; });
}

absl::Status CheckStoryUrl(absl::string_view field, absl::string_view url) {
  if (url.empty()) return absl::OkStatus();
  if (!IsValidUtf8(url)) return InvalidField(field, "not valid UTF-8");
  if (Utf8Length(url) > kMaxStoryUrlLength) {
    return InvalidField(
        field, absl::StrCat("at most ", kMaxStoryUrlLength, " characters"));
  }
  for (char ch : url) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7F) {
      return InvalidField(field, "contains white space or a control character");
    }
  }
  constexpr absl::string_view kScheme = "https://";
  if (url.size() < kScheme.size() ||
      !absl::EqualsIgnoreCase(url.substr(0, kScheme.size()), kScheme)) {
    return InvalidField(field, "must be an https:// URL");
  }
  const absl::string_view rest = url.substr(kScheme.size());
  const absl::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.empty()) return InvalidField(field, "has no host");
  if (absl::StrContains(authority, "@")) {
    return InvalidField(field, "must not carry a user name or password");
  }
  if (!IsValidAuthority(authority))
    return InvalidField(field, "not a valid host");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> NormalizeAudience(
    const std::vector<std::string>& departments, absl::string_view field) {
  std::vector<std::string> result;
  std::set<std::string> seen;
  for (size_t i = 0; i < departments.size(); ++i) {
    const std::string item = absl::StrCat(field, "[", i, "]");
    absl::Status valid = CheckText(item, departments[i], kMaxDepartmentLength,
                                   Presence::kRequired);
    if (!valid.ok()) return valid;
    if (!seen.insert(DepartmentKey(departments[i])).second) continue;
    result.emplace_back(absl::StripAsciiWhitespace(departments[i]));
    if (result.size() > kMaxAudienceDepartments) {
      return InvalidField(
          field,
          absl::StrCat("at most ", kMaxAudienceDepartments, " departments"));
    }
  }
  return result;
}

absl::Status ValidateStoryField(absl::string_view path, const StoryRecord& s,
                                int64_t now_us, absl::string_view prefix) {
  const std::string field = absl::StrCat(prefix, path);
  if (path == "title") {
    return CheckText(field, s.title, kMaxStoryTitleLength, Presence::kRequired);
  }
  if (path == "summary") {
    return CheckText(field, s.summary, kMaxStorySummaryLength,
                     Presence::kRequired, /*multiline=*/true);
  }
  if (path == "url") return CheckStoryUrl(field, s.url);
  if (path == "talking_points") {
    return CheckTextList(s.talking_points, field, kMaxTalkingPoints,
                         kMaxTalkingPointLength);
  }
  if (path == "audience_departments") {
    return CheckTextList(s.audience_departments, field, kMaxAudienceDepartments,
                         kMaxDepartmentLength);
  }
  if (path == "expire_time") {
    if (s.expire_time_us != 0 && s.expire_time_us <= now_us) {
      return InvalidField(field, "must be in the future");
    }
    return absl::OkStatus();
  }
  return absl::OkStatus();  // values are checked where they are parsed
}

absl::Status ValidateNewStory(const StoryRecord& story, int64_t now_us,
                              absl::string_view prefix) {
  for (const std::string& path : UpdatableStoryPaths()) {
    absl::Status valid = ValidateStoryField(path, story, now_us, prefix);
    if (!valid.ok()) return valid;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ValueReference>> ParseValueReferences(
    absl::string_view org, const std::vector<std::string>& names,
    absl::string_view field) {
  std::vector<ValueReference> result;
  std::set<std::string> seen;
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string item = absl::StrCat(field, "[", i, "]");
    absl::StatusOr<std::vector<std::string>> parts =
        ParseResourceName(item, names[i], kValuePattern);
    if (!parts.ok()) return parts.status();
    if ((*parts)[0] != org) {
      return InvalidField(item, "must be a value of the same organization");
    }
    if (!seen.insert((*parts)[1]).second) continue;
    result.push_back(ValueReference{i, std::move((*parts)[1])});
    if (result.size() > kMaxStoryValues) {
      return InvalidField(field,
                          absl::StrCat("at most ", kMaxStoryValues, " values"));
    }
  }
  return result;
}

std::string ValueName(absl::string_view org, absl::string_view value_id) {
  return absl::StrCat("organizations/", org, "/values/", value_id);
}

const std::vector<std::string>& UpdatableStoryPaths() {
  static const auto* const kPaths = new std::vector<std::string>{
      "title",          "summary",     "url",
      "talking_points", "values",      "audience_departments",
      "expire_time",    "incentivized"};
  return *kPaths;
}

absl::Status CheckUpdatableStoryPath(absl::string_view path) {
  const std::vector<std::string>& paths = UpdatableStoryPaths();
  if (std::find(paths.begin(), paths.end(), path) != paths.end()) {
    return absl::OkStatus();
  }
  if (path == "state") {
    return InvalidField("update_mask",
                        "state is changed by ArchiveStory, not by update");
  }
  if (path == "name" || path == "create_time" || path == "update_time" ||
      path == "etag" || path == "creator") {
    return InvalidField("update_mask",
                        absl::StrCat("'", path, "' is output only"));
  }
  return InvalidField("update_mask",
                      absl::StrCat("unknown field '", path, "'"));
}

absl::StatusOr<std::optional<StoryState>> ParseStoryFilter(
    absl::string_view filter) {
  const absl::string_view text = absl::StripAsciiWhitespace(filter);
  if (text.empty()) return std::optional<StoryState>();
  const size_t equals = text.find('=');
  const auto bad = [] {
    return InvalidField("filter",
                        "expected `state = ACTIVE` or `state = ARCHIVED`");
  };
  if (equals == absl::string_view::npos) return bad();
  const absl::string_view field =
      absl::StripAsciiWhitespace(text.substr(0, equals));
  const absl::string_view value =
      absl::StripAsciiWhitespace(text.substr(equals + 1));
  if (field != "state") return bad();
  if (value == "ACTIVE") return std::optional<StoryState>(StoryState::kActive);
  if (value == "ARCHIVED")
    return std::optional<StoryState>(StoryState::kArchived);
  return bad();
}

std::string EncodeStringList(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items)
    absl::StrAppend(&out, item.size(), ":", item);
  return out;
}

std::vector<std::string> DecodeStringList(absl::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    const size_t colon = text.find(':');
    size_t length = 0;
    if (colon == absl::string_view::npos ||
        !absl::SimpleAtoi(text.substr(0, colon), &length) ||
        length > text.size() - colon - 1) {
      break;  // not written by EncodeStringList: keep what was read
    }
    items.emplace_back(text.substr(colon + 1, length));
    text.remove_prefix(colon + 1 + length);
  }
  return items;
}

}  // namespace candor::advocacy
