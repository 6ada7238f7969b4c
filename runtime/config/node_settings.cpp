// pando-node's configuration schema. Each key is declared once below with its
// type, default, whether it is required and its validator; loading collects
// every problem (unknown keys, wrong types, bad values, missing keys) before
// it reports, so an operator fixes a file in one pass. A cross-field pass
// (`check`) runs after the per-key pass.

#include "runtime/config/node_settings.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "runtime/config/defaults.hpp"

namespace pando::runtime {

// -- addresses ----------------------------------------------------------------

std::string address::to_string() const {
  if (host.find(':') != std::string::npos)
    return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

namespace {

bool valid_hostname(const std::string& host) {
  if (host.empty() || host.size() > 253)
    return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'
           || c == '_';
  });
}

} // namespace

std::optional<address> parse_address(const std::string& text,
                                     std::string& why) {
  address result;
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size()
        || text[close + 1] != ':') {
      why = "expected [ipv6]:port, got '" + text + "'";
      return std::nullopt;
    }
    result.host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
    if (result.host.empty()
        || result.host.find_first_not_of("0123456789abcdefABCDEF:.")
             != std::string::npos) {
      why = "'" + result.host + "' is not an IPv6 address";
      return std::nullopt;
    }
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos) {
      why = "expected host:port, got '" + text + "'";
      return std::nullopt;
    }
    result.host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (!valid_hostname(result.host)) {
      why = "'" + result.host + "' is not a valid host name or address";
      return std::nullopt;
    }
  }
  if (port_text.empty() || port_text.size() > 5
      || port_text.find_first_not_of("0123456789") != std::string::npos) {
    why = "port '" + port_text + "' is not a number";
    return std::nullopt;
  }
  auto port = std::stoul(port_text);
  if (port == 0 || port > 65535) {
    why = "port " + port_text + " is out of range 1..65535";
    return std::nullopt;
  }
  result.port = static_cast<std::uint16_t>(port);
  return result;
}

namespace {

// -- option declarations ------------------------------------------------------

/// Converts one YAML value into a setting; returns an error text or nothing.
using apply_fn = std::function<std::optional<std::string>(const YAML::Node&,
                                                          node_settings&)>;

struct option {
  std::string key;
  std::string type;
  std::string default_text; ///< YAML text of the default; empty = none
  bool required;
  std::string description;
  apply_fn apply;
};

template<class T>
using field = std::function<T&(node_settings&)>;

std::optional<std::string> scalar_text(const YAML::Node& n, std::string& out) {
  if (!n.IsScalar())
    return std::string{"expected a scalar value"};
  out = n.Scalar();
  return std::nullopt;
}

using check_fn = std::function<std::optional<std::string>(const std::string&)>;

apply_fn string_value(field<std::string> f, check_fn check = nullptr) {
  return [f, check](const YAML::Node& n, node_settings& s) {
    std::string text;
    if (auto err = scalar_text(n, text))
      return err;
    if (check)
      if (auto err = check(text))
        return err;
    f(s) = text;
    return std::optional<std::string>{};
  };
}

apply_fn uint_value(field<std::uint32_t> f, std::uint64_t min,
                    std::uint64_t max) {
  return [f, min, max](const YAML::Node& n, node_settings& s) {
    std::string text;
    if (auto err = scalar_text(n, text))
      return err;
    if (text.empty() || text.size() > 10
        || text.find_first_not_of("0123456789") != std::string::npos)
      return std::optional<std::string>{"expected an integer, got '" + text
                                        + "'"};
    auto x = std::stoull(text);
    if (x < min || x > max)
      return std::optional<std::string>{text + " is out of range "
                                        + std::to_string(min) + ".."
                                        + std::to_string(max)};
    f(s) = static_cast<std::uint32_t>(x);
    return std::optional<std::string>{};
  };
}

apply_fn bool_value(field<bool> f) {
  return [f](const YAML::Node& n, node_settings& s) {
    std::string text;
    if (auto err = scalar_text(n, text))
      return err;
    if (text == "true" || text == "false") {
      f(s) = text == "true";
      return std::optional<std::string>{};
    }
    return std::optional<std::string>{"expected true or false, got '" + text
                                      + "'"};
  };
}

apply_fn address_value(field<address> f) {
  return [f](const YAML::Node& n, node_settings& s) {
    std::string text;
    if (auto err = scalar_text(n, text))
      return err;
    std::string why;
    auto addr = parse_address(text, why);
    if (!addr)
      return std::optional<std::string>{why};
    f(s) = *addr;
    return std::optional<std::string>{};
  };
}

apply_fn address_list_value(field<std::vector<address>> f) {
  return [f](const YAML::Node& n, node_settings& s) {
    if (!n.IsSequence())
      return std::optional<std::string>{
        "expected a list of host:port addresses"};
    std::vector<address> xs;
    for (std::size_t i = 0; i < n.size(); ++i) {
      std::string text;
      if (auto err = scalar_text(n[i], text))
        return std::optional<std::string>{"entry " + std::to_string(i) + ": "
                                          + *err};
      std::string why;
      auto addr = parse_address(text, why);
      if (!addr)
        return std::optional<std::string>{"entry " + std::to_string(i) + ": "
                                          + why};
      xs.push_back(*addr);
    }
    f(s) = std::move(xs);
    return std::optional<std::string>{};
  };
}

check_fn one_of(std::vector<std::string> choices) {
  return [choices](const std::string& x) -> std::optional<std::string> {
    if (std::find(choices.begin(), choices.end(), x) != choices.end())
      return std::nullopt;
    std::string all;
    for (const auto& c : choices)
      all += (all.empty() ? "" : ", ") + c;
    return "'" + x + "' is not one of: " + all;
  };
}

std::optional<std::string> check_node_name(const std::string& x) {
  if (x.empty() || x.size() > 63)
    return "must be 1 to 63 characters";
  auto ok = std::all_of(x.begin(), x.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c))
           || std::isdigit(static_cast<unsigned char>(c)) || c == '-'
           || c == '_' || c == '.';
  });
  if (!ok)
    return "'" + x + "' may contain only a-z, 0-9, '-', '_' and '.'";
  return std::nullopt;
}

