// `candorctl staff export` and `candorctl staff erase`: a person's data
// across every Candor service (candor.privacy.v1.PrivacyService), for the
// organization's admins and operators. Each command returns the process
// exit code (see commands.h).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "candor/privacy/v1/privacy.grpc.pb.h"
#include "clients/cli/command_line.h"
#include "clients/cli/commands.h"
#include "clients/cli/connection.h"
#include "clients/cli/output.h"

namespace candor::cli {
namespace {

namespace privacypb = ::candor::privacy::v1;

// Every service reads or rewrites all of one person's rows. The server's
// own limit (--max_call_duration) ends the call first; this deadline only
// must not be the shorter one.
const absl::Duration kPrivacyTimeout = absl::Minutes(5);

// Writes `text` to `path`, created (or truncated) with mode 0600: an
// export is personal data.
absl::Status WritePrivateFile(const std::string& path,
                              const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
                        S_IRUSR | S_IWUSR);
  if (fd < 0) {
    return absl::NotFoundError(
        absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  // O_CREAT's mode applies only to a new file: an existing one keeps its own.
  if (::fchmod(fd, S_IRUSR | S_IWUSR) != 0) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot make ", path, " private: ", why));
  }
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = std::strerror(errno);
      ::close(fd);
      return absl::DataLossError(absl::StrCat("writing ", path, ": ", why));
    }
    written += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    return absl::DataLossError(
        absl::StrCat("writing ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// Whether the person at the terminal typed yes to erasing `name`.
bool Confirmed(const std::string& name) {
  std::cerr << "Erase the personal data of " << name
            << " in every service? This cannot be undone. [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  answer = absl::AsciiStrToLower(absl::StripAsciiWhitespace(answer));
  return answer == "y" || answer == "yes";
}

struct StaffExportOptions {
  std::string name;   // organizations/ORG/staffMembers/ID
  std::string out;    // empty or "-": standard output
  int page_size = 0;  // rows per request; 0: the server's default
};

struct StaffEraseOptions {
  std::string name;  // organizations/ORG/staffMembers/ID
  bool yes = false;  // no question asked
  std::string request_id;
};

// Writes the export as one JSON document (the proto3 JSON mapping of
// candor.privacy.v1.StaffDataExport) to --out, created readable by its
// owner only, or to standard output. The server sends it in pages; their
// merge is the document, timed when its first page was made.
int RunStaffExport(const GlobalOptions& global,
                   const StaffExportOptions& options) {
  const std::string command = "staff export";
  std::unique_ptr<Connection> connection =
      Open(global, command, kPrivacyTimeout);
  if (connection == nullptr) return kExitUsage;
  auto privacy = privacypb::PrivacyService::NewStub(connection->channel());
  privacypb::ExportStaffDataRequest request;
  request.set_staff_member(options.name);
  request.set_page_size(options.page_size);
  privacypb::StaffDataExport exported;
  do {
    privacypb::StaffDataExport page;
    const grpc::Status status = privacy->ExportStaffData(
        connection->NewContext().get(), request, &page);
    if (!status.ok()) return connection->CallFailed(status);
    request.set_page_token(page.next_page_token());
    page.clear_next_page_token();
    if (exported.has_export_time()) page.clear_export_time();
    exported.MergeFrom(page);
  } while (!request.page_token().empty());
  const std::string json = ToJson(exported);
  if (options.out.empty() || options.out == "-") {
    std::cout << json;
    return kExitOk;
  }
  const absl::Status written = WritePrivateFile(options.out, json);
  if (!written.ok()) {
    std::cerr << "candorctl: " << command << ": " << written.message() << "\n";
    return kExitFailed;
  }
  std::cerr << "wrote the data of " << options.name << " to " << options.out
            << "\n";
  return kExitOk;
}

// Asks for confirmation on a terminal unless --yes; refuses without --yes
// when standard input is not a terminal (nobody could have confirmed).
int RunStaffErase(const GlobalOptions& global,
                  const StaffEraseOptions& options) {
  const std::string command = "staff erase";
  if (!options.yes) {
    if (!::isatty(STDIN_FILENO)) {
      return UsageError(command,
                        absl::FailedPreconditionError(
                            "not confirmed: standard input is not a terminal; "
                            "pass --yes to erase without being asked"));
    }
    if (!Confirmed(options.name)) {
      std::cerr << "candorctl: " << command
                << ": not confirmed; nothing erased\n";
      return kExitFailed;
    }
  }
  std::unique_ptr<Connection> connection =
      Open(global, command, kPrivacyTimeout);
  if (connection == nullptr) return kExitUsage;
  auto privacy = privacypb::PrivacyService::NewStub(connection->channel());
  privacypb::EraseStaffMemberRequest request;
  request.set_staff_member(options.name);
  request.set_request_id(options.request_id);
  privacypb::EraseStaffMemberResponse erased;
  const grpc::Status status = privacy->EraseStaffMember(
      connection->NewContext().get(), request, &erased);
  if (!status.ok()) return connection->CallFailed(status);
  std::string changed;
  for (const char* service :
       {"staff", "engagement", "advocacy", "values", "transparency"}) {
    auto found = erased.records_changed().find(service);
    absl::StrAppend(
        &changed, changed.empty() ? "" : ", ", service, " ",
        found == erased.records_changed().end() ? 0 : found->second);
  }
  Print(global, erased,
        absl::StrCat("erased ", erased.staff_member(), "; now known as ",
                     erased.pseudonym(), "\nrecords changed: ", changed, "\n"));
  return kExitOk;
}

}  // namespace

void AddStaffPrivacyCommands(CLI::App& staff, const GlobalOptions& global,
                             Actions& actions) {
  auto [export_command, export_options] = AddCommand(
      staff, "export",
      "Everything Candor holds about a person, as one JSON document (admin)",
      global, actions, &RunStaffExport);
  AddName(export_command, export_options.name,
          "organizations/ORG/staffMembers/ID");
  export_command->add_option("--out", export_options.out,
                             "Write to FILE (created readable by you only) "
                             "instead of standard output");
  export_command
      ->add_option("--page-size", export_options.page_size,
                   "Rows per request, 1 to 1000 (default: the server's, "
                   "500); the document is the same whatever the size")
      ->check(CLI::Range(1, 1000));

  auto [erase, erase_options] = AddCommand(
      staff, "erase",
      "Erase a person's personal data in every service, keeping counts "
      "(admin; cannot be undone)",
      global, actions, &RunStaffErase);
  AddName(erase, erase_options.name, "organizations/ORG/staffMembers/ID");
  erase->add_flag("--yes,-y", erase_options.yes,
                  "Do not ask for confirmation (needed when standard "
                  "input is not a terminal)");
  AddRequestId(erase, erase_options.request_id);
}

}  // namespace candor::cli
