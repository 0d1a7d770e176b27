// candorctl: the Candor command line for HR administrators.
//
// This file only reads the command line (CLI11) and hands over to the
// command in commands.cc. Exit codes: 0 done, 1 a call failed or the server
// refused, 2 the command line or an input file is wrong.
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "clients/cli/commands.h"

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
      "candorctl: manage organizations and staff on a Candor server.\n"
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
               "Connect with TLS, trusting the system's root certificates");

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
  if (staff_import->parsed()) return RunStaffImport(global, import);
  // require_subcommand makes this unreachable.
  std::cerr << app.help();
  return kExitUsage;
}

}  // namespace
}  // namespace candor::cli

int main(int argc, char** argv) { return candor::cli::Main(argc, argv); }