std::optional<std::string> check_non_empty(const std::string& x) {
  if (x.empty())
    return "must not be empty";
  return std::nullopt;
}

std::optional<std::string> check_admin_token(const std::string& x) {
  if (x.size() < 16)
    return "must be at least 16 characters (it guards the admin API)";
  return std::nullopt;
}

std::optional<std::string> check_key_secret(const std::string& x) {
  if (x.size() != 16 && x.size() != 24 && x.size() != 32)
    return "must be 16, 24 or 32 characters (the AES-128/192/256 key of "
           "pando's key format), got "
           + std::to_string(x.size());
  return std::nullopt;
}

std::optional<std::string> check_advertise(const std::string& x) {
  std::string why;
  if (!parse_address(x, why))
    return why;
  return std::nullopt;
}

const std::vector<option>& options() {
  namespace d = defaults;
  using s = node_settings;
  static const std::vector<option> xs{
    {"node.name", "string", "", true,
     "Unique name of this node in the cluster (a-z, 0-9, '-', '_', '.').",
     string_value(
       [](s & x) -> auto& { return x.node.name; }, check_node_name)},
    {"node.data_dir", "path", "", true,
     "Directory of this node's RocksDB store and lock file; created if its "
     "parent exists.",
     string_value(
       [](s & x) -> auto& { return x.node.data_dir; }, check_non_empty)},
    {"cluster.listen", "address", d::cluster::listen, false,
     "Address for traffic between nodes.",
     address_value([](s & x) -> auto& { return x.cluster.listen; })},
    {"cluster.seeds", "address list", "[]", false,
     "Nodes to contact when joining a cluster; empty = start a new cluster.",
     address_list_value([](s & x) -> auto& { return x.cluster.seeds; })},
    {"cluster.shards", "integer", std::to_string(d::cluster::shards), false,
     "Number of shards (fixed for the life of a cluster).",
     uint_value(
       [](s & x) -> auto& { return x.cluster.shards; }, 1, 65536)},
    {"cluster.replication_factor", "integer",
     std::to_string(d::cluster::replication_factor), false,
     "Copies of each shard (owner plus followers), capped by cluster size.",
     uint_value(
       [](s & x) -> auto& { return x.cluster.replication_factor; }, 1, 7)},
    {"cluster.tls_cert", "path", "", false,
     "PEM certificate this node presents to the others (with cluster.tls_key "
     "and cluster.tls_ca: traffic between nodes uses TLS, and only nodes "
     "whose certificate cluster.tls_ca signed are let in).",
     string_value([](s & x) -> auto& { return x.cluster.tls_cert; })},
    {"cluster.tls_key", "path", "", false,
     "PEM private key of cluster.tls_cert.",
     string_value([](s & x) -> auto& { return x.cluster.tls_key; })},
    {"cluster.tls_ca", "path", "", false,
     "PEM file of the CA(s) whose certificates other nodes must present.",
     string_value([](s & x) -> auto& { return x.cluster.tls_ca; })},
    {"cluster.move_batch", "count", std::to_string(d::cluster::move_batch),
     false,
     "Shards whose placement changes per rebalancing step (the controller's "
     "setting applies).",
     uint_value(
       [](s & x) -> auto& { return x.cluster.move_batch; }, 1, 65536)},
    {"cluster.move_interval_ms", "milliseconds",
     std::to_string(d::cluster::move_interval_ms), false,
     "Pause between rebalancing steps.",
     uint_value(
       [](s & x) -> auto& { return x.cluster.move_interval_ms; }, 10, 600000)},
    {"cluster.copy_chunk_bytes", "bytes",
     std::to_string(d::cluster::copy_chunk_bytes), false,
     "Records per message when a node copies a shard it gained (a shard is "
     "streamed in chunks of about this size).",
     uint_value(
       [](s & x) -> auto& { return x.cluster.copy_chunk_bytes; }, 256,
       64 * 1024 * 1024)},
    {"mqtt.listen", "address", d::mqtt::listen, false,
     "Plain-TCP MQTT listener for devices.",
     address_value([](s & x) -> auto& { return x.mqtt.listen; })},
    {"mqtt.tls_listen", "address", "", false,
     "TLS MQTT listener (needs mqtt.tls_cert and mqtt.tls_key).",
     address_value(
       [](s& x) -> address& { return x.mqtt.tls.listen.emplace(); })},
    {"mqtt.tls_cert", "path", "", false,
     "PEM certificate of the MQTT TLS listener.",
     string_value([](s & x) -> auto& { return x.mqtt.tls.cert_file; })},
    {"mqtt.tls_key", "path", "", false,
     "PEM private key of the MQTT TLS listener.",
     string_value([](s & x) -> auto& { return x.mqtt.tls.key_file; })},
    {"mqtt.advertise", "address", "", false,
     "MQTT address given to devices at login (default: mqtt.tls_listen if "
     "set, else mqtt.listen).",
     string_value(
       [](s & x) -> auto& { return x.mqtt.advertise; }, check_advertise)},
    {"mqtt.max_packet_size", "bytes", std::to_string(d::mqtt::max_packet_size),
     false, "Largest MQTT packet accepted; a larger one closes the connection.",
     uint_value(
       [](s & x) -> auto& { return x.mqtt.max_packet_size; }, 64, 268435455)},
    {"mqtt.connect_timeout_ms", "milliseconds",
     std::to_string(d::mqtt::connect_timeout_ms), false,
     "Time a new connection has to send CONNECT.",
     uint_value(
       [](s & x) -> auto& { return x.mqtt.connect_timeout_ms; }, 100, 600000)},
    {"mqtt.max_keepalive_s", "seconds",
     std::to_string(d::mqtt::max_keepalive_s), false,
     "Keepalive cap; also applied when a client asks for 0 (none).",
     uint_value(
       [](s & x) -> auto& { return x.mqtt.max_keepalive_s; }, 0, 65535)},
    {"mqtt.max_inflight", "count", std::to_string(d::mqtt::max_inflight), false,
     "Unacknowledged QoS 1 messages per session towards a device.",
     uint_value(
       [](s & x) -> auto& { return x.mqtt.max_inflight; }, 1, 65535)},
    {"mqtt.session_expiry_s", "seconds",
     std::to_string(d::mqtt::session_expiry_s), false,
     "How long a persistent session (clean session 0) outlives its "
     "connection.",
     uint_value(
       [](s & x) -> auto& { return x.mqtt.session_expiry_s; }, 0, 31536000)},
    {"mqtt.max_outbound_bytes", "bytes",
     std::to_string(d::mqtt::max_outbound_bytes), false,
     "Unsent bytes buffered per connection; a client that reads slower is "
     "disconnected.",
     uint_value(
       [](s & x) -> auto& { return x.mqtt.max_outbound_bytes; }, 1024,
       1073741824)},
    {"http.listen", "address", d::http::listen, false,
     "HTTP listener: device API, application API, admin API, /healthz, "
     "/metrics.",
     address_value([](s & x) -> auto& { return x.http.listen; })},
    {"http.tls_listen", "address", "", false,
     "HTTPS listener (needs http.tls_cert and http.tls_key).",
     address_value(
       [](s& x) -> address& { return x.http.tls.listen.emplace(); })},
    {"http.tls_cert", "path", "", false,
     "PEM certificate of the HTTPS listener.",
     string_value([](s & x) -> auto& { return x.http.tls.cert_file; })},
    {"http.tls_key", "path", "", false,
     "PEM private key of the HTTPS listener.",
     string_value([](s & x) -> auto& { return x.http.tls.key_file; })},
    {"http.advertise", "address", "", false,
     "HTTP address other nodes and tools are told (default: http.listen).",
     string_value(
       [](s & x) -> auto& { return x.http.advertise; }, check_advertise)},
    {"http.max_body_bytes", "bytes", std::to_string(d::http::max_body_bytes),
     false, "Largest request body accepted (413 above).",
     uint_value(
       [](s & x) -> auto& { return x.http.max_body_bytes; }, 1024, 268435456)},
    {"http.threads", "count", std::to_string(d::http::threads), false,
     "Threads serving HTTP requests.",
     uint_value(
       [](s & x) -> auto& { return x.http.threads; }, 1, 256)},
    {"security.admin_token", "string", "", true,
     "Bearer token of the admin API (at least 16 characters).",
     string_value(
       [](s & x) -> auto& { return x.security.admin_token; },
       check_admin_token)},
    {"security.key_secret", "string", "", true,
     "AES key (16, 24 or 32 characters) of pando's vendor/product/app/device "
     "key format; must be the same on every node and never change.",
     string_value(
       [](s & x) -> auto& { return x.security.key_secret; }, check_key_secret)},
    {"log.level", "enum", d::log::level, false,
     "trace, debug, info, warn, error, critical or off.",
     string_value(
       [](s & x) -> auto& { return x.log.level; },
       one_of({"trace", "debug", "info", "warn", "error", "critical", "off"}))},
    {"log.format", "enum", d::log::format, false,
     "text (human readable) or json (one JSON object per line).",
     string_value(
       [](s & x) -> auto& { return x.log.format; }, one_of({"text", "json"}))},
    {"runtime.threads", "count", "0", false,
     "Actor worker threads; 0 = one per core.",
     uint_value(
       [](s & x) -> auto& { return x.runtime.threads; }, 0, 256)},
    {"storage.sync", "bool", d::storage::sync ? "true" : "false", false,
     "fsync the write-ahead log before acknowledging a write.",
     bool_value([](s & x) -> auto& { return x.storage.sync; })},
    {"storage.block_cache_mb", "megabytes",
     std::to_string(d::storage::block_cache_mb), false,
     "RocksDB block cache size.",
     uint_value(
       [](s & x) -> auto& { return x.storage.block_cache_mb; }, 1, 65536)},
    {"storage.history_retention_h", "hours",
     std::to_string(d::storage::history_retention_h), false,
     "Status reports and events older than this are deleted; 0 keeps them "
     "forever.",
     uint_value(
       [](s & x) -> auto& { return x.storage.history_retention_h; }, 0,
       876000)},
    {"webhooks.workers", "count", std::to_string(d::webhooks::workers), false,
     "Threads posting webhooks to application servers.",
     uint_value(
       [](s & x) -> auto& { return x.webhooks.workers; }, 1, 256)},
    {"webhooks.max_queue", "count", std::to_string(d::webhooks::max_queue),
     false,
     "Webhook deliveries queued or waiting to retry; beyond it reports stay "
     "in the outbox until there is room.",
     uint_value(
       [](s & x) -> auto& { return x.webhooks.max_queue; }, 1, 10000000)},
    {"webhooks.timeout_ms", "milliseconds",
     std::to_string(d::webhooks::timeout_ms), false,
     "Connect, send and receive timeout of one webhook POST.",
     uint_value(
       [](s & x) -> auto& { return x.webhooks.timeout_ms; }, 100, 600000)},
    {"webhooks.max_attempts", "count",
     std::to_string(d::webhooks::max_attempts), false,
     "Attempts per webhook (exponential backoff from 1 s, at most 60 s) "
     "before it is dropped and counted as failed.",
     uint_value(
       [](s & x) -> auto& { return x.webhooks.max_attempts; }, 1, 100)},
    {"webhooks.tls_verify", "bool", "true", false,
     "Verify the certificates of https:// report URLs.",
     bool_value([](s & x) -> auto& { return x.webhooks.tls_verify; })},
    {"webhooks.ca_file", "path", "", false,
     "PEM file of the CAs that sign report URL certificates (default: the "
     "system's).",
     string_value([](s & x) -> auto& { return x.webhooks.ca_file; })},
  };
  return xs;
}

} // namespace

