// candorctl: the Candor command line for HR administrators.
//
// This file only reads the command line (CLI11) and hands over to the
// command in commands.cc. Exit codes: 0 done, 1 a call failed or the server
// refused, 2 the command line or an input file is wrong.
#include <grpc/support/log.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "clients/cli/commands.h"
#include "clients/cli/engagement_commands.h"
#include "clients/cli/posts_commands.h"
#include "clients/cli/privacy_commands.h"
#include "clients/cli/stories_commands.h"
#include "clients/cli/transparency_commands.h"
#include "clients/cli/values_commands.h"

namespace candor::cli {
namespace {

// A repeatable option that takes one value each time it is given
// (`--role admin --role reviewer`), so it never swallows a positional
// argument after it.
CLI::Option* AddRepeatable(CLI::App* app, const std::string& name,
                           std::vector<std::string>& values,
                           const std::string& description) {
  return app->add_option(name, values, description)
      ->allow_extra_args(false)
      ->type_size(1);
}

std::optional<std::string> IfGiven(const CLI::Option* option,
                                   const std::string& value) {
  if (option->count() == 0) return std::nullopt;
  return value;
}

int Main(int argc, char** argv) {
  CLI::App app{
      "candorctl: manage organizations, staff, values, stories, posts and "
      "transparency rules on a Candor server.\n"
      "Exit codes: 0 done, 1 the call failed, 2 usage or input file wrong.",
      "candorctl"};
  app.fallthrough();  // global options may also come after the command
  app.require_subcommand(1);

  GlobalOptions global;
  std::string output = "table";
  app.add_option("--addr", global.address, "Server address, HOST:PORT")
      ->envname("CANDOR_ADDR")
      ->capture_default_str();
  app.add_option("--token", global.token,
                 "Bearer token sent with every call (see `token mint`)")
      ->envname("CANDOR_TOKEN");
  app.add_option("-o,--output", output, "Output format: table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  app.add_option("--timeout", global.timeout,
                 "Deadline of each call, e.g. 10s, 2m (default 10s; 120s for "
                 "staff import)");
  app.add_flag("--tls", global.tls,
               "Connect with TLS, trusting the system's root certificates "
               "(implied by every --tls-* option)")
      ->envname("CANDOR_TLS");
  app.add_option("--tls-ca-file", global.tls_ca_file,
                 "PEM CA certificates the server's certificate must chain to, "
                 "instead of the system's roots")
      ->envname("CANDOR_TLS_CA_FILE");
  app.add_option("--tls-cert-file", global.tls_cert_file,
                 "PEM client certificate, for a server that requires mutual "
                 "TLS (with --tls-key-file)")
      ->envname("CANDOR_TLS_CERT_FILE");
  app.add_option("--tls-key-file", global.tls_key_file,
                 "PEM private key of --tls-cert-file")
      ->envname("CANDOR_TLS_KEY_FILE");
  app.add_option("--tls-server-name", global.tls_server_name,
                 "The name the server's certificate must carry, when it is "
                 "not the host in --addr")
      ->envname("CANDOR_TLS_SERVER_NAME");

  // token mint
  CLI::App* token = app.add_subcommand("token", "Bearer tokens");
  token->require_subcommand(1);
  TokenMintOptions mint;
  CLI::App* token_mint = token->add_subcommand(
      "mint", "Print a token signed with a shared HS256 secret");
  token_mint
      ->add_option("--secret-file", mint.secret_file,
                   "File holding the server's token secret")
      ->required();
  token_mint->add_option("--org", mint.organization,
                         "Organization id (not for operator tokens)");
  token_mint->add_option(
      "--subject", mint.subject,
      "Staff member id or name; a service's name; `operator` for operators");
  AddRepeatable(token_mint, "--role", mint.roles,
                "employee, reviewer, admin, operator or service (repeatable)")
      ->required();
  token_mint->add_option("--ttl", mint.ttl, "Lifetime, e.g. 30m, 12h, 7d")
      ->capture_default_str();

  // health
  std::string health_service;
  CLI::App* health = app.add_subcommand(
      "health", "Ask the server whether it serves (exit 0 only if SERVING)");
  health->add_option("--service", health_service,
                     "A service name to ask about (default: the server)");

  // org
  CLI::App* org = app.add_subcommand("org", "Organizations");
  org->require_subcommand(1);
  OrgCreateOptions org_create_options;
  CLI::App* org_create = org->add_subcommand(
      "create", "Create an organization and its first admin (operator)");
  org_create
      ->add_option("id", org_create_options.organization_id,
                   "Organization id: lowercase letters, digits, '-'")
      ->required();
  org_create
      ->add_option("--display-name", org_create_options.display_name,
                   "The organization's name as staff see it")
      ->required();
  org_create
      ->add_option("--admin-email", org_create_options.admin_email,
                   "The first admin's email")
      ->required();
  org_create
      ->add_option("--admin-name", org_create_options.admin_name,
                   "The first admin's display name")
      ->required();
  org_create
      ->add_option("--admin-employee-id", org_create_options.admin_employee_id,
                   "The first admin's employee id")
      ->capture_default_str();
  org_create->add_option("--request-id", org_create_options.request_id,
                         "Makes a retry return the first answer");
  std::string org_get_name;
  CLI::App* org_get = org->add_subcommand("get", "Show an organization");
  org_get->add_option("name", org_get_name, "organizations/ID, or just ID")
      ->required();

  // staff
  CLI::App* staff = app.add_subcommand("staff", "Staff members");
  staff->require_subcommand(1);

  StaffCreateOptions create;
  CLI::App* staff_create =
      staff->add_subcommand("create", "Create a staff member (admin)");
  staff_create
      ->add_option("parent", create.parent, "organizations/ID, or just ID")
      ->required();
  staff_create
      ->add_option("--employee-id", create.employee_id, "The HR system's id")
      ->required();
  staff_create->add_option("--display-name", create.display_name)->required();
  staff_create->add_option("--email", create.email)->required();
  staff_create->add_option("--department", create.department);
  staff_create->add_option("--title", create.title);
  staff_create->add_option("--location", create.location);
  staff_create->add_option("--manager", create.manager,
                           "The manager's staff id or name");
  AddRepeatable(
      staff_create, "--role", create.roles,
      "employee, reviewer or admin (repeatable; employee is implied)");
  staff_create->add_option("--id", create.staff_member_id,
                           "Staff id (default: the server picks one)");
  staff_create->add_option("--request-id", create.request_id,
                           "Makes a retry return the first answer");

  std::string staff_get_name;
  CLI::App* staff_get = staff->add_subcommand("get", "Show a staff member");
  staff_get
      ->add_option("name", staff_get_name, "organizations/ORG/staffMembers/ID")
      ->required();

  StaffListOptions list;
  CLI::App* staff_list = staff->add_subcommand("list", "List staff members");
  staff_list->add_option("parent", list.parent, "organizations/ID, or just ID")
      ->required();
  staff_list->add_option("--filter", list.filter,
                         "e.g. 'department = \"Sales\" AND state = ACTIVE'");
  staff_list->add_option("--page-size", list.page_size, "1 to 1000")
      ->check(CLI::Range(1, 1000));
  staff_list->add_option("--page-token", list.page_token,
                         "From the previous page");
  staff_list->add_flag("--all", list.all, "Follow every page to the end");

  std::string update_name;
  StaffUpdateFlags update;
  struct {
    std::string employee_id, display_name, email, department, title, location,
        manager, bio, consent, etag;
    std::vector<std::string> roles, social_accounts;
    bool clear_social = false;
  } raw;
  CLI::App* staff_update = staff->add_subcommand(
      "update", "Change the fields given, and only those");
  staff_update
      ->add_option("name", update_name, "organizations/ORG/staffMembers/ID")
      ->required();
  CLI::Option* employee_id_opt =
      staff_update->add_option("--employee-id", raw.employee_id);
  CLI::Option* display_name_opt =
      staff_update->add_option("--display-name", raw.display_name);
  CLI::Option* email_opt = staff_update->add_option("--email", raw.email);
  CLI::Option* department_opt =
      staff_update->add_option("--department", raw.department);
  CLI::Option* title_opt = staff_update->add_option("--title", raw.title);
  CLI::Option* location_opt =
      staff_update->add_option("--location", raw.location);
  CLI::Option* manager_opt = staff_update->add_option(
      "--manager", raw.manager, "Staff id or name; \"\" removes the manager");
  CLI::Option* roles_opt =
      AddRepeatable(staff_update, "--role", raw.roles,
                    "Sets the roles: employee, reviewer, admin (repeatable)");
  CLI::Option* bio_opt = staff_update->add_option("--bio", raw.bio);
  CLI::Option* consent_opt = staff_update->add_option(
      "--consent", raw.consent, "Advocacy consent: true or false");
  CLI::Option* social_opt = AddRepeatable(
      staff_update, "--social", raw.social_accounts,
      "Sets the linked accounts, NETWORK:HANDLE, e.g. linkedin:ada-l "
      "(repeatable)");
  CLI::Option* clear_social_opt = staff_update->add_flag(
      "--clear-social", raw.clear_social, "Removes every linked account");
  clear_social_opt->excludes(social_opt);
  CLI::Option* etag_opt = staff_update->add_option(
      "--etag", raw.etag, "Refuse the change if the member changed since");

  StaffDeactivateOptions deactivate;
  CLI::App* staff_deactivate = staff->add_subcommand(
      "deactivate", "Set a staff member INACTIVE (admin)");
  staff_deactivate
      ->add_option("name", deactivate.name, "organizations/ORG/staffMembers/ID")
      ->required();
  staff_deactivate
      ->add_option("--reason", deactivate.reason, "Why; shown to admins")
      ->required();
  staff_deactivate->add_option("--request-id", deactivate.request_id,
                               "Makes a retry return the first answer");

  StaffExportOptions staff_export_options;
  CLI::App* staff_export = staff->add_subcommand(
      "export",
      "Everything Candor holds about a person, as one JSON document (admin)");
  staff_export
      ->add_option("name", staff_export_options.name,
                   "organizations/ORG/staffMembers/ID")
      ->required();
  staff_export->add_option("--out", staff_export_options.out,
                           "Write to FILE (created readable by you only) "
                           "instead of standard output");

  StaffEraseOptions staff_erase_options;
  CLI::App* staff_erase = staff->add_subcommand(
      "erase",
      "Erase a person's personal data in every service, keeping counts "
      "(admin; cannot be undone)");
  staff_erase
      ->add_option("name", staff_erase_options.name,
                   "organizations/ORG/staffMembers/ID")
      ->required();
  staff_erase->add_flag("--yes,-y", staff_erase_options.yes,
                        "Do not ask for confirmation (needed when standard "
                        "input is not a terminal)");
  staff_erase->add_option("--request-id", staff_erase_options.request_id,
                          "Makes a retry return the first answer");

  StaffImportOptions import;
  CLI::App* staff_import = staff->add_subcommand(
      "import",
      "Create or update staff members from a CSV file, all rows or none");
  staff_import
      ->add_option("parent", import.parent, "organizations/ID, or just ID")
      ->required();
  staff_import
      ->add_option("file", import.file,
                   "CSV with a header row: employee_id, display_name, "
                   "email, department, title, location, "
                   "manager_employee_id, roles (a;b); - for stdin")
      ->required();
  staff_import->add_flag("--dry-run", import.dry_run,
                         "Check every row; store nothing");

  // values
  CLI::App* values = app.add_subcommand("values", "The organization's values");
  values->require_subcommand(1);

  ValueCreateOptions value_create;
  CLI::App* values_create =
      values->add_subcommand("create", "Create a value (admin)");
  values_create
      ->add_option("parent", value_create.parent, "organizations/ID, or just ID")
      ->required();
  values_create->add_option("--title", value_create.title, "At most 120 characters")
      ->required();
  values_create
      ->add_option("--statement", value_create.statement,
                   "What the company commits to, at most 2000 characters")
      ->required();
  values_create->add_option("--id", value_create.value_id,
                            "Value id (default: the server picks one)");
  values_create->add_option("--request-id", value_create.request_id,
                            "Makes a retry return the first answer");

  std::string value_get_name;
  CLI::App* values_get = values->add_subcommand("get", "Show a value");
  values_get
      ->add_option("name", value_get_name, "organizations/ORG/values/ID")
      ->required();

  ValueListOptions value_list;
  CLI::App* values_list = values->add_subcommand("list", "List values");
  values_list
      ->add_option("parent", value_list.parent, "organizations/ID, or just ID")
      ->required();
  values_list->add_option("--filter", value_list.filter,
                          "state = ACTIVE or state = RETIRED");
  values_list->add_option("--page-size", value_list.page_size, "1 to 1000")
      ->check(CLI::Range(1, 1000));
  values_list->add_option("--page-token", value_list.page_token,
                          "From the previous page");
  values_list->add_flag("--all", value_list.all, "Follow every page to the end");

  std::string value_update_name;
  struct {
    std::string title, statement, etag;
  } value_raw;
  CLI::App* values_update = values->add_subcommand(
      "update", "Reword a value (admin); the earlier wording stays in history");
  values_update
      ->add_option("name", value_update_name, "organizations/ORG/values/ID")
      ->required();
  CLI::Option* value_title_opt =
      values_update->add_option("--title", value_raw.title);
  CLI::Option* value_statement_opt =
      values_update->add_option("--statement", value_raw.statement);
  CLI::Option* value_etag_opt = values_update->add_option(
      "--etag", value_raw.etag, "Refuse the change if the value changed since");

  std::string value_retire_name, value_retire_request_id;
  CLI::App* values_retire = values->add_subcommand(
      "retire", "Retire a value (admin): readable, no longer endorsed");
  values_retire
      ->add_option("name", value_retire_name, "organizations/ORG/values/ID")
      ->required();
  values_retire->add_option("--request-id", value_retire_request_id,
                            "Makes a retry return the first answer");

  ValuePagesOptions value_history;
  CLI::App* values_history = values->add_subcommand(
      "history", "Every wording of a value, newest first");
  values_history
      ->add_option("name", value_history.name, "organizations/ORG/values/ID")
      ->required();
  values_history->add_option("--page-size", value_history.page_size, "1 to 1000")
      ->check(CLI::Range(1, 1000));
  values_history->add_option("--page-token", value_history.page_token,
                             "From the previous page");
  values_history->add_flag("--all", value_history.all,
                           "Follow every page to the end");

  ValuePagesOptions value_feedback;
  CLI::App* values_feedback = values->add_subcommand(
      "feedback", "List the feedback on a value, newest first");
  values_feedback
      ->add_option("name", value_feedback.name, "organizations/ORG/values/ID")
      ->required();
  values_feedback
      ->add_option("--page-size", value_feedback.page_size, "1 to 1000")
      ->check(CLI::Range(1, 1000));
  values_feedback->add_option("--page-token", value_feedback.page_token,
                              "From the previous page");
  values_feedback->add_flag("--all", value_feedback.all,
                            "Follow every page to the end");

  std::string value_endorse_name;
  CLI::App* values_endorse =
      values->add_subcommand("endorse", "Endorse a value as yourself");
  values_endorse
      ->add_option("name", value_endorse_name, "organizations/ORG/values/ID")
      ->required();
  std::string value_unendorse_name;
  CLI::App* values_unendorse = values->add_subcommand(
      "unendorse", "Withdraw your endorsement of a value");
  values_unendorse
      ->add_option("name", value_unendorse_name, "organizations/ORG/values/ID")
      ->required();

  ValueGiveFeedbackOptions give_feedback;
  CLI::App* values_give_feedback = values->add_subcommand(
      "give-feedback", "Answer a value with feedback");
  values_give_feedback
      ->add_option("name", give_feedback.name, "organizations/ORG/values/ID")
      ->required();
  values_give_feedback
      ->add_option("--text", give_feedback.text, "At most 2000 characters")
      ->required();
  values_give_feedback->add_flag(
      "--anonymous", give_feedback.anonymous,
      "Keep no author anywhere, not even for admins");
  values_give_feedback->add_option("--request-id", give_feedback.request_id,
                                   "Makes a retry return the first answer");

  // stories
  CLI::App* stories = app.add_subcommand("stories", "Advocacy stories");
  stories->require_subcommand(1);

  // The story fields, shared by create and update.
  struct StoryRaw {
    std::string title, summary, url, expire_time, expires_in, etag;
    std::vector<std::string> points, values, departments;
    bool no_expiry = false, clear_points = false, clear_values = false,
         everyone = false;
  };
  struct StoryOptions {
    CLI::Option *title, *summary, *url, *points, *values, *departments,
        *expire_time, *expires_in, *etag;
  };
  const auto add_story_options = [](CLI::App* command, StoryRaw& raw,
                                    bool update) {
    StoryOptions options{};
    options.title =
        command->add_option("--title", raw.title, "At most 200 characters");
    options.summary = command->add_option("--summary", raw.summary,
                                          "At most 2000 characters");
    options.url = command->add_option("--url", raw.url,
                                      "The source, an https URL");
    options.points = AddRepeatable(
        command, "--point", raw.points,
        update ? "Sets the talking points (repeatable; replaces all)"
               : "A talking point: a fact staff may use (repeatable)");
    options.values = AddRepeatable(
        command, "--value", raw.values,
        "A related value, by id or name (repeatable, must be ACTIVE)");
    options.departments = AddRepeatable(
        command, "--department", raw.departments,
        "An audience department (repeatable; none: everyone)");
    options.expire_time = command->add_option(
        "--expire-time", raw.expire_time,
        "When employees stop seeing it, RFC 3339: 2025-01-31T17:00:00Z");
    options.expires_in = command->add_option(
        "--expires-in", raw.expires_in, "Expire after this long, e.g. 7d, 12h");
    options.expires_in->excludes(options.expire_time);
    if (update) {
      CLI::Option* no_expiry = command->add_flag(
          "--no-expiry", raw.no_expiry, "Remove the expiry time");
      no_expiry->excludes(options.expire_time)->excludes(options.expires_in);
      command->add_flag("--clear-points", raw.clear_points,
                        "Remove every talking point")
          ->excludes(options.points);
      command->add_flag("--clear-values", raw.clear_values,
                        "Remove every related value")
          ->excludes(options.values);
      command->add_flag("--everyone", raw.everyone,
                        "Remove the audience departments: for everyone")
          ->excludes(options.departments);
      options.etag = command->add_option(
          "--etag", raw.etag, "Refuse the change if the story changed since");
    }
    return options;
  };
  const auto story_flags = [](const StoryRaw& raw,
                              const StoryOptions& options) {
    StoryFlags flags;
    flags.title = IfGiven(options.title, raw.title);
    flags.summary = IfGiven(options.summary, raw.summary);
    flags.url = IfGiven(options.url, raw.url);
    if (options.points->count() > 0 || raw.clear_points) {
      flags.talking_points = raw.points;
    }
    if (options.values->count() > 0 || raw.clear_values) {
      flags.values = raw.values;
    }
    if (options.departments->count() > 0 || raw.everyone) {
      flags.audience_departments = raw.departments;
    }
    flags.expire_time = IfGiven(options.expire_time, raw.expire_time);
    flags.expires_in = IfGiven(options.expires_in, raw.expires_in);
    flags.no_expiry = raw.no_expiry;
    if (options.etag != nullptr) flags.etag = IfGiven(options.etag, raw.etag);
    return flags;
  };

  StoryCreateOptions story_create;
  StoryRaw story_create_raw;
  CLI::App* stories_create = stories->add_subcommand(
      "create", "Create a story (reviewer or admin)");
  stories_create
      ->add_option("parent", story_create.parent, "organizations/ID, or just ID")
      ->required();
  const StoryOptions story_create_options =
      add_story_options(stories_create, story_create_raw, /*update=*/false);
  story_create_options.title->required();
  story_create_options.summary->required();
  stories_create->add_option("--id", story_create.story_id,
                             "Story id (default: the server picks one)");
  stories_create->add_option("--request-id", story_create.request_id,
                             "Makes a retry return the first answer");

  std::string story_get_name;
  CLI::App* stories_get = stories->add_subcommand("get", "Show a story");
  stories_get
      ->add_option("name", story_get_name, "organizations/ORG/stories/ID")
      ->required();

  StoryListOptions story_list;
  CLI::App* stories_list = stories->add_subcommand(
      "list", "List stories, newest first (employees: those for them)");
  stories_list
      ->add_option("parent", story_list.parent, "organizations/ID, or just ID")
      ->required();
  stories_list->add_option("--filter", story_list.filter,
                           "state = ACTIVE or state = ARCHIVED (reviewers, "
                           "admins)");
  stories_list->add_option("--page-size", story_list.page_size, "1 to 1000")
      ->check(CLI::Range(1, 1000));
  stories_list->add_option("--page-token", story_list.page_token,
                           "From the previous page");
  stories_list->add_flag("--all", story_list.all, "Follow every page to the end");

  std::string story_update_name;
  StoryRaw story_update_raw;
  CLI::App* stories_update = stories->add_subcommand(
      "update", "Change the fields given, and only those (reviewer or admin)");
  stories_update
      ->add_option("name", story_update_name, "organizations/ORG/stories/ID")
      ->required();
  const StoryOptions story_update_options =
      add_story_options(stories_update, story_update_raw, /*update=*/true);

  std::string story_archive_name, story_archive_request_id;
  CLI::App* stories_archive = stories->add_subcommand(
      "archive", "Archive a story (reviewer or admin)");
  stories_archive
      ->add_option("name", story_archive_name, "organizations/ORG/stories/ID")
      ->required();
  stories_archive->add_option("--request-id", story_archive_request_id,
                              "Makes a retry return the first answer");

  // rules
  CLI::App* rules =
      app.add_subcommand("rules", "The organization's transparency rules");
  rules->require_subcommand(1);

  RulesPublishOptions rules_publish_options;
  CLI::App* rules_publish = rules->add_subcommand(
      "publish",
      "Publish a ruleset written in protobuf text format (admin); it judges "
      "every post from now on");
  rules_publish
      ->add_option("parent", rules_publish_options.parent,
                   "organizations/ID, or just ID")
      ->required();
  rules_publish
      ->add_option("file", rules_publish_options.file,
                   "A candor.transparency.v1.Ruleset in text format (see "
                   "deploy/rulesets/default.textpb); - for stdin")
      ->required();
  rules_publish->add_option("--request-id", rules_publish_options.request_id,
                            "Makes a retry return the first answer");

  std::string rules_show_parent;
  CLI::App* rules_show = rules->add_subcommand(
      "show", "Show the ruleset that judges posts now");
  rules_show
      ->add_option("parent", rules_show_parent, "organizations/ID, or just ID")
      ->required();

  RulesListOptions rules_list_options;
  CLI::App* rules_list =
      rules->add_subcommand("list", "List rulesets, newest first");
  rules_list
      ->add_option("parent", rules_list_options.parent,
                   "organizations/ID, or just ID")
      ->required();
  rules_list->add_option("--page-size", rules_list_options.page_size, "1 to 1000")
      ->check(CLI::Range(1, 1000));
  rules_list->add_option("--page-token", rules_list_options.page_token,
                         "From the previous page");
  rules_list->add_flag("--all", rules_list_options.all,
                       "Follow every page to the end");

  RulesCheckOptions rules_check_options;
  CLI::App* rules_check = rules->add_subcommand(
      "check",
      "Dry run: how the current rules judge a text (stores nothing; exit 0 "
      "whatever the outcome)");
  rules_check
      ->add_option("parent", rules_check_options.parent,
                   "organizations/ID, or just ID")
      ->required();
  rules_check
      ->add_option("--network", rules_check_options.network,
                   "linkedin, x, facebook, instagram or mastodon")
      ->required();
  rules_check->add_option("--text", rules_check_options.text,
                          "The text as it would be published")
      ->required();
  rules_check->add_option("--link", rules_check_options.link_url,
                          "The post's link, an https URL");
  rules_check->add_option("--author", rules_check_options.author,
                          "Staff id or name (default: the token's subject)");

  // posts
  CLI::App* posts = app.add_subcommand("posts", "Your posts");
  posts->require_subcommand(1);

  struct PostRaw {
    std::string network, text, link, story, etag;
    std::vector<std::string> values;
    bool clear_values = false;
  };
  struct PostOptions {
    CLI::Option *network, *text, *link, *story, *values, *etag;
  };
  const auto add_post_options = [](CLI::App* command, PostRaw& raw,
                                   bool update) {
    PostOptions options{};
    options.network = command->add_option(
        "--network", raw.network,
        "linkedin, x, facebook, instagram or mastodon");
    options.text = command->add_option("--text", raw.text,
                                       "Your own words, as published");
    options.link =
        command->add_option("--link", raw.link, "A link, an https URL");
    options.story = command->add_option(
        "--story", raw.story,
        update ? "The story it draws on, by id or name; \"\" removes it"
               : "The story it draws on, by id or name");
    options.values = AddRepeatable(
        command, "--value", raw.values,
        update ? "Sets the values it speaks to, by id or name (repeatable)"
               : "A value it speaks to, by id or name (repeatable)");
    if (update) {
      command->add_flag("--clear-values", raw.clear_values,
                        "Remove every value")
          ->excludes(options.values);
      options.etag = command->add_option(
          "--etag", raw.etag, "Refuse the change if the post changed since");
    }
    return options;
  };
  const auto post_flags = [](const PostRaw& raw, const PostOptions& options) {
    PostFlags flags;
    flags.network = IfGiven(options.network, raw.network);
    flags.text = IfGiven(options.text, raw.text);
    flags.link_url = IfGiven(options.link, raw.link);
    flags.story = IfGiven(options.story, raw.story);
    if (options.values->count() > 0 || raw.clear_values) {
      flags.values = raw.values;
    }
    if (options.etag != nullptr) flags.etag = IfGiven(options.etag, raw.etag);
    return flags;
  };

  PostCreateOptions post_create;
  PostRaw post_create_raw;
  CLI::App* posts_create = posts->add_subcommand(
      "create", "Write a DRAFT post as yourself (submit it to publish)");
  posts_create
      ->add_option("parent", post_create.parent, "organizations/ID, or just ID")
      ->required();
  const PostOptions post_create_options =
      add_post_options(posts_create, post_create_raw, /*update=*/false);
  post_create_options.network->required();
  post_create_options.text->required();
  posts_create->add_option("--request-id", post_create.request_id,
                           "Makes a retry return the first answer");

  std::string post_get_name;
  CLI::App* posts_get = posts->add_subcommand(
      "get", "Show a post and the decision on it, rule by rule");
  posts_get->add_option("name", post_get_name, "organizations/ORG/posts/ID")
      ->required();

  PostListOptions post_list;
  CLI::App* posts_list = posts->add_subcommand(
      "list", "List posts, newest first (yours, and colleagues' approved)");
  posts_list
      ->add_option("parent", post_list.parent, "organizations/ID, or just ID")
      ->required();
  posts_list->add_option(
      "--filter", post_list.filter,
      "e.g. 'state = IN_REVIEW AND author = \"organizations/x/staffMembers/y\"'");
  posts_list->add_option("--page-size", post_list.page_size, "1 to 1000")
      ->check(CLI::Range(1, 1000));
  posts_list->add_option("--page-token", post_list.page_token,
                         "From the previous page");
  posts_list->add_flag("--all", post_list.all, "Follow every page to the end");

  std::string post_update_name;
  PostRaw post_update_raw;
  CLI::App* posts_update = posts->add_subcommand(
      "update",
      "Change a DRAFT or REJECTED post: the fields given, and only those");
  posts_update
      ->add_option("name", post_update_name, "organizations/ORG/posts/ID")
      ->required();
  const PostOptions post_update_options =
      add_post_options(posts_update, post_update_raw, /*update=*/true);

  std::string post_delete_name;
  CLI::App* posts_delete =
      posts->add_subcommand("delete", "Delete a DRAFT post");
  posts_delete
      ->add_option("name", post_delete_name, "organizations/ORG/posts/ID")
      ->required();

  std::string post_submit_name, post_submit_request_id;
  CLI::App* posts_submit = posts->add_subcommand(
      "submit",
      "Submit a DRAFT post: the published rules judge it (exit 0 whatever "
      "the decision)");
  posts_submit
      ->add_option("name", post_submit_name, "organizations/ORG/posts/ID")
      ->required();
  posts_submit->add_option("--request-id", post_submit_request_id,
                           "Makes a retry return the first answer");

  std::string post_withdraw_name;
  CLI::App* posts_withdraw = posts->add_subcommand(
      "withdraw", "Withdraw an IN_REVIEW or APPROVED post");
  posts_withdraw
      ->add_option("name", post_withdraw_name, "organizations/ORG/posts/ID")
      ->required();

  std::string post_appeal_name, post_appeal_reason;
  CLI::App* posts_appeal = posts->add_subcommand(
      "appeal", "Ask a reviewer to look again at a REJECTED post");
  posts_appeal
      ->add_option("name", post_appeal_name, "organizations/ORG/posts/ID")
      ->required();
  posts_appeal
      ->add_option("--reason", post_appeal_reason,
                   "Why, at most 2000 characters")
      ->required();

  // review
  CLI::App* review =
      app.add_subcommand("review", "Posts a rule sent to a reviewer");
  review->require_subcommand(1);

  PostListOptions review_list_options;
  CLI::App* review_list = review->add_subcommand(
      "list", "List the posts IN_REVIEW, with the rules that failed");
  review_list
      ->add_option("parent", review_list_options.parent,
                   "organizations/ID, or just ID")
      ->required();
  review_list->add_option("--filter", review_list_options.filter,
                          "More conditions, e.g. 'author = \"...\"'");
  review_list->add_option("--page-size", review_list_options.page_size,
                          "1 to 1000")
      ->check(CLI::Range(1, 1000));
  review_list->add_option("--page-token", review_list_options.page_token,
                          "From the previous page");
  review_list->add_flag("--all", review_list_options.all,
                        "Follow every page to the end");

  std::string review_approve_name, review_approve_note;
  CLI::App* review_approve = review->add_subcommand(
      "approve", "Approve a post IN_REVIEW (reviewer; never your own)");
  review_approve
      ->add_option("name", review_approve_name, "organizations/ORG/posts/ID")
      ->required();
  review_approve->add_option("--note", review_approve_note,
                             "Shown to the author, at most 2000 characters");

  std::string review_reject_name, review_reject_note;
  std::vector<std::string> review_reject_rules;
  CLI::App* review_reject = review->add_subcommand(
      "reject", "Reject a post IN_REVIEW, citing the rules you apply");
  review_reject
      ->add_option("name", review_reject_name, "organizations/ORG/posts/ID")
      ->required();
  AddRepeatable(review_reject, "--rule", review_reject_rules,
                "Id of a rule of the published ruleset (repeatable)")
      ->required();
  review_reject->add_option("--note", review_reject_note,
                            "Shown to the author, at most 2000 characters");

  // audit
  CLI::App* audit = app.add_subcommand(
      "audit", "The organization's tamper-evident audit log");
  audit->require_subcommand(1);

  AuditListOptions audit_list_options;
  CLI::App* audit_list =
      audit->add_subcommand("list", "List audit entries in sequence order");
  audit_list
      ->add_option("parent", audit_list_options.parent,
                   "organizations/ID, or just ID")
      ->required();
  audit_list->add_option("--page-size", audit_list_options.page_size,
                         "1 to 1000")
      ->check(CLI::Range(1, 1000));
  audit_list->add_option("--page-token", audit_list_options.page_token,
                         "From the previous page");
  audit_list->add_flag("--all", audit_list_options.all,
                       "Follow every page to the end");

  std::string audit_verify_parent;
  CLI::App* audit_verify = audit->add_subcommand(
      "verify", "Recompute the hash chain (exit 1 when an entry does not match)");
  audit_verify
      ->add_option("parent", audit_verify_parent,
                   "organizations/ID, or just ID")
      ->required();
  audit_verify->footer(
      "Backups of a local deployment: deploy/local/backup [FILE] while candord\n"
      "serves; deploy/local/restore FILE into a fresh CANDOR_VAR, then\n"
      "deploy/local/up and `candorctl audit verify ORG` for every organization\n"
      "(README, \"Backup and restore\").");

  // report
  std::string report_parent;
  struct {
    std::string since, start, end;
  } report_raw;
  CLI::App* report = app.add_subcommand(
      "report", "The transparency report: decisions by verdict and by rule");
  report->add_option("parent", report_parent, "organizations/ID, or just ID")
      ->required();
  CLI::Option* report_since_opt = report->add_option(
      "--since", report_raw.since, "The last DURATION, e.g. 30d (default 30d)");
  CLI::Option* report_start_opt = report->add_option(
      "--start", report_raw.start, "From, RFC 3339: 2025-01-01T00:00:00Z");
  CLI::Option* report_end_opt = report->add_option(
      "--end", report_raw.end, "Until, RFC 3339 (default: now)");
  report_since_opt->excludes(report_start_opt)->excludes(report_end_opt);

  // engagement report
  CLI::App* engagement =
      app.add_subcommand("engagement", "What advocacy brings: engagement");
  engagement->require_subcommand(1);
  EngagementReportOptions engagement_report_options;
  std::string engagement_output;
  CLI::App* engagement_report = engagement->add_subcommand(
      "report",
      "The organization's engagement totals and leaderboard; with --by, one "
      "row per post or staff member (admin)");
  engagement_report
      ->add_option("parent", engagement_report_options.parent,
                   "organizations/ID, or just ID")
      ->required();
  engagement_report
      ->add_option("--since", engagement_report_options.since,
                   "The last DURATION, e.g. 30d, 12h")
      ->capture_default_str();
  CLI::Option* engagement_output_opt = engagement_report->add_option(
      "-o,--output", engagement_output,
      "csv, json or table (default: the global --output)");
  engagement_report
      ->add_option("--by", engagement_report_options.by,
                   "post or staff: a row per post or per author, found "
                   "through the organization's shares")
      ->check(CLI::IsMember({"post", "staff"}));
  engagement_report
      ->add_option("--leaderboard-limit",
                   engagement_report_options.leaderboard_limit, "1 to 100")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  engagement_report
      ->add_option("--max-subjects", engagement_report_options.max_subjects,
                   "With --by: at most this many rows (one call each)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  engagement_report
      ->add_option("--max-shares", engagement_report_options.max_shares,
                   "With --by: read at most this many shares, newest first")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();

  // shares
  CLI::App* shares = app.add_subcommand(
      "shares", "Approved posts as published, with tracking links");
  shares->require_subcommand(1);
  ShareCreateOptions share_create;
  CLI::App* shares_create = shares->add_subcommand(
      "create", "Record that you published your APPROVED post");
  shares_create
      ->add_option("post", share_create.post, "organizations/ORG/posts/ID")
      ->required();
  shares_create
      ->add_option("--network", share_create.network,
                   "linkedin, x, facebook, instagram or mastodon")
      ->required();
  shares_create
      ->add_option("--text", share_create.text, "The text as published")
      ->required();
  shares_create->add_option("--external-url", share_create.external_url,
                            "The published item's own https URL");
  shares_create->add_option("--request-id", share_create.request_id,
                            "Makes a retry return the first answer");
  std::string share_get_name;
  CLI::App* shares_get = shares->add_subcommand("get", "Show a share");
  shares_get->add_option("name", share_get_name, "organizations/ORG/shares/ID")
      ->required();
  ShareListOptions share_list;
  CLI::App* shares_list =
      shares->add_subcommand("list", "List shares, newest first");
  shares_list
      ->add_option("parent", share_list.parent, "organizations/ID, or just ID")
      ->required();
  shares_list->add_option("--filter", share_list.filter,
                          "e.g. 'state = NONCOMPLIANT AND author = "
                          "\"organizations/x/staffMembers/y\"'");
  shares_list->add_option("--page-size", share_list.page_size, "1 to 1000")
      ->check(CLI::Range(1, 1000));
  shares_list->add_option("--page-token", share_list.page_token,
                          "From the previous page");
  shares_list->add_flag("--all", share_list.all,
                        "Follow every page to the end");

  // notifications
  CLI::App* notifications =
      app.add_subcommand("notifications", "Your notifications");
  notifications->require_subcommand(1);
  NotificationListOptions notification_list;
  CLI::App* notifications_list = notifications->add_subcommand(
      "list", "List your notifications, newest first");
  notifications_list
      ->add_option("parent", notification_list.parent,
                   "Your staff name, organizations/ORG/staffMembers/ID")
      ->required();
  notifications_list->add_flag("--unread", notification_list.unread,
                               "Only those not read yet");
  notifications_list
      ->add_option("--page-size", notification_list.page_size, "1 to 1000")
      ->check(CLI::Range(1, 1000));
  notifications_list->add_option("--page-token", notification_list.page_token,
                                 "From the previous page");
  notifications_list->add_flag("--all", notification_list.all,
                               "Follow every page to the end");
  NotificationWatchOptions notification_watch;
  CLI::App* notifications_watch = notifications->add_subcommand(
      "watch",
      "Print your notifications as they arrive, until Ctrl-C or --for");
  notifications_watch
      ->add_option("parent", notification_watch.parent,
                   "Your staff name, organizations/ORG/staffMembers/ID")
      ->required();
  notifications_watch->add_option(
      "--resume-token", notification_watch.resume_token,
      "Start after the notification that carried this token");
  notifications_watch->add_option(
      "--for", notification_watch.for_duration,
      "Stop (exit 0) after this long, e.g. 30s, 5m");

  // leaderboard
  CLI::App* leaderboard = app.add_subcommand(
      "leaderboard", "The leaderboard of staff who opted in, and opting in");
  LeaderboardOptions leaderboard_options;
  leaderboard->add_option("parent", leaderboard_options.parent,
                          "organizations/ID, or just ID");
  leaderboard->add_option("--since", leaderboard_options.since,
                          "The last DURATION (default: the server's, 30d)");
  leaderboard->add_option("--limit", leaderboard_options.limit, "1 to 100")
      ->check(CLI::Range(1, 100));
  std::string leaderboard_join_name;
  CLI::App* leaderboard_join = leaderboard->add_subcommand(
      "join", "Appear on the leaderboard (yourself only)");
  leaderboard_join
      ->add_option("staff", leaderboard_join_name,
                   "Your staff name, organizations/ORG/staffMembers/ID")
      ->required();
  std::string leaderboard_leave_name;
  CLI::App* leaderboard_leave = leaderboard->add_subcommand(
      "leave", "Leave the leaderboard (yourself only)");
  leaderboard_leave
      ->add_option("staff", leaderboard_leave_name,
                   "Your staff name, organizations/ORG/staffMembers/ID")
      ->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  global.output = output == "json" ? OutputFormat::kJson : OutputFormat::kTable;

  if (token_mint->parsed()) return RunTokenMint(mint);
  if (health->parsed()) return RunHealth(global, health_service);
  if (org_create->parsed()) return RunOrgCreate(global, org_create_options);
  if (org_get->parsed()) return RunOrgGet(global, org_get_name);
  if (staff_create->parsed()) return RunStaffCreate(global, create);
  if (staff_get->parsed()) return RunStaffGet(global, staff_get_name);
  if (staff_list->parsed()) return RunStaffList(global, list);
  if (staff_update->parsed()) {
    update.employee_id = IfGiven(employee_id_opt, raw.employee_id);
    update.display_name = IfGiven(display_name_opt, raw.display_name);
    update.email = IfGiven(email_opt, raw.email);
    update.department = IfGiven(department_opt, raw.department);
    update.title = IfGiven(title_opt, raw.title);
    update.location = IfGiven(location_opt, raw.location);
    update.manager = IfGiven(manager_opt, raw.manager);
    if (roles_opt->count() > 0) update.roles = raw.roles;
    update.bio = IfGiven(bio_opt, raw.bio);
    update.consent = IfGiven(consent_opt, raw.consent);
    if (social_opt->count() > 0) update.social_accounts = raw.social_accounts;
    if (raw.clear_social) update.social_accounts.emplace();
    update.etag = IfGiven(etag_opt, raw.etag);
    return RunStaffUpdate(global, update_name, update);
  }
  if (staff_deactivate->parsed()) return RunStaffDeactivate(global, deactivate);
  if (staff_export->parsed()) return RunStaffExport(global, staff_export_options);
  if (staff_erase->parsed()) return RunStaffErase(global, staff_erase_options);
  if (staff_import->parsed()) return RunStaffImport(global, import);
  if (values_create->parsed()) return RunValueCreate(global, value_create);
  if (values_get->parsed()) return RunValueGet(global, value_get_name);
  if (values_list->parsed()) return RunValueList(global, value_list);
  if (values_update->parsed()) {
    ValueUpdateFlags flags;
    flags.title = IfGiven(value_title_opt, value_raw.title);
    flags.statement = IfGiven(value_statement_opt, value_raw.statement);
    flags.etag = IfGiven(value_etag_opt, value_raw.etag);
    return RunValueUpdate(global, value_update_name, flags);
  }
  if (values_retire->parsed()) {
    return RunValueRetire(global, value_retire_name, value_retire_request_id);
  }
  if (values_history->parsed()) return RunValueHistory(global, value_history);
  if (values_feedback->parsed()) {
    return RunValueFeedbackList(global, value_feedback);
  }
  if (values_endorse->parsed()) {
    return RunValueEndorse(global, value_endorse_name);
  }
  if (values_unendorse->parsed()) {
    return RunValueUnendorse(global, value_unendorse_name);
  }
  if (values_give_feedback->parsed()) {
    return RunValueGiveFeedback(global, give_feedback);
  }
  if (stories_create->parsed()) {
    story_create.flags = story_flags(story_create_raw, story_create_options);
    return RunStoryCreate(global, story_create);
  }
  if (stories_get->parsed()) return RunStoryGet(global, story_get_name);
  if (stories_list->parsed()) return RunStoryList(global, story_list);
  if (stories_update->parsed()) {
    return RunStoryUpdate(global, story_update_name,
                          story_flags(story_update_raw, story_update_options));
  }
  if (stories_archive->parsed()) {
    return RunStoryArchive(global, story_archive_name,
                           story_archive_request_id);
  }
  if (rules_publish->parsed()) {
    return RunRulesPublish(global, rules_publish_options);
  }
  if (rules_show->parsed()) return RunRulesShow(global, rules_show_parent);
  if (rules_list->parsed()) return RunRulesList(global, rules_list_options);
  if (rules_check->parsed()) return RunRulesCheck(global, rules_check_options);
  if (posts_create->parsed()) {
    post_create.flags = post_flags(post_create_raw, post_create_options);
    return RunPostCreate(global, post_create);
  }
  if (posts_get->parsed()) return RunPostGet(global, post_get_name);
  if (posts_list->parsed()) return RunPostList(global, post_list);
  if (posts_update->parsed()) {
    return RunPostUpdate(global, post_update_name,
                         post_flags(post_update_raw, post_update_options));
  }
  if (posts_delete->parsed()) return RunPostDelete(global, post_delete_name);
  if (posts_submit->parsed()) {
    return RunPostSubmit(global, post_submit_name, post_submit_request_id);
  }
  if (posts_withdraw->parsed()) {
    return RunPostWithdraw(global, post_withdraw_name);
  }
  if (posts_appeal->parsed()) {
    return RunPostAppeal(global, post_appeal_name, post_appeal_reason);
  }
  if (review_list->parsed()) return RunReviewList(global, review_list_options);
  if (review_approve->parsed()) {
    return RunReviewApprove(global, review_approve_name, review_approve_note);
  }
  if (review_reject->parsed()) {
    return RunReviewReject(global, review_reject_name, review_reject_rules,
                           review_reject_note);
  }
  if (audit_list->parsed()) return RunAuditList(global, audit_list_options);
  if (audit_verify->parsed()) return RunAuditVerify(global, audit_verify_parent);
  if (report->parsed()) {
    ReportRange range;
    range.since = IfGiven(report_since_opt, report_raw.since);
    range.start = IfGiven(report_start_opt, report_raw.start);
    range.end = IfGiven(report_end_opt, report_raw.end);
    return RunReport(global, report_parent, range);
  }
  if (engagement_report->parsed()) {
    engagement_report_options.output =
        IfGiven(engagement_output_opt, engagement_output);
    return RunEngagementReport(global, engagement_report_options);
  }
  if (shares_create->parsed()) return RunShareCreate(global, share_create);
  if (shares_get->parsed()) return RunShareGet(global, share_get_name);
  if (shares_list->parsed()) return RunShareList(global, share_list);
  if (notifications_list->parsed()) {
    return RunNotificationList(global, notification_list);
  }
  if (notifications_watch->parsed()) {
    return RunNotificationWatch(global, notification_watch);
  }
  if (leaderboard_join->parsed()) {
    return RunLeaderboardParticipation(global, leaderboard_join_name, true);
  }
  if (leaderboard_leave->parsed()) {
    return RunLeaderboardParticipation(global, leaderboard_leave_name, false);
  }
  if (leaderboard->parsed()) {
    if (leaderboard_options.parent.empty()) {
      std::cerr << "candorctl: leaderboard: PARENT is required (or join|leave "
                   "STAFF_NAME)\n";
      return kExitUsage;
    }
    return RunLeaderboard(global, leaderboard_options);
  }
  // require_subcommand makes this unreachable.
  std::cerr << app.help();
  return kExitUsage;
}

}  // namespace
}  // namespace candor::cli

// candorctl explains a failed call itself (DescribeCallError); gRPC's own
// log lines ("Handshake failed with fatal error ...") would only add noise
// before that. GRPC_VERBOSITY brings them back for debugging.
static void IgnoreGrpcLog(gpr_log_func_args* /*args*/) {}

int main(int argc, char** argv) {
  if (std::getenv("GRPC_VERBOSITY") == nullptr) {
    gpr_set_log_function(IgnoreGrpcLog);
  }
  return candor::cli::Main(argc, argv);
}
