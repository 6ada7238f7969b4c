#include "actors/registry/registry_rules.hpp"

#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "actors/device/device_record.hpp"
#include "actors/registry/app_domain.hpp"
#include "actors/registry/product_config.hpp"

namespace pando::registry {

namespace {

using json = nlohmann::json;
using check_fn = std::function<std::optional<std::string>(const json&)>;

struct field {
  const char* name;
  bool required;
  check_fn check;
};

check_fn text(std::size_t min, std::size_t max) {
  return [min, max](const json& v) -> std::optional<std::string> {
    if (!v.is_string())
      return "must be a string";
    auto n = v.get_ref<const std::string&>().size();
    if (n < min || n > max)
      return "must have " + std::to_string(min) + " to " + std::to_string(max)
             + " characters";
    return std::nullopt;
  };
}

std::optional<std::string> vendor_ref(const json& v) {
  if (!v.is_number_integer() || v.get<std::int64_t>() < 0)
    return "must be a vendor id (an integer >= 0)";
  return std::nullopt;
}

std::optional<std::string> domain(const json& v) {
  if (!v.is_string())
    return "must be a string";
  // A domain is valid when it decides some device: check it against a
  // well-formed identifier and accept "allowed" or "denied".
  auto res = check_app_domain(v.get<std::string>(), "1-1-x");
  if (res.access == domain_access::error)
    return "'" + v.get<std::string>()
           + "' is not an application domain (use *, vendor/N or product/N)";
  return std::nullopt;
}

std::optional<std::string> url(const json& v) {
  if (!v.is_string())
    return "must be a string";
  const auto& s = v.get_ref<const std::string&>();
  if (s.empty())
    return std::nullopt;
  if (s.rfind("http://", 0) != 0 && s.rfind("https://", 0) != 0)
    return "must be an http:// or https:// URL";
  if (s.size() > 2000)
    return "must have at most 2000 characters";
  return std::nullopt;
}

std::optional<std::string> product_config_field(const json& v) {
  if (!v.is_object())
    return "must be a JSON object (objects, commands, events)";
  auto parsed = product_config_from_json(v);
  if (!parsed.errors.empty()) {
    std::string all;
    for (const auto& e : parsed.errors)
      all += (all.empty() ? "" : "; ") + to_string(e);
    return all;
  }
  return std::nullopt;
}

const std::map<std::string, std::vector<field>>& schemas() {
  static const std::map<std::string, std::vector<field>> xs{
    {"vendor",
     {{"name", true, text(1, 200)}, {"description", false, text(0, 10000)}}},
    {"product",
     {{"name", true, text(1, 200)},
      {"description", false, text(0, 10000)},
      {"vendor_id", false, vendor_ref},
      {"config", false, product_config_field}}},
    {"application",
     {{"name", true, text(1, 200)},
      {"description", false, text(0, 10000)},
      {"domain", true, domain},
      {"report_url", false, url},
      {"token", false, text(1, 200)}}},
  };
  return xs;
}

void fill_defaults(const std::string& kind, json& e) {
  if (!e.contains("description"))
    e["description"] = "";
  if (kind == "product") {
    if (!e.contains("vendor_id"))
      e["vendor_id"] = 0;
    if (!e.contains("config"))
      e["config"] = json{{"objects", json::array()},
                         {"commands", json::array()},
                         {"events", json::array()}};
  } else if (kind == "application") {
    if (!e.contains("report_url"))
      e["report_url"] = "";
    if (!e.contains("token"))
      e["token"] = to_hex(random_bytes(16));
  }
}

} // namespace

bool is_entity_kind(const std::string& kind) {
  return schemas().count(kind) != 0;
}

checked_entity check_entity(const std::string& kind, const json& in,
                            bool creating) {
  checked_entity out;
  out.entity = json::object();
  auto i = schemas().find(kind);
  if (i == schemas().end()) {
    out.error = "unknown kind '" + kind + "'";
    return out;
  }
  std::vector<std::string> problems;
  for (const auto& [k, v] : in.items()) {
    auto f = std::find_if(i->second.begin(), i->second.end(),
                          [&](const field& x) { return k == x.name; });
    if (f == i->second.end()) {
      problems.push_back(k + ": unknown or read-only field");
      continue;
    }
    if (auto err = f->check(v))
      problems.push_back(k + ": " + *err);
    else
      out.entity[k] = v;
  }
  if (creating)
    for (const auto& f : i->second)
      if (f.required && !in.contains(f.name))
        problems.push_back(std::string{f.name} + ": required");
  for (const auto& p : problems)
    out.error += (out.error.empty() ? "" : "; ") + p;
  if (creating && out.error.empty())
    fill_defaults(kind, out.entity);
  return out;
}

} // namespace pando::registry
