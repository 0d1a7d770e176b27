// What every candorctl command that calls the server shares: the
// connection (deadline and token on every call), printing a result as a
// table or JSON, usage errors, and following list pages.
#ifndef CANDOR_CLIENTS_CLI_CONNECTION_H_
#define CANDOR_CLIENTS_CLI_CONNECTION_H_

#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "candor/advocacy/v1/advocacy.grpc.pb.h"
#include "candor/engagement/v1/engagement.grpc.pb.h"
#include "candor/staff/v1/staff.grpc.pb.h"
#include "candor/transparency/v1/transparency.grpc.pb.h"
#include "candor/values/v1/values.grpc.pb.h"
#include "clients/cli/commands.h"
#include "clients/cli/output.h"
#include "google/protobuf/message.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "grpcpp/grpcpp.h"
#include "services/common/tls.h"

namespace candor::cli {

inline const absl::Duration kDefaultTimeout = absl::Seconds(10);

// The whole of the file at `path`, or of standard input for "-". NOT_FOUND
// when it cannot be opened (naming it and why), DATA_LOSS when reading fails.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path);

// Prints "candorctl: COMMAND: message" and returns kExitUsage.
int UsageError(const std::string& command, const absl::Status& status);

// One command's connection to the server: every call it makes carries the
// deadline and the token.
class Connection {
 public:
  // `tls` is how `channel` was made (for the hints after a failed call).
  Connection(const GlobalOptions& global, std::string command,
             absl::Duration timeout, const ClientTls& tls);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // A context for one call: the deadline starts now.
  std::unique_ptr<grpc::ClientContext> NewContext() const;

  candor::staff::v1::StaffService::Stub& staff() { return *staff_; }
  candor::values::v1::ValuesService::Stub& values() { return *values_; }
  candor::advocacy::v1::AdvocacyService::Stub& advocacy() { return *advocacy_; }
  candor::transparency::v1::TransparencyService::Stub& transparency() {
    return *transparency_;
  }
  candor::engagement::v1::EngagementService::Stub& engagement() {
    return *engagement_;
  }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  absl::Duration timeout() const { return timeout_; }
  const std::string& command() const { return command_; }

  // Prints what went wrong and returns the exit code for it.
  int CallFailed(const grpc::Status& status) const;

 private:
  const GlobalOptions& global_;
  const std::string command_;
  const absl::Duration timeout_;
  const bool tls_;
  const bool client_certificate_;
  const std::shared_ptr<grpc::Channel> channel_;
  const std::unique_ptr<candor::staff::v1::StaffService::Stub> staff_;
  const std::unique_ptr<candor::values::v1::ValuesService::Stub> values_;
  const std::unique_ptr<candor::advocacy::v1::AdvocacyService::Stub> advocacy_;
  const std::unique_ptr<candor::transparency::v1::TransparencyService::Stub>
      transparency_;
  const std::unique_ptr<candor::engagement::v1::EngagementService::Stub>
      engagement_;
};

// Opens the connection for `command`, or prints why --timeout or a --tls-*
// option is wrong (then nullptr: exit with kExitUsage).
std::unique_ptr<Connection> Open(const GlobalOptions& global,
                                 const std::string& command,
                                 absl::Duration default_timeout);

// Prints `message` as JSON, or `table_text`, per --output.
void Print(const GlobalOptions& global,
           const google::protobuf::Message& message,
           const std::string& table_text);

// Calls a List method once, or page after page with `all`, handing every
// response to `take` (which copies its items: `last` is printed as it is).
// `call(context, request, response)` makes one call. Returns kExitOk, or the
// exit code after printing the failure. `last` holds the last response.
template <typename Request, typename Response, typename Call, typename Take>
int FetchPages(Connection& connection, Request request, bool all, Call call,
               Take take, Response* last) {
  while (true) {
    last->Clear();
    const grpc::Status status =
        call(connection.NewContext().get(), request, last);
    if (!status.ok()) return connection.CallFailed(status);
    take(*last);
    if (!all || last->next_page_token().empty()) return kExitOk;
    if (last->next_page_token() == request.page_token()) {
      std::cerr << "candorctl: " << connection.command()
                << ": the server returned the same page token twice; "
                   "stopping\n";
      return kExitFailed;
    }
    request.set_page_token(last->next_page_token());
  }
}

// After one page of a list (no --all): says how to get the next one.
void HintNextPage(const std::string& what, const std::string& next_page_token);

// Prints a list: the one response as JSON, or (with --all) a JSON array of
// every item; as a table otherwise, with a hint when there are more pages.
template <typename Response, typename Item>
void PrintList(const GlobalOptions& global, bool all, const Response& last,
               const std::vector<Item>& items, Table table,
               void (*add_row)(const Item&, Table&), const std::string& what) {
  if (global.output == OutputFormat::kJson) {
    if (!all) {
      std::cout << ToJson(last);
      return;
    }
    std::vector<const google::protobuf::Message*> messages;
    for (const Item& item : items) messages.push_back(&item);
    std::cout << ToJsonArray(messages);
    return;
  }
  for (const Item& item : items) add_row(item, table);
  std::cout << table.Render();
  if (!all) HintNextPage(what, last.next_page_token());
}

// A unary method of a generated stub, e.g.
// &candor::values::v1::ValuesService::Stub::GetValue.
template <typename Stub, typename Request, typename Response>
using UnaryMethod = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&,
                                           Response*);

