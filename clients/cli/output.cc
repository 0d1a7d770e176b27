#include "clients/cli/output.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "clients/cli/staff_fields.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"

namespace candor::cli {
namespace {

using ::candor::staff::v1::Organization;
using ::candor::staff::v1::StaffMember;

// Characters, not bytes: UTF-8 continuation bytes take no column.
size_t DisplayWidth(const std::string& text) {
  return static_cast<size_t>(std::count_if(
      text.begin(), text.end(),
      [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string RolesText(const StaffMember& member) {
  std::vector<std::string> roles;
  for (int role : member.roles()) {
    roles.push_back(StaffRoleText(static_cast<StaffMember::Role>(role)));
  }
  return absl::StrJoin(roles, ",");
}

std::string StateText(const StaffMember& member) {
  if (member.state() == StaffMember::STATE_UNSPECIFIED) return "";
  return StaffMember::State_Name(member.state());
}

}  // namespace

std::string TimeText(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "";
  return google::protobuf::util::TimeUtil::ToString(time);
}

Table::Table(std::vector<std::string> headers) {
  rows_.push_back(std::move(headers));
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(rows_[0].size());
  for (std::string& cell : cells) {
    // A line break in a cell would break the table's lines apart.
    cell = absl::StrReplaceAll(cell, {{"\r", " "}, {"\n", " "}, {"\t", " "}});
    if (cell.empty()) cell = "-";
  }
  rows_.push_back(std::move(cells));
}

std::string Table::Render() const {
  std::vector<size_t> widths(rows_[0].size(), 0);
  for (const auto& row : rows_) {
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  }
  std::string out;
  for (const auto& row : rows_) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) {
        line.append(widths[i] - DisplayWidth(row[i]) + 2, ' ');
      }
    }
    out += line;
    out += '\n';
  }
  return out;
}

std::string RenderFields(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  size_t width = 0;
  for (const auto& [key, value] : fields) {
    if (!value.empty()) width = std::max(width, DisplayWidth(key));
  }
  std::string out;
  for (const auto& [key, value] : fields) {
    if (value.empty()) continue;
    out += key;
    out += ':';
    out.append(width - DisplayWidth(key) + 2, ' ');
    out += value;
    out += '\n';
  }
  return out;
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  std::string json;
  // Printing a well-formed message into a string cannot fail.
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  if (json.empty() || json.back() != '\n') json += '\n';
  return json;
}

std::string ToJsonArray(
    const std::vector<const google::protobuf::Message*>& messages) {
  if (messages.empty()) return "[]\n";
  std::string out = "[\n";
  for (size_t i = 0; i < messages.size(); ++i) {
    std::string json = ToJson(*messages[i]);
    json.pop_back();  // the final '\n'
    // JSON strings hold no raw line breaks, so every line can be indented
    // (by one space, as protobuf indents).
    out += " " + absl::StrReplaceAll(json, {{"\n", "\n "}});
    out += i + 1 < messages.size() ? ",\n" : "\n";
  }
  out += "]\n";
  return out;
}

std::string DescribeOrganization(const Organization& org) {
  return RenderFields({
      {"name", org.name()},
      {"display_name", org.display_name()},
      {"founding_admin", org.founding_admin()},
      {"create_time", TimeText(org.create_time())},
  });
}

std::string DescribeStaffMember(const StaffMember& member) {
  std::vector<std::string> accounts;
  for (const auto& account : member.social_accounts()) {
    accounts.push_back(
        absl::StrCat(absl::AsciiStrToLower(
                         candor::common::v1::Network_Name(account.network())),
                     ":", account.handle()));
  }
  return RenderFields({
      {"name", member.name()},
      {"employee_id", member.employee_id()},
      {"display_name", member.display_name()},
      {"email", member.email()},
      {"department", member.department()},
      {"title", member.title()},
      {"location", member.location()},
      {"manager", member.manager()},
      {"roles", RolesText(member)},
      {"state", StateText(member)},
      {"deactivation_reason", member.deactivation_reason()},
      {"advocacy_consent", member.advocacy_consent() ? "true" : "false"},
      {"social_accounts", absl::StrJoin(accounts, ", ")},
      {"bio", member.bio()},
      {"create_time", TimeText(member.create_time())},
      {"update_time", TimeText(member.update_time())},
      {"etag", member.etag()},
  });
}

Table StaffMemberTable() {
  return Table({"NAME", "EMPLOYEE_ID", "DISPLAY_NAME", "DEPARTMENT", "TITLE",
                "ROLES", "STATE"});
}

void AddStaffMemberRow(const StaffMember& member, Table& table) {
  table.AddRow({member.name(), member.employee_id(), member.display_name(),
                member.department(), member.title(), RolesText(member),
                StateText(member)});
}

std::string DescribeCallError(const std::string& command,
                              const grpc::Status& status,
                              const std::string& address,
                              absl::Duration timeout, bool sent_token) {
  // grpc::StatusCode and absl::StatusCode share their numbers.
  std::string out = absl::StrCat(
      "candorctl: ", command, ": ",
      absl::StatusCodeToString(
          static_cast<absl::StatusCode>(status.error_code())),
      ": ",
      status.error_message().empty() ? "(no message)" : status.error_message(),
      "\n");
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      absl::StrAppend(&out, "candorctl: hint: the server at ", address,
                      " is not reachable; is candord running there? "
                      "(set --addr or CANDOR_ADDR)\n");
      break;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      absl::StrAppend(&out, "candorctl: hint: no answer within ",
                      absl::FormatDuration(timeout),
                      "; a longer --timeout may help\n");
      break;
    case grpc::StatusCode::UNAUTHENTICATED:
      absl::StrAppend(&out, "candorctl: hint: ",
                      sent_token
                          ? "the token may have expired or be signed with "
                            "another secret; mint a new one with "
                            "`candorctl token mint`\n"
                          : "no token given; pass --token or set CANDOR_TOKEN "
                            "(`candorctl token mint` makes one)\n");
      break;
    default:
      break;
  }
  return out;
}

}  // namespace candor::cli
