// `candorctl posts|review ...`: posts staff write in their own words and
// the human review of those a rule sent to a reviewer. Authors create,
// change, submit, withdraw and appeal their posts; reviewers list the posts
// in review and approve or reject them, citing the rules they apply. Each
// command returns the process exit code (see commands.h).
#ifndef CANDOR_CLIENTS_CLI_POSTS_COMMANDS_H_
#define CANDOR_CLIENTS_CLI_POSTS_COMMANDS_H_

#include <cstdint>
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

struct PostListOptions {
  std::string parent;
  std::string filter;
  int32_t page_size = 0;
  std::string page_token;
  bool all = false;
};
int RunPostList(const GlobalOptions& global, const PostListOptions& options);

int RunPostUpdate(const GlobalOptions& global, const std::string& name,
                  const PostFlags& flags);
int RunPostDelete(const GlobalOptions& global, const std::string& name);

// Prints the post's new state and the decision with every rule's result.
// Exits 0 whatever the decision: the submit itself succeeded.
int RunPostSubmit(const GlobalOptions& global, const std::string& name,
                  const std::string& request_id);
int RunPostWithdraw(const GlobalOptions& global, const std::string& name);
int RunPostAppeal(const GlobalOptions& global, const std::string& name,
                  const std::string& reason);

// `review list`: the posts IN_REVIEW (and matching `filter`, when given).
int RunReviewList(const GlobalOptions& global, const PostListOptions& options);
int RunReviewApprove(const GlobalOptions& global, const std::string& name,
                     const std::string& note);
int RunReviewReject(const GlobalOptions& global, const std::string& name,
                    const std::vector<std::string>& rule_ids,
                    const std::string& note);

// Adds `posts` and `review` with their subcommands to `app`; their actions
// (in `actions`) run with `global`.
void AddPostsCommands(CLI::App& app, const GlobalOptions& global,
                      Actions& actions);

}  // namespace candor::cli

#endif  // CANDOR_CLIENTS_CLI_POSTS_COMMANDS_H_
