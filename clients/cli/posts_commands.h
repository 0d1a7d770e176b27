// `candorctl posts|review ...`: posts staff write in their own words and
// the human review of those a rule sent to a reviewer. Authors create,
// change, submit, withdraw and appeal their posts; reviewers list the posts
// in review and approve or reject them, citing the rules they apply. Each
// command returns the process exit code (see commands.h).
#ifndef CANDOR_CLIENTS_CLI_POSTS_COMMANDS_H_
#define CANDOR_CLIENTS_CLI_POSTS_COMMANDS_H_

#include <string>
#include <vector>

#include "clients/cli/command_line.h"
#include "clients/cli/commands.h"
#include "clients/cli/posts_fields.h"

namespace candor::cli {

struct PostCreateOptions {
  std::string parent;  // organizations/ID, or just ID
  PostFlags flags;
  std::string request_id;
};
int RunPostCreate(const GlobalOptions& global,
                  const PostCreateOptions& options);
int RunPostGet(const GlobalOptions& global, const std::string& name);

int RunPostList(const GlobalOptions& global, const ListOptions& options);

int RunPostUpdate(const GlobalOptions& global, const std::string& name,
                  const PostFlags& flags);
int RunPostDelete(const GlobalOptions& global, const std::string& name);

// Prints the post's new state and the decision with every rule's result.
// Exits 0 whatever the decision: the submit itself succeeded.
int RunPostSubmit(const GlobalOptions& global, const NameAndRequestId& options);
int RunPostWithdraw(const GlobalOptions& global, const std::string& name);

struct PostAppealOptions {
  std::string name;
  std::string reason;
};
int RunPostAppeal(const GlobalOptions& global,
                  const PostAppealOptions& options);

// `review list`: the posts IN_REVIEW (and matching `filter`, when given).
int RunReviewList(const GlobalOptions& global, const ListOptions& options);

// approve (no rule_ids) and reject (citing rule_ids).
struct ReviewOptions {
  std::string name;
  std::vector<std::string> rule_ids;
  std::string note;  // shown to the author
};
int RunReviewApprove(const GlobalOptions& global, const ReviewOptions& options);
int RunReviewReject(const GlobalOptions& global, const ReviewOptions& options);

// Adds `posts` and `review` with their subcommands to `app`; their actions
// (in `actions`) run with `global`.
void AddPostsCommands(CLI::App& app, const GlobalOptions& global,
                      Actions& actions);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_POSTS_COMMANDS_H_
