#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/pando-ctl/command.hpp"
#include "tools/pando-ctl/table.hpp"

namespace pando::ctl {

/// One column of a `list` table: its title and how to fill it.
struct column {
  std::string title;
  std::function<std::string(const nlohmann::json&)> cell;
};

/// How pando-ctl addresses and shows one registry kind.
///
/// The three kinds share `list`, `show`, `delete` and `key rotate`; a kind
/// only adds its columns, its `show` fields and its `add` flags.
struct entity_kind {
  /// The CLI word: `vendor`, `product` or `app`.
  std::string noun;
  /// The admin API collection: `vendors`, `products`, `applications`.
  std::string collection;
  /// `list` columns between NAME and KEY.
  std::vector<column> columns;
  /// Appends the kind's own `show` fields after name and description.
  std::function<void(const nlohmann::json&, field_list&)> fields;
  /// Prints anything after the `show` block; may be empty.
  std::function<void(const nlohmann::json&, std::ostream&)> details;
};

/// Returns the vendor kind (vendor.cpp).
const entity_kind& vendor_kind();

/// Returns the product kind (product.cpp).
const entity_kind& product_kind();

/// Returns the application kind (app.cpp).
const entity_kind& app_kind();

/// Returns the admin path of entity `id`, e.g. `vendors/3`.
std::string entity_path(const entity_kind& kind, std::int64_t id);

/// Prints `entity` as a `show` block, or as JSON in JSON mode.
void print_entity(session& s, const entity_kind& kind,
                  const nlohmann::json& entity);

/// Adds `<noun> list`, `<noun> show ID` and `<noun> delete ID` to `parent`.
void add_entity_commands(CLI::App& parent, const entity_kind& kind,
                         command_list& out);

/// Adds the option or positional `name` (e.g. `ID`, `--vendor`) taking an
/// entity id: digits only, at most 18 of them (the admin API's limit).
void add_id_option(CLI::App& app, const std::string& name, std::int64_t& id,
                   const std::string& what);

/// Creates an entity of `kind` from `body` and prints it.
void create_entity(session& s, const entity_kind& kind,
                   const nlohmann::json& body);

} // namespace pando::ctl
