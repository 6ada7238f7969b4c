// `pando-ctl product ...`: products carry the config (objects, commands,
// events; spec 2.2) that the platform validates and maps payloads with.

#include <fstream>
#include <memory>
#include <sstream>

#include <CLI/CLI.hpp>

#include "tools/pando-ctl/entity.hpp"
#include "tools/pando-ctl/failure.hpp"
#include "tools/pando-ctl/format.hpp"

namespace pando::ctl {

namespace {

using json = nlohmann::json;

/// The flags of `product add`.
struct product_add_options {
  std::string name;
  std::int64_t vendor = 0;
  std::string config_file;
  std::string description;
};

/// Returns the JSON in `path`; a missing or malformed file is a usage
/// error (nothing is sent). The node checks the config's content.
json read_config(const std::string& path) {
  std::ifstream in{path};
  if (!in)
    throw failure(exit_usage, "--config " + path + ": cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  try {
    return json::parse(text.str());
  } catch (const json::parse_error& e) {
    std::string why = e.what();
    if (auto pos = why.find("] "); pos != std::string::npos)
      why = why.substr(pos + 2);
    throw failure(exit_usage, "--config " + path + ": not JSON: " + why);
  }
}

void add_product_add(CLI::App& parent, command_list& out) {
  auto o = std::make_shared<product_add_options>();
  auto* sub = parent.add_subcommand("add", "Create a product and print it");
  sub->add_option("--name", o->name, "Product name (1-200 characters)")
    ->required();
  add_id_option(*sub, "--vendor", o->vendor,
                "Id of the vendor it belongs to (0: none, for tests)");
  sub
    ->add_option("--config", o->config_file,
                 "JSON file with objects, commands and events")
    ->required();
  sub->add_option("--description", o->description, "Free text");
  out.push_back({sub, [o](session& s) {
                   json body{{"name", o->name},
                             {"vendor_id", o->vendor},
                             {"config", read_config(o->config_file)}};
                   if (!o->description.empty())
                     body["description"] = o->description;
                   create_entity(s, product_kind(), body);
                 }});
}

/// Returns the number of entries in `config[list]`, or 0.
std::size_t size_of(const json& product, const char* list) {
  auto cfg = product.find("config");
  if (cfg == product.end() || !cfg->is_object() || !cfg->contains(list)
      || !(*cfg)[list].is_array())
    return 0;
  return (*cfg)[list].size();
}

/// Returns the number of entries in `config[list]` as text.
std::string count(const json& product, const char* list) {
  return std::to_string(size_of(product, list));
}

/// Returns the name of a value type (spec 2.2), e.g. `uint8`.
std::string type_name(const json& value_type) {
  static const char* names[]
    = {"float64", "float32", "int8",   "int16", "int32",  "int64", "uint8",
       "uint16",  "uint32",  "uint64", "bytes", "string", "bool"};
  if (value_type.is_number_integer()) {
    auto x = value_type.get<std::int64_t>();
    if (x >= 1 && x <= 13)
      return names[x - 1];
  }
  return "type " + cell(value_type);
}

/// Returns the values of one config entry, e.g. `onoff:uint8, uint8`.
std::string values_of(const json& entry, const char* key) {
  std::string out;
  if (!entry.contains(key) || !entry[key].is_array())
    return "-";
  for (const auto& v : entry[key]) {
    out += out.empty() ? "" : ", ";
    if (v.contains("name") && v["name"].is_string()
        && !v["name"].get<std::string>().empty())
      out += printable(v["name"].get<std::string>()) + ":";
    out += type_name(v.value("value_type", json{}));
  }
  return out.empty() ? "-" : out;
}

/// Adds the rows of one config list to `t`.
void add_entries(table& t, const json& cfg, const char* list, const char* kind,
                 const char* name_key, const char* values_key) {
  if (!cfg.contains(list) || !cfg[list].is_array())
    return;
  for (const auto& e : cfg[list])
    t.add_row({kind, cell(e, "part"), cell(e, "no"), cell(e, name_key),
               e.contains("priority") ? cell(e, "priority") : "-",
               values_of(e, values_key)});
}

/// Prints the product's config as one table after the `show` block.
void print_config(const json& product, std::ostream& out) {
  auto cfg = product.value("config", json::object());
  table t{{"ENTRY", "PART", "NO", "NAME", "PRIORITY", "VALUES"}};
  add_entries(t, cfg, "objects", "object", "label", "status");
  add_entries(t, cfg, "commands", "command", "name", "params");
  add_entries(t, cfg, "events", "event", "name", "params");
  if (t.empty())
    return;
  out << "\nconfig:\n";
  t.print(out);
}

void product_fields(const json& x, field_list& out) {
  out.emplace_back("vendor id", cell(x, "vendor_id"));
  out.emplace_back("config", count_of(size_of(x, "objects"), "object") + ", "
                               + count_of(size_of(x, "commands"), "command")
                               + ", "
                               + count_of(size_of(x, "events"), "event"));
}

} // namespace

const entity_kind& product_kind() {
  static const entity_kind kind{
    "product",
    "products",
    {{"VENDOR", [](const json& x) { return cell(x, "vendor_id"); }},
     {"OBJECTS", [](const json& x) { return count(x, "objects"); }},
     {"COMMANDS", [](const json& x) { return count(x, "commands"); }},
     {"EVENTS", [](const json& x) { return count(x, "events"); }}},
    product_fields,
    print_config};
  return kind;
}

void add_product_commands(CLI::App& root, command_list& out) {
  auto* product = root.add_subcommand("product", "Manage products");
  product->require_subcommand(1);
  add_product_add(*product, out);
  add_entity_commands(*product, product_kind(), out);
}

} // namespace pando::ctl
