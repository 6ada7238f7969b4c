// `pando-ctl key rotate KIND ID`: replaces an entity's key; the old key
// stops working at once (devices registered with a product key keep their
// own device keys).

#include <memory>

#include <CLI/CLI.hpp>

#include "tools/pando-ctl/entity.hpp"

namespace pando::ctl {

namespace {

/// The arguments of `key rotate`.
struct rotate_options {
  std::string kind;
  std::int64_t id = 0;
};

const entity_kind& kind_named(const std::string& noun) {
  if (noun == "vendor")
    return vendor_kind();
  if (noun == "product")
    return product_kind();
  return app_kind();
}

} // namespace

void add_key_commands(CLI::App& root, command_list& out) {
  auto* key = root.add_subcommand("key", "Manage entity keys");
  key->require_subcommand(1);
  auto o = std::make_shared<rotate_options>();
  auto* rotate = key->add_subcommand(
    "rotate", "Give a vendor, product or application a new key and print it");
  rotate->add_option("KIND", o->kind, "vendor, product or app")
    ->required()
    ->check(CLI::IsMember({"vendor", "product", "app"}));
  add_id_option(*rotate, "ID", o->id, "The entity's numeric id");
  out.push_back({rotate, [o](session& s) {
                   const auto& kind = kind_named(o->kind);
                   auto path = entity_path(kind, o->id) + "/key";
                   print_entity(s, kind,
                                s.api.post(path, nlohmann::json::object()));
                 }});
}

} // namespace pando::ctl
