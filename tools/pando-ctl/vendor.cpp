// `pando-ctl vendor ...`: vendors own products (spec 2.1).

#include <memory>

#include <CLI/CLI.hpp>

#include "tools/pando-ctl/entity.hpp"

namespace pando::ctl {

namespace {

/// The flags of `vendor add`.
struct vendor_add_options {
  std::string name;
  std::string description;
};

void add_vendor_add(CLI::App& parent, command_list& out) {
  auto o = std::make_shared<vendor_add_options>();
  auto* sub = parent.add_subcommand("add", "Create a vendor and print it");
  sub->add_option("--name", o->name, "Vendor name (1-200 characters)")
    ->required();
  sub->add_option("--description", o->description, "Free text");
  out.push_back({sub, [o](session& s) {
                   nlohmann::json body{{"name", o->name}};
                   if (!o->description.empty())
                     body["description"] = o->description;
                   create_entity(s, vendor_kind(), body);
                 }});
}

} // namespace

const entity_kind& vendor_kind() {
  static const entity_kind kind{"vendor", "vendors", {}, {}, {}};
  return kind;
}

void add_vendor_commands(CLI::App& root, command_list& out) {
  auto* vendor = root.add_subcommand("vendor", "Manage vendors");
  vendor->require_subcommand(1);
  add_vendor_add(*vendor, out);
  add_entity_commands(*vendor, vendor_kind(), out);
}

} // namespace pando::ctl
