// `pando-ctl app ...`: applications call the application API with their key
// and may see the devices of their domain (spec 2.5).

#include <memory>

#include <CLI/CLI.hpp>

#include "tools/pando-ctl/entity.hpp"
#include "tools/pando-ctl/format.hpp"

namespace pando::ctl {

namespace {

/// The flags of `app add`.
struct app_add_options {
  std::string name;
  std::string domain;
  std::string report_url;
  std::string token;
  std::string description;
};

nlohmann::json body_of(const app_add_options& o) {
  nlohmann::json body{{"name", o.name}, {"domain", o.domain}};
  if (!o.report_url.empty())
    body["report_url"] = o.report_url;
  if (!o.token.empty())
    body["token"] = o.token;
  if (!o.description.empty())
    body["description"] = o.description;
  return body;
}

void add_app_add(CLI::App& parent, command_list& out) {
  auto o = std::make_shared<app_add_options>();
  auto* sub = parent.add_subcommand("add", "Create an application and print "
                                           "it (with its key and token)");
  sub->add_option("--name", o->name, "Application name (1-200 characters)")
    ->required();
  sub
    ->add_option("--domain", o->domain,
                 "Devices it may reach: *, vendor/ID or product/ID")
    ->required();
  sub->add_option("--report-url", o->report_url,
                  "http(s):// URL receiving the webhook reports");
  sub->add_option("--token,--app-token", o->token,
                  "The application's own token (default: generated). The "
                  "admin token goes before `app` or in PANDO_ADMIN_TOKEN");
  sub->add_option("--description", o->description, "Free text");
  out.push_back(
    {sub, [o](session& s) { create_entity(s, app_kind(), body_of(*o)); }});
}

void app_fields(const nlohmann::json& x, field_list& out) {
  out.emplace_back("domain", cell(x, "domain"));
  out.emplace_back("report url", cell(x, "report_url"));
  out.emplace_back("token", cell(x, "token"));
}

} // namespace

const entity_kind& app_kind() {
  static const entity_kind kind{
    "app",
    "applications",
    {{"DOMAIN", [](const auto& x) { return cell(x, "domain"); }},
     {"REPORT URL", [](const auto& x) { return cell(x, "report_url"); }}},
    app_fields,
    {}};
  return kind;
}

void add_app_commands(CLI::App& root, command_list& out) {
  auto* app = root.add_subcommand("app", "Manage applications");
  app->require_subcommand(1);
  add_app_add(*app, out);
  add_entity_commands(*app, app_kind(), out);
}

} // namespace pando::ctl
