#include "clients/cli/output.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
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
                              absl::Duration timeout, bool sent_token,
                              const std::string& transport_hint) {
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
      // The server was reached, and TLS (or its absence) is the problem.
      if (!transport_hint.empty()) {
        absl::StrAppend(&out, transport_hint);
        break;
      }
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

std::string TransportHint(const std::string& message, bool tls,
                          bool client_certificate) {
  auto has = [&](absl::string_view text) {
    return absl::StrContains(absl::AsciiStrToLower(message), text);
  };
  std::string hint;
  if (!tls) {
    // A TLS server hangs up on the plaintext HTTP/2 it receives.
    if (has("socket closed") || has("connection reset") ||
        has("end of tcp stream") || has("eof")) {
      hint =
          "if the server uses TLS, connect with --tls-ca-file CA_FILE "
          "(or --tls for a certificate from a public CA)";
    }
  } else if (has("wrong version number") || has("packet length too long") ||
             has("record layer failure") || has("http request")) {
    hint =
        "the server does not speak TLS (plaintext candord?); drop --tls "
        "and the --tls-* options (and the CANDOR_TLS* variables)";
  } else if (has("peer name") || has("hostname") ||
             has("not in peer certificate")) {
    hint =
        "the server's certificate does not carry the name connected to; "
        "connect by a name it carries, or give it with --tls-server-name";
  } else if (has("certificate verify failed") ||
             has("unable to get local issuer") || has("self signed") ||
             has("self-signed")) {
    hint =
        "the server's certificate is not trusted: give the CA that "
        "signed it with --tls-ca-file (or CANDOR_TLS_CA_FILE)";
  } else if (has("certificate required") || has("unknown ca") ||
             has("bad certificate") || has("certificate unknown") ||
             has("handshake failure")) {
    hint = client_certificate
               ? "the server refused the client certificate: it must be "
                 "signed by a CA the server trusts (its "
                 "--tls_client_ca_file) and allow client use"
               : "the server requires a client certificate (mutual TLS): "
                 "give --tls-cert-file and --tls-key-file";
  } else if (has("socket closed") || has("connection reset")) {
    // With TLS 1.3 a server refuses the client's certificate after the
    // client has finished its side of the handshake: all the client sees is
    // the connection closing, as it would if candord just went away.
    hint = client_certificate
               ? "the connection closed during TLS: if candord is running, "
                 "it probably refused the client certificate: it must be "
                 "signed by a CA the server trusts (its "
                 "--tls_client_ca_file) and allow client use"
               : "the connection closed during TLS: if candord is running, "
                 "it probably requires a client certificate (mutual TLS): "
                 "give --tls-cert-file and --tls-key-file";
  } else if (has("ssl") || has("tls") || has("handshake")) {
    hint =
        "the TLS handshake failed; check --tls-ca-file, and whether the "
        "server wants a client certificate (--tls-cert-file, "
        "--tls-key-file)";
  }
  return hint.empty() ? "" : absl::StrCat("candorctl: hint: ", hint, "\n");
}

}  // namespace candor::cli