namespace {

// -- loading ------------------------------------------------------------------

const option* find_option(const std::string& key) {
  for (const auto& opt : options())
    if (opt.key == key)
      return &opt;
  return nullptr;
}

bool is_section(const std::string& key) {
  auto prefix = key + ".";
  return std::any_of(options().begin(), options().end(), [&](const auto& o) {
    return o.key.compare(0, prefix.size(), prefix) == 0;
  });
}

/// Flattens `node` into dotted keys; reports keys that are neither options
/// nor sections.
void flatten(const YAML::Node& node, const std::string& prefix,
             std::map<std::string, YAML::Node>& out,
             std::vector<config_problem>& problems) {
  for (const auto& kv : node) {
    if (!kv.first.IsScalar()) {
      problems.push_back(
        {prefix.empty() ? "(top level)" : prefix, "keys must be plain names"});
      continue;
    }
    auto key
      = prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar();
    if (find_option(key)) {
      out[key] = kv.second;
    } else if (is_section(key)) {
      if (kv.second.IsMap())
        flatten(kv.second, key, out, problems);
      else if (!kv.second.IsNull())
        problems.push_back({key, "expected a section (a map of keys)"});
    } else {
      problems.push_back({key, "unknown key"});
    }
  }
}

/// Applies "key=value" overrides on top of the flattened file.
void apply_overrides(const std::vector<std::string>& overrides,
                     std::map<std::string, YAML::Node>& values,
                     std::vector<config_problem>& problems) {
  for (const auto& item : overrides) {
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      problems.push_back({item, "--set expects key=value"});
      continue;
    }
    auto key = item.substr(0, eq);
    auto text = item.substr(eq + 1);
    if (!find_option(key)) {
      problems.push_back({key, "unknown key (in --set)"});
      continue;
    }
    try {
      // A value that is not valid YAML is taken as a plain string.
      auto parsed = YAML::Load(text);
      values[key]
        = parsed.IsNull() && !text.empty() ? YAML::Node{text} : parsed;
    } catch (const YAML::Exception&) {
      values[key] = YAML::Node{text};
    }
  }
}

