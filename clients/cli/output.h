// What candorctl prints: aligned tables and "key: value" blocks for people,
// pretty proto JSON for scripts, and error messages that say what went
// wrong and what to do about it.
#ifndef CANDOR_CLIENTS_CLI_OUTPUT_H_
#define CANDOR_CLIENTS_CLI_OUTPUT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "candor/staff/v1/staff.pb.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "grpcpp/support/status.h"

namespace candor::cli {

enum class OutputFormat { kTable, kJson };

// Columns separated by two spaces, each as wide as its widest cell
// (counting characters, not bytes); an empty cell shows as "-" so that
// every line splits into the same number of words.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);
  void AddRow(std::vector<std::string> cells);
  // Every line ends in '\n'.
  std::string Render() const;

 private:
  std::vector<std::vector<std::string>> rows_;  // rows_[0] is the header
};

// "key: value" lines with the values aligned; empty values are left out.
std::string RenderFields(
    const std::vector<std::pair<std::string, std::string>>& fields);

// RFC 3339 in UTC ("2024-05-01T12:00:00Z"); empty for an unset time.
std::string TimeText(const google::protobuf::Timestamp& time);

// Pretty proto JSON (lowerCamelCase names, enums by name, default values
// included so that scripts always find every key), ending in '\n'.
std::string ToJson(const google::protobuf::Message& message);
// A JSON array of messages, ending in '\n'.
std::string ToJsonArray(
    const std::vector<const google::protobuf::Message*>& messages);

std::string DescribeOrganization(const candor::staff::v1::Organization& org);
std::string DescribeStaffMember(const candor::staff::v1::StaffMember& member);
// NAME EMPLOYEE_ID DISPLAY_NAME DEPARTMENT TITLE ROLES STATE
Table StaffMemberTable();
void AddStaffMemberRow(const candor::staff::v1::StaffMember& member,
                       Table& table);

// The lines to print on stderr for a failed call of `command` ("staff
// create"): "candorctl: staff create: PERMISSION_DENIED: <server message>",
// followed by a hint where the code has a usual cause on the caller's side
// (server not reachable at `address`, no answer within `timeout`, no token).
// For UNAVAILABLE, a non-empty `transport_hint` (see TransportHint) replaces
// the "not reachable" one.
std::string DescribeCallError(const std::string& command,
                              const grpc::Status& status,
                              const std::string& address,
                              absl::Duration timeout, bool sent_token,
                              const std::string& transport_hint = "");

// For a call that failed UNAVAILABLE: a hint line ("candorctl: hint: ...")
// when the message points
// at TLS (an untrusted or misnamed server certificate, a server that wants
// a client certificate or refused ours, TLS against plaintext or the other
// way round); empty otherwise. `tls`: the call used TLS;
// `client_certificate`: it offered a client certificate.
std::string TransportHint(const std::string& message, bool tls,
                          bool client_certificate);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_OUTPUT_H_
