#include "services/staff/staff_member.h"

#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/validation.h"

namespace candor::staff {
namespace {

// Splits a filter into words, '=' and quoted strings.
struct FilterToken {
  enum Kind { kWord, kQuoted, kEquals } kind;
  std::string text;
};

absl::StatusOr<std::vector<FilterToken>> TokenizeFilter(absl::string_view in) {
  std::vector<FilterToken> tokens;
  size_t i = 0;
  while (i < in.size()) {
    const char c = in[i];
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '=') {
      tokens.push_back({FilterToken::kEquals, "="});
      ++i;
    } else if (c == '"') {
      std::string text;
      ++i;
      bool closed = false;
      while (i < in.size()) {
        if (in[i] == '\\' && i + 1 < in.size()) {
          text += in[i + 1];
          i += 2;
        } else if (in[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          text += in[i++];
        }
      }
      if (!closed) return InvalidField("filter", "unterminated quoted value");
      tokens.push_back({FilterToken::kQuoted, std::move(text)});
    } else {
      const size_t start = i;
      while (i < in.size() && in[i] != '=' && in[i] != '"' &&
             !absl::ascii_isspace(static_cast<unsigned char>(in[i]))) {
        ++i;
      }
      tokens.push_back(
          {FilterToken::kWord, std::string(in.substr(start, i - start))});
    }
  }
  return tokens;
}

absl::Status SetOnce(std::optional<std::string>& slot, absl::string_view field,
                     std::string value) {
  if (slot.has_value()) {
    return InvalidField("filter", absl::StrCat("'", field, "' appears twice"));
  }
  if (!IsValidUtf8(value) || value.size() > 320) {
    return InvalidField("filter", absl::StrCat("bad value for '", field, "'"));
  }
  slot = std::move(value);
  return absl::OkStatus();
}

}  // namespace

std::string HandleKey(absl::string_view handle) {
  absl::string_view h = absl::StripAsciiWhitespace(handle);
  if (!h.empty() && h.front() == '@') h.remove_prefix(1);
  return absl::AsciiStrToLower(h);
}

std::string EmailKey(absl::string_view email) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(email));
}