void check_tls(const char* section, tls_settings& tls,
               std::vector<config_problem>& problems) {
  auto sec = std::string{section};
  auto set = tls.listen || !tls.cert_file.empty() || !tls.key_file.empty();
  if (!set)
    return;
  if (!tls.listen)
    problems.push_back(
      {sec + ".tls_listen",
       "required when " + sec + ".tls_cert or " + sec + ".tls_key is set"});
  for (auto [name, path] : {std::pair{".tls_cert", &tls.cert_file},
                            std::pair{".tls_key", &tls.key_file}}) {
    if (path->empty())
      problems.push_back(
        {sec + name, "required when " + sec + ".tls_listen is set"});
    else if (!std::filesystem::is_regular_file(*path))
      problems.push_back({sec + name, "file '" + *path + "' does not exist"});
  }
}

/// Cluster TLS takes all three files or none.
void check_cluster_tls(const node_settings& s,
                       std::vector<config_problem>& problems) {
  const auto& c = s.cluster;
  auto files = {std::pair{"cluster.tls_cert", &c.tls_cert},
                std::pair{"cluster.tls_key", &c.tls_key},
                std::pair{"cluster.tls_ca", &c.tls_ca}};
  auto any = !c.tls_cert.empty() || !c.tls_key.empty() || !c.tls_ca.empty();
  if (!any)
    return;
  for (auto [name, path] : files) {
    if (path->empty())
      problems.push_back(
        {name, "required when any of cluster.tls_cert, cluster.tls_key, "
               "cluster.tls_ca is set"});
    else if (!std::filesystem::is_regular_file(*path))
      problems.push_back({name, "file '" + *path + "' does not exist"});
  }
}

