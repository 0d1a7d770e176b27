// `candorctl rules|audit|report ...`: the organization's published
// transparency rules, dry runs of a post against them, the audit log and
// the transparency report. Admins publish rulesets; every staff member reads
// them, checks a text, reads and verifies the audit log and the report.
// Each command returns the process exit code (see commands.h).
#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/cli/audit_verify.h"
#include "clients/cli/command_line.h"
#include "clients/cli/commands.h"
#include "clients/cli/connection.h"
#include "clients/cli/output.h"
#include "clients/cli/posts_fields.h"
#include "clients/cli/staff_fields.h"
#include "clients/cli/transparency_fields.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/time_util.h"

namespace candor::cli {
namespace {

namespace transparencypb = ::candor::transparency::v1;
using TransparencyStub = transparencypb::TransparencyService::Stub;

// Reads FILE as a Ruleset in protobuf text format (exit 2, with
// FILE:LINE:COLUMN, when it is not one), creates it as a DRAFT and
// publishes it; prints the published ruleset.
struct RulesPublishOptions {
  std::string parent;  // organizations/ID, or just ID
  std::string file;    // "-" reads standard input
  std::string request_id;
};

// A dry run (EvaluatePost): prints the outcome and every rule's result.
// Exits 0 whatever the outcome: only a failed call or bad flags are errors.
struct RulesCheckOptions {
  std::string parent;
  std::string network;
  std::string text;
  std::string link_url;
  // A staff id or resource name; empty: the token's subject.
  std::string author;
};

int RunRulesPublish(const GlobalOptions& global,
                    const RulesPublishOptions& options) {
  const std::string command = "rules publish";
  absl::StatusOr<std::string> text = ReadWholeFile(options.file);
  if (!text.ok()) return UsageError(command, text.status());
  absl::StatusOr<transparencypb::Ruleset> ruleset =
      ParseRulesetText(*text, options.file == "-" ? "<stdin>" : options.file);
  if (!ruleset.ok()) {
    std::cerr << "candorctl: " << command << ": the file is not a ruleset:\n"
              << ruleset.status().message() << "\n";
    return kExitUsage;
  }

  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;
  transparencypb::CreateRulesetRequest create;
  create.set_parent(OrganizationName(options.parent));
  *create.mutable_ruleset() = *std::move(ruleset);
  create.set_request_id(options.request_id);
  transparencypb::Ruleset draft;
  grpc::Status status = connection->transparency().CreateRuleset(
      connection->NewContext().get(), create, &draft);
  if (!status.ok()) return connection->CallFailed(status);

  transparencypb::PublishRulesetRequest publish;
  publish.set_name(draft.name());
  if (!options.request_id.empty()) {
    publish.set_request_id(options.request_id + "-publish");
  }
  transparencypb::Ruleset published;
  status = connection->transparency().PublishRuleset(
      connection->NewContext().get(), publish, &published);
  if (!status.ok()) {
    std::cerr << "candorctl: " << command << ": created " << draft.name()
              << " as a DRAFT but could not publish it\n";
    return connection->CallFailed(status);
  }
  Print(global, published, DescribeRuleset(published));
  return kExitOk;
}

// The ruleset that judges posts now.
int RunRulesShow(const GlobalOptions& global, const std::string& parent) {
  transparencypb::GetPublishedRulesetRequest request;
  request.set_parent(OrganizationName(parent));
  return CallAndPrint(global, "rules show", request,
                      &TransparencyStub::GetPublishedRuleset, &DescribeRuleset);
}

int RunRulesList(const GlobalOptions& global, const ListOptions& options) {
  transparencypb::ListRulesetsRequest request;
  request.set_parent(OrganizationName(options.parent));
  return ListAndPrint(global, "rules list", request, options.page,
                      &TransparencyStub::ListRulesets,
                      &transparencypb::ListRulesetsResponse::rulesets,
                      RulesetTable(), &AddRulesetRow, "rulesets");
}

int RunRulesCheck(const GlobalOptions& global,
                  const RulesCheckOptions& options) {
  const std::string command = "rules check";
  const std::string parent = OrganizationName(options.parent);
  transparencypb::EvaluatePostRequest request;
  request.set_parent(parent);
  transparencypb::PostContent* post = request.mutable_post();
  if (options.author.empty()) {
    absl::StatusOr<std::string> subject = TokenSubject(global.token);
    if (!subject.ok()) return UsageError(command, subject.status());
    post->set_author(*subject);
  } else {
    post->set_author(StaffMemberName(parent, options.author));
  }
  absl::StatusOr<candor::common::v1::Network> network =
      ParseNetwork(options.network);
  if (!network.ok()) {
    return UsageError(command, absl::InvalidArgumentError(absl::StrCat(
                                   "--network: ", network.status().message())));
  }
  post->set_network(*network);
  post->set_text(options.text);
  post->set_link_url(options.link_url);
  // A dry run: a REJECTED outcome is an answer, not a failure.
  return CallAndPrint(global, command, request, &TransparencyStub::EvaluatePost,
                      &DescribeEvaluation);
}

int RunAuditList(const GlobalOptions& global, const ListOptions& options) {
  transparencypb::ListAuditEntriesRequest request;
  request.set_parent(OrganizationName(options.parent));
  return ListAndPrint(global, "audit list", request, options.page,
                      &TransparencyStub::ListAuditEntries,
                      &transparencypb::ListAuditEntriesResponse::audit_entries,
                      AuditEntryTable(), &AddAuditEntryRow, "audit entries");
}

// --- audit verify and audit prove ---------------------------------------
//
// Both trust nothing the server says about validity: they fetch the signed
// tree head, the entries and the proofs, and check them with
// audit_verify.h. The server's VerifyAuditLog is not called.

constexpr int32_t kAuditPageSize = 1000;  // the server's maximum

struct AuditVerifyOptions {
  std::string parent;
  // The head a previous run saved; written after a run that passed. Empty:
  // nothing is remembered.
  std::string head_file;
  // The organization's published key; empty: the saved head's key, or the
  // first key seen.
  std::string public_key_file;
};

struct AuditProveOptions {
  std::string parent;
  int64_t sequence = 0;
  std::string head_file;
  std::string public_key_file;
};

// The bare organization id of a parent ("organizations/acme" or "acme").
std::string OrganizationIdOf(const std::string& parent) {
  std::string name = OrganizationName(parent);
  return name.substr(std::string("organizations/").size());
}

// The head saved in `path`, or nullopt when `path` is empty or names no
// file yet. An unreadable or malformed file is an error: a run must not
// silently start over without the head it was told to check against.
absl::StatusOr<std::optional<transparency::TreeHead>> LoadSavedHead(
    const std::string& path) {
  if (path.empty()) return std::nullopt;
  struct stat info;
  if (stat(path.c_str(), &info) != 0 && errno == ENOENT) return std::nullopt;
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<transparencypb::AuditTreeHead> head =
      ParseHeadFile(*text, path);
  if (!head.ok()) return head.status();
  absl::StatusOr<transparency::TreeHead> converted = TreeHeadOf(*head);
  if (!converted.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", converted.status().message()));
  }
  return *converted;
}

// The key from --public-key-file; nullopt without the flag.
absl::StatusOr<std::optional<std::string>> LoadPublicKey(
    const std::string& path) {
  if (path.empty()) return std::nullopt;
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<std::string> key = ParsePublicKey(*text);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--public-key-file ", path, ": ", key.status().message()));
  }
  return *key;
}

// Which key heads must be signed with, and where it came from.
struct PinnedKey {
  std::string key;
  std::string source;  // "--public-key-file", "the head file", "first use"
};

PinnedKey PinKey(const std::optional<std::string>& flag_key,
                 const std::optional<transparency::TreeHead>& saved,
                 const transparency::TreeHead& head) {
  if (flag_key.has_value()) return {*flag_key, "--public-key-file"};
  if (saved.has_value()) return {saved->public_key, "the head file"};
  return {head.public_key, "first use"};
}

// Trust on first use is only as good as the first answer: say so, and how
// to make it better.
void NoteFirstUse(const std::string& command, const PinnedKey& pinned,
                  const std::string& head_file) {
  if (pinned.source != "first use") return;
  std::cerr << "candorctl: " << command
            << ": note: no key was pinned for this organization; trusting "
               "the key the server sent now (key_fingerprint "
            << KeyFingerprint(pinned.key) << ").\n"
            << "candorctl: " << command
            << ": note: compare it with the organization's published key, "
               "or give that key with --public-key-file";
  if (head_file.empty()) {
    std::cerr << "; without --head-file nothing is remembered and the next "
                 "run trusts the server again";
  } else {
    std::cerr << "; " << head_file << " pins it for the next runs";
  }
  std::cerr << ".\n";
}

// Gets the newest signed head of `parent` and converts it.
int FetchHead(Connection& connection, const std::string& parent,
              transparencypb::AuditTreeHead* proto,
              transparency::TreeHead* head) {
  transparencypb::GetAuditTreeHeadRequest request;
  request.set_parent(parent);
  request.set_tree_size(0);
  const grpc::Status status = connection.transparency().GetAuditTreeHead(
      connection.NewContext().get(), request, proto);
  if (!status.ok()) return connection.CallFailed(status);
  absl::StatusOr<transparency::TreeHead> converted = TreeHeadOf(*proto);
  if (!converted.ok()) {
    std::cerr << "candorctl: " << connection.command()
              << ": the server's tree head is malformed: "
              << converted.status().message() << "\n";
    return kExitFailed;
  }
  *head = *std::move(converted);
  return kExitOk;
}

// Lists `parent`'s entries page after page in sequence order, handing each
// to `take` until it returns false or the log ends.
template <typename Take>
int ListEntries(Connection& connection, const std::string& parent, Take take) {
  transparencypb::ListAuditEntriesRequest request;
  request.set_parent(parent);
  request.set_page_size(kAuditPageSize);
  transparencypb::ListAuditEntriesResponse response;
  while (true) {
    response.Clear();
    const grpc::Status status = connection.transparency().ListAuditEntries(
        connection.NewContext().get(), request, &response);
    if (!status.ok()) return connection.CallFailed(status);
    for (const transparencypb::AuditEntry& entry : response.audit_entries()) {
      if (!take(entry)) return kExitOk;
    }
    if (response.next_page_token().empty()) return kExitOk;
    if (response.next_page_token() == request.page_token()) {
      std::cerr << "candorctl: " << connection.command()
                << ": the server returned the same page token twice; "
                   "stopping\n";
      return kExitFailed;
    }
    request.set_page_token(response.next_page_token());
  }
}

// The server's consistency proof of `parent`'s log from `first_size` to
// `second_size`. Reports a refusal (and returns nothing) or a malformed
// proof (and returns an empty one, which then fails to verify).
std::optional<std::vector<transparency::merkle::Hash>> FetchConsistencyProof(
    Connection& connection, const std::string& command,
    const std::string& parent, int64_t first_size, int64_t second_size) {
  transparencypb::GetAuditConsistencyProofRequest request;
  request.set_parent(parent);
  request.set_first_tree_size(first_size);
  request.set_second_tree_size(second_size);
  transparencypb::AuditConsistencyProof proof;
  const grpc::Status status =
      connection.transparency().GetAuditConsistencyProof(
          connection.NewContext().get(), request, &proof);
  if (!status.ok()) {
    connection.CallFailed(status);
    return std::nullopt;
  }
  absl::StatusOr<std::vector<transparency::merkle::Hash>> hashes =
      HashesOf(proof.hashes());
  if (!hashes.ok()) {
    std::cerr << "candorctl: " << command
              << ": the server's consistency proof is malformed: "
              << hashes.status().message() << "\n";
    return std::vector<transparency::merkle::Hash>{};
  }
  return *std::move(hashes);
}

google::protobuf::Value StringValue(const std::string& text) {
  google::protobuf::Value value;
  value.set_string_value(text);
  return value;
}

google::protobuf::Value NumberValue(int64_t number) {
  google::protobuf::Value value;
  value.set_number_value(static_cast<double>(number));
  return value;
}

google::protobuf::Value ListValue(const std::vector<std::string>& items) {
  google::protobuf::Value value;
  for (const std::string& item : items) {
    *value.mutable_list_value()->add_values() = StringValue(item);
  }
  if (items.empty()) value.mutable_list_value();
  return value;
}

// --output json of `audit verify`: the keys VerifyAuditLogResponse had
// (ok, entriesChecked, firstBadSequence, problem) and the head's.
google::protobuf::Struct AuditVerifyJson(const AuditVerifyResult& result,
                                         const AuditHeads& heads,
                                         const PinnedKey& pinned,
                                         const std::string& saved_to) {
  google::protobuf::Struct out;
  auto& fields = *out.mutable_fields();
  fields["ok"].set_bool_value(result.ok());
  fields["entriesChecked"] = NumberValue(result.entries_checked);
  fields["firstBadSequence"] = NumberValue(result.first_bad_sequence);
  fields["problem"] = StringValue(result.problem);
  fields["failures"] = ListValue(result.failures);
  fields["name"] =
      StringValue(absl::StrCat("organizations/", heads.head.organization_id,
                               "/auditTreeHeads/", heads.head.tree_size));
  fields["treeSize"] = NumberValue(heads.head.tree_size);
  fields["rootHash"] =
      StringValue(transparency::merkle::HexOf(heads.head.root_hash));
  fields["time"] = StringValue(
      TimeText(google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(
          heads.head.time_us)));
  fields["publicKey"] = StringValue(HexText(heads.head.public_key));
  fields["keyFingerprint"] = StringValue(KeyFingerprint(heads.head.public_key));
  fields["keyPinnedBy"] = StringValue(pinned.source);
  fields["savedTreeSize"] =
      NumberValue(heads.saved.has_value() ? heads.saved->tree_size : 0);
  fields["consistencyProofLength"] =
      NumberValue(static_cast<int64_t>(heads.consistency_proof.size()));
  fields["headFileWritten"] = StringValue(saved_to);
  return out;
}

// Verifies the whole log on this machine (audit_verify.h); exits 1 when
// anything does not hold. Writes --head-file only then.
int RunAuditVerify(const GlobalOptions& global,
                   const AuditVerifyOptions& options) {
  const std::string command = "audit verify";
  const std::string parent = OrganizationName(options.parent);
  absl::StatusOr<std::optional<transparency::TreeHead>> saved =
      LoadSavedHead(options.head_file);
  if (!saved.ok()) return UsageError(command, saved.status());
  absl::StatusOr<std::optional<std::string>> flag_key =
      LoadPublicKey(options.public_key_file);
  if (!flag_key.ok()) return UsageError(command, flag_key.status());

  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;

  transparencypb::AuditTreeHead head_proto;
  AuditHeads heads;
  heads.organization_id = OrganizationIdOf(options.parent);
  int code = FetchHead(*connection, parent, &head_proto, &heads.head);
  if (code != kExitOk) return code;
  const PinnedKey pinned = PinKey(*flag_key, *saved, heads.head);
  heads.pinned_key = pinned.key;
  heads.saved = *saved;

  AuditLogCheck check(heads.head.tree_size);
  if (check.wants_more()) {
    code = ListEntries(*connection, parent,
                       [&check](const transparencypb::AuditEntry& entry) {
                         check.Add(AuditEntryRecordOf(entry));
                         return check.wants_more();
                       });
    if (code != kExitOk) return code;
  }

  // The proof is checked against the two signed roots alone, so it shows
  // whether the server hands out proofs that agree with what was checked
  // here (an equal size needs none).
  bool proof_received = true;
  if (heads.saved.has_value() && heads.saved->tree_size >= 1 &&
      heads.saved->tree_size < heads.head.tree_size) {
    std::optional<std::vector<transparency::merkle::Hash>> proof =
        FetchConsistencyProof(*connection, command, parent,
                              heads.saved->tree_size, heads.head.tree_size);
    proof_received = proof.has_value();
    if (proof_received) heads.consistency_proof = *std::move(proof);
  }

  AuditVerifyResult result = check.Finish(heads);
  if (!proof_received) {
    result.consistency_ok = false;
    result.failures.push_back(
        "consistency proof: the server did not send one (see above)");
  }
  NoteFirstUse(command, pinned, options.head_file);

  std::string saved_to;
  if (result.ok() && !options.head_file.empty()) {
    const absl::Status written =
        WriteFileAtomically(options.head_file, HeadFileText(head_proto));
    if (!written.ok()) {
      std::cerr << "candorctl: " << command
                << ": the log verified but the head was not saved: "
                << written.message() << "\n";
      return kExitFailed;
    }
    saved_to = options.head_file;
  }
  std::string text = DescribeAuditVerify(result, heads);
  absl::StrAppend(&text, RenderFields({{"key_pinned_by", pinned.source},
                                       {"head_file_written", saved_to}}));
  Print(global, AuditVerifyJson(result, heads, pinned, saved_to), text);
  return result.ok() ? kExitOk : kExitFailed;
}

// Proves that entry --sequence is in the signed log: its fields against
// its hash, and an inclusion proof of that hash under a verified head.
int RunAuditProve(const GlobalOptions& global,
                  const AuditProveOptions& options) {
  const std::string command = "audit prove";
  const std::string parent = OrganizationName(options.parent);
  if (options.sequence < 1) {
    return UsageError(command,
                      absl::InvalidArgumentError("--sequence must be >= 1"));
  }
  absl::StatusOr<std::optional<transparency::TreeHead>> saved =
      LoadSavedHead(options.head_file);
  if (!saved.ok()) return UsageError(command, saved.status());
  absl::StatusOr<std::optional<std::string>> flag_key =
      LoadPublicKey(options.public_key_file);
  if (!flag_key.ok()) return UsageError(command, flag_key.status());

  std::unique_ptr<Connection> connection =
      Open(global, command, kDefaultTimeout);
  if (connection == nullptr) return kExitUsage;

  // A saved head that covers the entry was checked entry by entry when it
  // was saved: proving against it is the strongest claim. Otherwise the
  // newest head, its signature checked below.
  transparency::TreeHead head;
  std::string head_source = "the head file";
  if (saved->has_value() && (*saved)->tree_size >= options.sequence) {
    head = **saved;
  } else {
    head_source = "the server, now";
    transparencypb::AuditTreeHead head_proto;
    const int code = FetchHead(*connection, parent, &head_proto, &head);
    if (code != kExitOk) return code;
    if (head.tree_size < options.sequence) {
      std::cerr << "candorctl: " << command << ": the signed log has "
                << head.tree_size << " entries; there is no entry "
                << options.sequence << " yet\n";
      return kExitFailed;
    }
  }
  const PinnedKey pinned = PinKey(*flag_key, *saved, head);
  const std::string signature_problem =
      HeadSignatureProblem(head, OrganizationIdOf(options.parent), pinned.key);
  // A newer head than the saved one must extend it: otherwise the entry is
  // proved in a log that forked from the one checked before.
  std::string extension_problem;
  if (saved->has_value() && (*saved)->tree_size >= 1 &&
      head.tree_size > (*saved)->tree_size) {
    const transparency::TreeHead& old_head = **saved;
    std::optional<std::vector<transparency::merkle::Hash>> proof =
        FetchConsistencyProof(*connection, command, parent, old_head.tree_size,
                              head.tree_size);
    if (!proof.has_value()) {
      extension_problem = "the server did not send one (see above)";
    } else if (old_head.organization_id != head.organization_id ||
               !transparency::merkle::VerifyConsistency(
                   old_head.tree_size, head.tree_size, old_head.root_hash,
                   head.root_hash, *proof)) {
      extension_problem = absl::StrCat(
          "the server's proof (", proof->size(),
          " hashes) does not show the head of ", head.tree_size,
          " entries extending the saved head of ", old_head.tree_size);
    }
  }

  // Page tokens are signed by the server, so the listing starts at the
  // first page and stops at the page that holds the entry.
  std::optional<transparencypb::AuditEntry> found;
  int code =
      ListEntries(*connection, parent,
                  [&found, &options](const transparencypb::AuditEntry& entry) {
                    if (entry.sequence() == options.sequence) found = entry;
                    return entry.sequence() < options.sequence;
                  });
  if (code != kExitOk) return code;
  if (!found.has_value()) {
    std::cerr << "candorctl: " << command << ": the server did not list entry "
              << options.sequence << "\n";
    return kExitFailed;
  }
  const transparency::AuditEntryRecord entry = AuditEntryRecordOf(*found);

  transparencypb::GetAuditInclusionProofRequest request;
  request.set_parent(parent);
  request.set_sequence(options.sequence);
  request.set_tree_size(head.tree_size);
  transparencypb::AuditInclusionProof proof;
  const grpc::Status status = connection->transparency().GetAuditInclusionProof(
      connection->NewContext().get(), request, &proof);
  if (!status.ok()) return connection->CallFailed(status);
  absl::StatusOr<std::vector<transparency::merkle::Hash>> hashes =
      HashesOf(proof.hashes());
  if (!hashes.ok()) {
    std::cerr << "candorctl: " << command
              << ": the server's inclusion proof is malformed: "
              << hashes.status().message() << "\n";
    return kExitFailed;
  }

  EntryProofResult result =
      CheckEntryInclusion(entry, options.sequence, head, *hashes);
  if (!extension_problem.empty()) {
    result.failures.insert(
        result.failures.begin(),
        absl::StrCat("consistency proof: ", extension_problem));
  }
  if (!signature_problem.empty()) {
    result.failures.insert(result.failures.begin(),
                           absl::StrCat("signature: ", signature_problem));
  }
  NoteFirstUse(command, pinned, "");

  std::string text = DescribeEntryProof(result, entry, head);
  absl::StrAppend(&text, RenderFields({{"head_from", head_source},
                                       {"key_pinned_by", pinned.source}}));
  google::protobuf::Struct json;
  auto& fields = *json.mutable_fields();
  fields["ok"].set_bool_value(result.ok());
  fields["sequence"] = NumberValue(options.sequence);
  fields["hash"] = StringValue(result.hash);
  fields["treeSize"] = NumberValue(head.tree_size);
  fields["rootHash"] = StringValue(transparency::merkle::HexOf(head.root_hash));
  fields["headTime"] = StringValue(TimeText(
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(head.time_us)));
  fields["keyFingerprint"] = StringValue(KeyFingerprint(head.public_key));
  fields["keyPinnedBy"] = StringValue(pinned.source);
  fields["headFrom"] = StringValue(head_source);
  fields["proofLength"] =
      NumberValue(static_cast<int64_t>(result.proof_length));
  fields["notes"] = ListValue(result.notes);
  fields["failures"] = ListValue(result.failures);
  Print(global, json, text);
  return result.ok() ? kExitOk : kExitFailed;
}

// The range as given: --since excludes --start and --end.
struct ReportOptions {
  std::string parent, since, start, end;
  CLI::Option *since_option = nullptr, *start_option = nullptr,
              *end_option = nullptr;
};

int RunReport(const GlobalOptions& global, const ReportOptions& options) {
  ReportRange range;
  range.since = IfGiven(options.since_option, options.since);
  range.start = IfGiven(options.start_option, options.start);
  range.end = IfGiven(options.end_option, options.end);
  return CallAndPrint(
      global, "report",
      BuildReportRequest(OrganizationName(options.parent), range, absl::Now()),
      &TransparencyStub::GetTransparencyReport, &DescribeReport);
}

void AddRulesGroup(CLI::App& app, const GlobalOptions& global,
                   Actions& actions) {
  CLI::App* rules =
      app.add_subcommand("rules", "The organization's transparency rules");
  rules->require_subcommand(1);

  auto [publish, publish_options] = AddCommand(
      *rules, "publish",
      "Publish a ruleset written in protobuf text format (admin); it judges "
      "every post from now on",
      global, actions, &RunRulesPublish);
  AddParent(publish, publish_options.parent);
  publish
      ->add_option("file", publish_options.file,
                   "A candor.transparency.v1.Ruleset in text format (see "
                   "deploy/rulesets/default.textpb); - for stdin")
      ->required();
  AddRequestId(publish, publish_options.request_id);

  auto [show, show_parent] =
      AddCommand(*rules, "show", "Show the ruleset that judges posts now",
                 global, actions, &RunRulesShow);
  AddParent(show, show_parent);

  AddListCommand(*rules, "list", "List rulesets, newest first",
                 /*filter_help=*/"", global, actions, &RunRulesList);

  auto [check, check_options] = AddCommand(
      *rules, "check",
      "Dry run: how the current rules judge a text (stores nothing; exit 0 "
      "whatever the outcome)",
      global, actions, &RunRulesCheck);
  AddParent(check, check_options.parent);
  AddNetwork(check, check_options.network)->required();
  check
      ->add_option("--text", check_options.text,
                   "The text as it would be published")
      ->required();
  check->add_option("--link", check_options.link_url,
                    "The post's link, an https URL");
  check->add_option("--author", check_options.author,
                    "Staff id or name (default: the token's subject)");
}

void AddAuditGroup(CLI::App& app, const GlobalOptions& global,
                   Actions& actions) {
  CLI::App* audit = app.add_subcommand(
      "audit", "The organization's tamper-evident audit log");
  audit->require_subcommand(1);

  AddListCommand(*audit, "list", "List audit entries in sequence order",
                 /*filter_help=*/"", global, actions, &RunAuditList);

  auto [verify, verify_options] = AddCommand(
      *audit, "verify",
      "Check the whole log on this machine against the signed tree head "
      "(exit 1 when anything does not hold)",
      global, actions, &RunAuditVerify);
  AddParent(verify, verify_options.parent);
  verify->add_option(
      "--head-file", verify_options.head_file,
      "The tree head saved by the last run that passed (JSON); the log must "
      "extend it, and it is replaced after this run passes. Its key is "
      "pinned");
  verify->add_option(
      "--public-key-file", verify_options.public_key_file,
      "The organization's Ed25519 public key (PEM from openssl pkey -pubout, "
      "64 hex digits, base64 or 32 raw bytes); heads must be signed by it");
  verify->footer(
      "Without --public-key-file the key of the saved head is pinned, or\n"
      "without a head file the server's key is trusted on first use\n"
      "(compare the printed key_fingerprint with the published key).\n"
      "Backups of a local deployment: deploy/local/backup [FILE] while\n"
      "candord serves; deploy/local/restore FILE into a fresh CANDOR_VAR,\n"
      "then deploy/local/up and `candorctl audit verify ORG` for every\n"
      "organization (docs/OPERATIONS.md, \"Backup and restore\").");

  auto [prove, prove_options] = AddCommand(
      *audit, "prove",
      "Prove that one entry (e.g. a decision on your post) is in the signed "
      "log (exit 1 when it is not)",
      global, actions, &RunAuditProve);
  AddParent(prove, prove_options.parent);
  prove
      ->add_option("--sequence", prove_options.sequence,
                   "The entry's sequence number (audit list shows it)")
      ->required();
  prove->add_option(
      "--head-file", prove_options.head_file,
      "A head saved by audit verify: proves against it when it covers the "
      "entry, and pins its key (never written here)");
  prove->add_option("--public-key-file", prove_options.public_key_file,
                    "The organization's Ed25519 public key, as for verify");
}

void AddReportCommand(CLI::App& app, const GlobalOptions& global,
                      Actions& actions) {
  auto [report, options] =
      AddCommand(app, "report",
                 "The transparency report: decisions by verdict and by rule",
                 global, actions, &RunReport);
  AddParent(report, options.parent);
  options.since_option = report->add_option(
      "--since", options.since, "The last DURATION, e.g. 30d (default 30d)");
  options.start_option = report->add_option(
      "--start", options.start, "From, RFC 3339: 2025-01-01T00:00:00Z");
  options.end_option = report->add_option("--end", options.end,
                                          "Until, RFC 3339 (default: now)");
  options.since_option->excludes(options.start_option)
      ->excludes(options.end_option);
}

}  // namespace

void AddTransparencyCommands(CLI::App& app, const GlobalOptions& global,
                             Actions& actions) {
  AddRulesGroup(app, global, actions);
  AddAuditGroup(app, global, actions);
  AddReportCommand(app, global, actions);
}

}  // namespace candor::cli
