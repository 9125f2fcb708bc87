// `skydir import ORG FILE.ldif [--connect-ldap]` and `skydir export ORG`.
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "app/cli.h"
#include "app/cli_json.h"
#include "app/export.h"

namespace skydir::app {
namespace {

struct ImportArgs {
  std::string org;
  std::string file;  // "-" for stdin
  bool connect_ldap = false;
};

void PrintProblems(const char* kind, const std::vector<service::ImportProblem>& problems) {
  for (const auto& p : problems) {
    std::cout << kind << " line " << p.line << ": " << p.dn << ": " << p.reason << "\n";
  }
}

int Import(Context& ctx, const ImportArgs& a) {
  service::Admin* admin = ctx.OpenAdmin();
  if (admin == nullptr) return 1;
  auto org = admin->ResolveOrg(a.org);
  if (!org.ok()) return Fail(org.status());
  std::ifstream file;
  std::istream* in = &std::cin;
  if (a.file != "-") {
    file.open(a.file, std::ios::binary);
    if (!file) return Fail("cannot open " + a.file);
    in = &file;
  }
  service::ImportOptions options;
  options.connect_ldap = a.connect_ldap;
  auto started = std::chrono::steady_clock::now();
  auto seconds = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  auto progress = [&](const service::ImportProgress& p) {
    std::cerr << "skydir: import: " << p.entries << " entries read (" << p.users << " users, "
              << p.groups << " groups) in " << static_cast<int64_t>(seconds()) << "s\n";
  };
  auto report = admin->ImportLdif(org->id, *in, options, progress);
  if (!report.ok()) return Fail("import of " + a.file + " failed, nothing was written: " +
                                report.status().message());
  const service::ImportReport& r = *report;
  if (ctx.json) {
    boost::json::object out = ImportReportJson(r);
    out["org_id"] = org->id;
    out["seconds"] = seconds();
    PrintJson(out);
    return 0;
  }
  int64_t skipped = 0;
  for (const auto& [reason, count] : r.skipped) skipped += count;
  std::cout << "imported " << r.entries << " entries into " << org->name << " (" << org->id
            << ") in " << seconds() << "s\n"
            << "users:  " << r.users_created << " created, " << r.users_updated << " updated, "
            << r.users_unchanged << " unchanged\n"
            << "groups: " << r.groups_created << " created, " << r.groups_updated << " updated, "
            << r.groups_unchanged << " unchanged; " << r.memberships_added
            << " memberships added\n"
            << "skipped: " << skipped << "\n";
  for (const auto& [reason, count] : r.skipped) {
    std::cout << "  " << count << " x " << reason << "\n";
  }
  std::cout << "refused: " << r.refused.size() << "\n";
  PrintProblems("refused", r.refused);
  PrintProblems("warning", r.warnings);
  return 0;
}

}  // namespace

void AddImportExportCommands(CLI::App& app, Context& ctx, Action& action) {
  auto a = std::make_shared<ImportArgs>();
  CLI::App* import = app.add_subcommand(
      "import", "import users and groups from LDIF (OpenLDAP or another directory)");
  import->add_option("ORG", a->org, "organization id or name")->required();
  import->add_option("FILE", a->file, "LDIF file, or - for stdin")->required();
  import->add_flag("--connect-ldap", a->connect_ldap,
                   "connect every imported user and group to the org's LDAP directory");
  import->callback([&ctx, &action, a] { action = [&ctx, a] { return Import(ctx, *a); }; });

  auto org = std::make_shared<std::string>();
  CLI::App* exp = app.add_subcommand("export", "write an organization as LDIF on stdout");
  exp->add_option("ORG", *org, "organization id or name")->required();
  exp->callback([&ctx, &action, org] {
    action = [&ctx, org] {
      // Accept a name like every other command; RunExport itself takes the id.
      service::Admin* admin = ctx.OpenAdmin();
      if (admin == nullptr) return 1;
      auto resolved = admin->ResolveOrg(*org);
      if (!resolved.ok()) return Fail(resolved.status());
      return RunExport(*ctx.LoadConfig(), resolved->id, std::cout);
    };
  });
}

}  // namespace skydir::app