/// Cross-field rules that no single key can check alone.
void check(node_settings& s, std::vector<config_problem>& problems) {
  check_cluster_tls(s, problems);
  check_tls("mqtt", s.mqtt.tls, problems);
  check_tls("http", s.http.tls, problems);
  if (s.mqtt.advertise.empty())
    s.mqtt.advertise
      = (s.mqtt.tls.listen ? *s.mqtt.tls.listen : s.mqtt.listen).to_string();
  if (s.http.advertise.empty())
    s.http.advertise = s.http.listen.to_string();
  std::map<std::string, std::string> used; // address -> key
  auto claim = [&](const std::string& key, const address& a) {
    auto [it, fresh] = used.emplace(a.to_string(), key);
    if (!fresh)
      problems.push_back({key, "address " + a.to_string()
                                 + " is already used by " + it->second});
  };
  claim("cluster.listen", s.cluster.listen);
  claim("mqtt.listen", s.mqtt.listen);
  if (s.mqtt.tls.listen)
    claim("mqtt.tls_listen", *s.mqtt.tls.listen);
  claim("http.listen", s.http.listen);
  if (s.http.tls.listen)
    claim("http.tls_listen", *s.http.tls.listen);
}

config_load_result load(const YAML::Node& root,
                        const std::vector<std::string>& overrides) {
  config_load_result result;
  auto& problems = result.problems;
  std::map<std::string, YAML::Node> values;
  if (root.IsMap())
    flatten(root, "", values, problems);
  else if (!root.IsNull())
    problems.push_back({"(top level)", "expected a map of sections"});
  apply_overrides(overrides, values, problems);
  node_settings s;
  for (const auto& opt : options()) {
    auto i = values.find(opt.key);
    YAML::Node value;
    if (i != values.end() && !i->second.IsNull())
      value = i->second;
    else if (opt.required)
      problems.push_back({opt.key, "missing required key"});
    else if (!opt.default_text.empty())
      value = YAML::Load(opt.default_text);
    if (value.IsDefined() && !value.IsNull())
      if (auto err = opt.apply(value, s))
        problems.push_back({opt.key, *err});
  }
  if (problems.empty())
    check(s, problems);
  if (problems.empty())
    result.settings = std::move(s);
  return result;
}

} // namespace

config_load_result
load_node_settings_from_string(const std::string& yaml,
                               const std::vector<std::string>& overrides) {
  try {
    return load(YAML::Load(yaml), overrides);
  } catch (const YAML::Exception& e) {
    config_load_result result;
    result.problems.push_back({"(yaml)", e.what()});
    return result;
  }
}

config_load_result
load_node_settings(const std::string& file,
                   const std::vector<std::string>& overrides) {
  if (file.empty())
    return load(YAML::Node{}, overrides);
  try {
    return load(YAML::LoadFile(file), overrides);
  } catch (const YAML::BadFile&) {
    config_load_result result;
    result.problems.push_back({"--config", "cannot read file '" + file + "'"});
    return result;
  } catch (const YAML::Exception& e) {
    config_load_result result;
    result.problems.push_back({"(yaml)", file + ": " + e.what()});
    return result;
  }
}

std::string describe_node_settings() {
  std::ostringstream out;
  for (const auto& opt : options()) {
    out << "  " << opt.key << " (" << opt.type;
    if (opt.required)
      out << ", required";
    else if (!opt.default_text.empty())
      out << ", default " << opt.default_text;
    out << ")\n      " << opt.description << "\n";
  }
  return out.str();
}

} // namespace pando::runtime