// What most commands do: open the connection for `command`, call `method`
// once and print the answer (as JSON, or as `describe` writes it).
// Returns the exit code.
template <typename Stub, typename Request, typename Response>
int CallAndPrint(const GlobalOptions& global, const std::string& command,
                 const Request& request,
                 UnaryMethod<Stub, Request, Response> method,
                 std::string (*describe)(const Response&)) {
  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  Stub stub(connection->channel());
  Response response;
  const grpc::Status status =
      (stub.*method)(connection->NewContext().get(), request, &response);
  if (!status.ok()) return connection->CallFailed(status);
  Print(global, response, describe(response));
  return kExitOk;
}

// CallAndPrint of a request built from the command's flags, which may be
// wrong: then it prints why and returns kExitUsage, calling nothing.
template <typename Stub, typename Request, typename Response>
int CallAndPrint(const GlobalOptions& global, const std::string& command,
                 const absl::StatusOr<Request>& request,
                 UnaryMethod<Stub, Request, Response> method,
                 std::string (*describe)(const Response&)) {
  if (!request.ok()) return UsageError(command, request.status());
  return CallAndPrint(global, command, *request, method, describe);
}

// A command whose request is just the name of a resource (`form`, e.g.
// "organizations/ORG/values/ID", the positional `name`): it calls `method`
// with it and prints the answer (get, endorse, withdraw, ...).
template <typename Stub, typename Request, typename Response>
void AddNameCommand(CLI::App& group, const std::string& name,
                    const std::string& description, const std::string& form,
                    const GlobalOptions& global, Actions& actions,
                    UnaryMethod<Stub, Request, Response> method,
                    std::string (*describe)(const Response&)) {
  auto resource = std::make_shared<std::string>();
  CLI::App* command = actions.Add(
      group, name, description,
      [&global, resource, path = CommandPath(group, name), method, describe] {
        Request request;
        request.set_name(*resource);
        return CallAndPrint(global, path, request, method, describe);
      });
  AddName(command, *resource, form);
}

// What every list command does: open the connection for `command`, call
// the List `method` with `request` (its parent and filter set) and `page`,
// once or (with --all) page after page, and print the `items` of every
// answer as PrintList does.
template <typename Stub, typename Request, typename Response, typename Item>
int ListAndPrint(
    const GlobalOptions& global, const std::string& command, Request request,
    const PageOptions& page, UnaryMethod<Stub, Request, Response> method,
    const google::protobuf::RepeatedPtrField<Item>& (Response::*items)() const,
    Table table, void (*add_row)(const Item&, Table&),
    const std::string& what) {
  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  Stub stub(connection->channel());
  request.set_page_size(page.page_size);
  request.set_page_token(page.page_token);
  std::vector<Item> all_items;
  Response last;
  const int code = FetchPages(
      *connection, request, page.all,
      [&stub, method](grpc::ClientContext* context, const Request& r,
                      Response* response) {
        return (stub.*method)(context, r, response);
      },
      [&all_items, items](const Response& response) {
        const auto& these = (response.*items)();
        all_items.insert(all_items.end(), these.begin(), these.end());
      },
      &last);
  if (code != kExitOk) return code;
  PrintList(global, page.all, last, all_items, std::move(table), add_row, what);
  return kExitOk;
}

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_CONNECTION_H_