absl::Status ValidateEmployeeId(absl::string_view field,
                                absl::string_view value) {
  if (value.empty()) return InvalidField(field, "required");
  if (value.size() > kMaxEmployeeIdLength) {
    return InvalidField(
        field, absl::StrCat("at most ", kMaxEmployeeIdLength, " characters"));
  }
  for (char c : value) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' ||
          c == '_' || c == '-')) {
      return InvalidField(field, "only letters, digits, '.', '_' and '-'");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateOrganizationId(absl::string_view field,
                                    absl::string_view value) {
  absl::Status id = CheckResourceId(field, value, 40);
  if (!id.ok()) return id;
  if (value.size() < 3 ||
      !absl::ascii_islower(static_cast<unsigned char>(value[0]))) {
    return InvalidField(field, "3 to 40 characters, starting with a letter");
  }
  return absl::OkStatus();
}

namespace {

absl::Status ValidateSocialAccounts(const std::vector<SocialAccount>& accounts,
                                    const std::string& field) {
  if (accounts.size() > kMaxSocialAccounts) {
    return InvalidField(field, absl::StrCat("at most ", kMaxSocialAccounts));
  }
  std::set<std::pair<int, std::string>> seen;
  for (size_t i = 0; i < accounts.size(); ++i) {
    const SocialAccount& account = accounts[i];
    const std::string item = absl::StrCat(field, "[", i, "]");
    if (account.network < kMinNetwork || account.network > kMaxNetwork) {
      return InvalidField(absl::StrCat(item, ".network"),
                          "one of LINKEDIN, X, FACEBOOK, INSTAGRAM, MASTODON");
    }
    const std::string handle_field = absl::StrCat(item, ".handle");
    absl::Status handle = CheckText(handle_field, account.handle,
                                    kMaxHandleLength, Presence::kRequired);
    if (!handle.ok()) return handle;
    const std::string key = HandleKey(account.handle);
    if (key.empty()) return InvalidField(handle_field, "required");
    for (char c : key) {
      if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
        return InvalidField(handle_field, "contains a space");
      }
    }
    if (!seen.emplace(account.network, key).second) {
      return InvalidField(item, "the same account is listed twice");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateStaffField(absl::string_view path,
                                const StaffMemberRecord& r,
                                absl::string_view prefix) {
  const std::string field = absl::StrCat(prefix, path);
  if (path == "employee_id") return ValidateEmployeeId(field, r.employee_id);
  if (path == "display_name") {
    return CheckText(field, r.display_name, kMaxDisplayNameLength,
                     Presence::kRequired);
  }
  if (path == "email") return CheckEmail(field, r.email);
  if (path == "department") {
    return CheckText(field, r.department, kMaxDetailLength,
                     Presence::kOptional);
  }
  if (path == "title") {
    return CheckText(field, r.title, kMaxDetailLength, Presence::kOptional);
  }
  if (path == "location") {
    return CheckText(field, r.location, kMaxDetailLength, Presence::kOptional);
  }
  if (path == "bio") {
    return CheckText(field, r.bio, kMaxBioLength, Presence::kOptional,
                     /*multiline=*/true);
  }
  if (path == "social_accounts") {
    return ValidateSocialAccounts(r.social_accounts, field);
  }
  return absl::OkStatus();  // checked where they are parsed
}

absl::Status ValidateEmploymentFields(const StaffMemberRecord& r,
                                      absl::string_view prefix) {
  for (absl::string_view path : {"employee_id", "display_name", "email",
                                 "department", "title", "location"}) {
    absl::Status valid = ValidateStaffField(path, r, prefix);
    if (!valid.ok()) return valid;
  }
  return absl::OkStatus();
}

absl::Status ValidatePersonalFields(const StaffMemberRecord& r,
                                    absl::string_view prefix) {
  for (absl::string_view path : {"bio", "social_accounts"}) {
    absl::Status valid = ValidateStaffField(path, r, prefix);
    if (!valid.ok()) return valid;
  }
  return absl::OkStatus();
}

absl::StatusOr<FieldOwner> UpdatableFieldOwner(absl::string_view path) {
  static const auto* const kOwners =
      new std::vector<std::pair<absl::string_view, FieldOwner>>{
          {"bio", FieldOwner::kSelf},
          {"social_accounts", FieldOwner::kSelf},
          {"advocacy_consent", FieldOwner::kSelf},
          {"employee_id", FieldOwner::kAdmin},
          {"display_name", FieldOwner::kAdmin},
          {"email", FieldOwner::kAdmin},
          {"department", FieldOwner::kAdmin},
          {"title", FieldOwner::kAdmin},
          {"location", FieldOwner::kAdmin},
          {"manager", FieldOwner::kAdmin},
          {"roles", FieldOwner::kAdmin},
      };
  for (const auto& [name, owner] : *kOwners) {
    if (name == path) return owner;
  }
  if (path == "state") {
    return InvalidField(
        "update_mask",
        "state is changed by DeactivateStaffMember, not by update");
  }
  if (path == "name" || path == "create_time" || path == "update_time" ||
      path == "etag" || path == "deactivation_reason") {
    return InvalidField("update_mask",
                        absl::StrCat("'", path, "' is output only"));
  }
  return InvalidField("update_mask",
                      absl::StrCat("unknown field '", path, "'"));
}

absl::StatusOr<StaffFilter> ParseStaffFilter(absl::string_view filter) {
  StaffFilter result;
  if (filter.size() > 1024)
    return InvalidField("filter", "at most 1024 characters");
  auto tokens = TokenizeFilter(filter);
  if (!tokens.ok()) return tokens.status();
  const std::vector<FilterToken>& t = *tokens;
  size_t i = 0;
  while (i < t.size()) {
    if (i > 0) {
      if (t[i].kind != FilterToken::kWord || t[i].text != "AND") {
        return InvalidField("filter", "terms must be joined by AND");
      }
      ++i;
    }
    if (i + 2 >= t.size()) {
      return InvalidField("filter", "expected `field = value`");
    }
    if (t[i].kind != FilterToken::kWord ||
        t[i + 1].kind != FilterToken::kEquals ||
        t[i + 2].kind == FilterToken::kEquals) {
      return InvalidField("filter", "expected `field = value`");
    }
    const std::string& field = t[i].text;
    std::string value = t[i + 2].text;
    i += 3;
    absl::Status set;
    if (field == "department") {
      set = SetOnce(result.department, field, std::move(value));
    } else if (field == "location") {
      set = SetOnce(result.location, field, std::move(value));
    } else if (field == "title") {
      set = SetOnce(result.title, field, std::move(value));
    } else if (field == "employee_id") {
      set = SetOnce(result.employee_id, field, std::move(value));
    } else if (field == "manager") {
      set = SetOnce(result.manager, field, std::move(value));
    } else if (field == "state") {
      if (result.state) return InvalidField("filter", "'state' appears twice");
      if (value == "ACTIVE") {
        result.state = StaffState::kActive;
      } else if (value == "INACTIVE") {
        result.state = StaffState::kInactive;
      } else if (value == "ERASED") {
        result.state = StaffState::kErased;
      } else {
        return InvalidField("filter", "state is ACTIVE, INACTIVE or ERASED");
      }
    } else if (field == "role") {
      if (result.role) return InvalidField("filter", "'role' appears twice");
      if (value == "EMPLOYEE") {
        result.role = kEmployeeBit;
      } else if (value == "REVIEWER") {
        result.role = kReviewerBit;
      } else if (value == "ADMIN") {
        result.role = kAdminBit;
      } else {
        return InvalidField("filter", "role is EMPLOYEE, REVIEWER or ADMIN");
      }
    } else if (field == "advocacy_consent") {
      if (result.advocacy_consent) {
        return InvalidField("filter", "'advocacy_consent' appears twice");
      }
      if (value != "true" && value != "false") {
        return InvalidField("filter", "advocacy_consent is true or false");
      }
      result.advocacy_consent = value == "true";
    } else {
      return InvalidField("filter",
                          absl::StrCat("unknown field '", field,
                                       "' (use department, location, title, "
                                       "employee_id, manager, state, role or "
                                       "advocacy_consent)"));
    }
    if (!set.ok()) return set;
  }
  return result;
}

absl::StatusOr<uint32_t> RoleBitsFromProto(
    const google::protobuf::RepeatedField<int>& roles,
    absl::string_view field) {
  uint32_t bits = kEmployeeBit;
  for (int i = 0; i < roles.size(); ++i) {
    switch (roles[i]) {
      case v1::StaffMember::EMPLOYEE:
        bits |= kEmployeeBit;
        break;
      case v1::StaffMember::REVIEWER:
        bits |= kReviewerBit;
        break;
      case v1::StaffMember::ADMIN:
        bits |= kAdminBit;
        break;
      default:
        return InvalidField(absl::StrCat(field, "[", i, "]"),
                            "one of EMPLOYEE, REVIEWER, ADMIN");
    }
  }
  return bits;
}

}  // namespace candor::staff
