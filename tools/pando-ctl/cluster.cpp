// `pando-ctl nodes|shards|locate|top|drain`: the cluster as the node behind
// --url sees it, through /admin/v1/cluster/... Any member answers for the
// whole cluster.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "tools/pando-ctl/command.hpp"
#include "tools/pando-ctl/failure.hpp"
#include "tools/pando-ctl/format.hpp"
#include "tools/pando-ctl/table.hpp"

namespace pando::ctl {

namespace {

using json = nlohmann::json;

/// Throws `exit_api_error` unless `ok`: the answer `what` is not the JSON
/// `type` (an array, an object) the route promises.
void expect(bool ok, const std::string& what, const char* type) {
  if (!ok)
    throw failure(exit_api_error, "unexpected reply from the node: " + what
                                    + " is not " + type);
}

/// Returns a message rate: one decimal below 1000 per second, whole above.
std::string format_rate(double x) {
  return format_number(x < 1000 ? std::round(x * 10) / 10 : std::round(x));
}

/// Returns `obj[key]` formatted by `fmt` when it is a number, else `-`.
std::string figure(const json& obj, const char* key,
                   std::string (*fmt)(double)) {
  auto i = obj.find(key);
  return i != obj.end() && i->is_number() ? fmt(i->get<double>()) : "-";
}

/// Returns `obj[key]` when it is a number, else 0.
double number(const json& obj, const char* key) {
  auto i = obj.find(key);
  return i != obj.end() && i->is_number() ? i->get<double>() : 0.0;
}

/// Returns the names in the JSON array `xs` joined by `, `, or `-`.
std::string joined(const json& xs) {
  if (!xs.is_array() || xs.empty())
    return "-";
  std::string out;
  for (const auto& x : xs)
    out += (out.empty() ? "" : ", ") + cell(x);
  return out;
}

// -- nodes --------------------------------------------------------------------

/// Returns whether node `n` of a `cluster/nodes` answer is unreachable.
/// Other statuses than `up` and `unreachable` count as reachable.
bool is_down(const json& n) {
  return !n.is_object() || cell(n, "status") == "unreachable";
}

/// Returns the answer of `GET cluster/nodes`, checked to be an array.
json fetch_nodes(session& s) {
  auto nodes = s.api.get("cluster/nodes");
  expect(nodes.is_array(), "the node list", "a JSON array");
  return nodes;
}

/// Prints the `nodes` table. The load figures of an unreachable node are
/// unknown and print as `-`; its shard counts come from the placement.
void print_nodes(const json& nodes, std::ostream& out) {
  table t{{"NAME", "STATUS", "MQTT", "HTTP", "UPTIME", "OWNED", "FOLLOWED",
           "ACTORS", "CONNS", "IN/S", "OUT/S", "MEMORY"}};
  for (const auto& n : nodes) {
    if (!n.is_object())
      continue;
    auto down = is_down(n);
    auto live = [&](const char* key, std::string (*fmt)(double)) {
      return down ? std::string{"-"} : figure(n, key, fmt);
    };
    t.add_row({cell(n, "name"), cell(n, "status"), cell(n, "mqtt"),
               cell(n, "http"), live("uptime_s", format_duration),
               figure(n, "shards_owned", format_number),
               figure(n, "shards_followed", format_number),
               live("device_actors", format_number),
               live("connections", format_number),
               live("messages_in_per_s", format_rate),
               live("messages_out_per_s", format_rate),
               live("resident_bytes", format_bytes)});
  }
  t.print(out);
}

/// Returns the names of the unreachable nodes in `nodes`.
std::vector<std::string> down_nodes(const json& nodes) {
  std::vector<std::string> out;
  for (const auto& n : nodes)
    if (is_down(n))
      out.push_back(cell(n, "name"));
  return out;
}

void show_nodes(session& s) {
  auto nodes = fetch_nodes(s);
  if (s.json)
    print_json(s, nodes);
  else
    print_nodes(nodes, s.out);
  auto down = down_nodes(nodes);
  if (down.size() == 1)
    throw failure(exit_api_error, "node " + down[0] + " is unreachable");
  if (down.size() > 1) {
    std::string names;
    for (const auto& name : down)
      names += (names.empty() ? "" : ", ") + name;
    throw failure(exit_api_error, std::to_string(down.size())
                                    + " nodes are unreachable: " + names);
  }
}

// -- shards -------------------------------------------------------------------

void print_shards(session& s, const json& v, bool with_table) {
  print_fields(s.out, {
                        {"epoch", cell(v, "epoch")},
                        {"shards", cell(v, "shards")},
                        {"replication factor", cell(v, "replication_factor")},
                        {"controller", cell(v, "controller")},
                        {"replicas still copying", cell(v, "replicas_syncing")},
                        {"shards unavailable", cell(v, "shards_unavailable")},
                      });
  auto shards = number(v, "shards");
  table members{
    {"NAME", "UP", "CLUSTER", "OWNED", "FOLLOWED", "COPYING", "SHARE"}};
  for (const auto& m : v.value("members", json::array())) {
    std::string share = "-";
    if (shards > 0 && m.contains("shards_owned")) {
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.1f%%",
                    100.0 * number(m, "shards_owned") / shards);
      share = buf;
    }
    members.add_row({cell(m, "name"), m.value("up", false) ? "yes" : "no",
                     cell(m, "cluster"), cell(m, "shards_owned"),
                     cell(m, "shards_followed"), cell(m, "shards_syncing"),
                     share});
  }
  s.out << '\n';
  members.print(s.out);
  if (!with_table)
    return;
  table placement{{"SHARD", "OWNER", "FOLLOWERS", "COPYING"}};
  auto rows = v.value("table", json::array());
  auto copying = v.value("syncing", json::array());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& replicas = rows[i];
    auto followers = json::array();
    if (replicas.is_array())
      for (std::size_t j = 1; j < replicas.size(); ++j)
        followers.push_back(replicas[j]);
    placement.add_row(
      {std::to_string(i),
       replicas.is_array() && !replicas.empty() ? cell(replicas[0]) : "-",
       joined(followers),
       i < copying.size() && !copying[i].empty() ? joined(copying[i]) : "-"});
  }
  s.out << '\n';
  placement.print(s.out);
}

void show_shards(session& s, bool with_table) {
  auto v
    = s.api.get(with_table ? "cluster/shards?table=true" : "cluster/shards");
  expect(v.is_object(), "the shard view", "a JSON object");
  if (s.json)
    return print_json(s, v);
  print_shards(s, v, with_table);
}

// -- locate -------------------------------------------------------------------

void locate(session& s, const std::string& identifier) {
  if (identifier.empty())
    throw failure(exit_usage, "IDENTIFIER must not be empty");
  auto loc = s.api.get("cluster/locate/" + url_encode(identifier));
  expect(loc.is_object(), "the location", "a JSON object");
  if (s.json)
    return print_json(s, loc);
  auto online = loc.value("online", false);
  print_fields(
    s.out,
    {
      {"identifier", cell(loc, "identifier")},
      {"device id", cell(loc, "device_id")},
      {"shard", cell(loc, "shard")},
      {"epoch", cell(loc, "epoch")},
      {"owner", cell(loc, "owner")},
      {"followers", joined(loc.value("followers", json::array()))},
      {"registered", loc.value("registered", false) ? "yes" : "no"},
      {"online", online ? "yes, on node " + cell(loc, "session_node") : "no"},
    });
}

// -- top ----------------------------------------------------------------------

/// The flags of `top`.
struct top_options {
  double interval_s = 2;
  std::uint64_t count = 0;
};

/// Set by SIGINT; `top` polls it.
volatile std::sig_atomic_t interrupted = 0;

extern "C" void on_sigint(int) { interrupted = 1; }

/// Routes SIGINT to `on_sigint` while alive. The handler resets itself
/// (SA_RESETHAND), so a second Ctrl-C ends pando-ctl at once even while a
/// request is waiting for its --timeout.
class sigint_guard {
 public:
  sigint_guard() {
    interrupted = 0;
    struct sigaction sa {};
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, &old_);
  }

  ~sigint_guard() { sigaction(SIGINT, &old_, nullptr); }

  sigint_guard(const sigint_guard&) = delete;
  sigint_guard& operator=(const sigint_guard&) = delete;

 private:
  struct sigaction old_ {};
};

/// Returns the current time in Unix milliseconds.
std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch())
    .count();
}

/// Prints the line above each `top` snapshot: time, node URL and totals.
void print_top_header(session& s, const std::string& when, const json& nodes) {
  double conns = 0, in = 0, out = 0;
  std::size_t down = 0;
  for (const auto& n : nodes) {
    if (is_down(n)) {
      ++down;
      continue;
    }
    conns += number(n, "connections");
    in += number(n, "messages_in_per_s");
    out += number(n, "messages_out_per_s");
  }
  s.out << when << "  " << s.api.url() << "  " << count_of(nodes.size(), "node")
        << (down > 0 ? " (" + std::to_string(down) + " unreachable)" : "")
        << "  connections " << format_number(conns) << "  in/s "
        << format_rate(in) << "  out/s " << format_rate(out) << '\n';
}

/// Sleeps until `deadline` or Ctrl-C, in steps of at most 100 ms.
void sleep_until(std::chrono::steady_clock::time_point deadline) {
  using namespace std::chrono;
  while (!interrupted) {
    auto left = deadline - steady_clock::now();
    if (left <= steady_clock::duration::zero())
      return;
    std::this_thread::sleep_for(std::min<steady_clock::duration>(left, 100ms));
  }
}

/// Runs `top`: a snapshot every `interval_s` until `count` snapshots or
/// Ctrl-C. A failing snapshot prints its error to stderr and the loop goes
/// on, except for usage errors, for node errors before the first good
/// snapshot (wrong token, a node without the route), and when it is the
/// last one (`--count`): then it ends pando-ctl with its exit status.
void top(session& s, const top_options& o) {
  using namespace std::chrono;
  sigint_guard guard;
  auto tty = &s.out == &std::cout && isatty(STDOUT_FILENO) == 1;
  auto period
    = duration_cast<steady_clock::duration>(duration<double>{o.interval_s});
  auto good = false;
  auto printed = false;
  for (std::uint64_t i = 0; !interrupted && (o.count == 0 || i < o.count);
       ++i) {
    auto start = steady_clock::now();
    auto last = o.count != 0 && i + 1 == o.count;
    auto when = format_time_ms(now_ms());
    json nodes;
    std::string problem;
    try {
      nodes = fetch_nodes(s);
    } catch (const failure& f) {
      if (interrupted)
        break;
      if (f.status() == exit_usage || (f.status() == exit_api_error && !good)
          || last)
        throw;
      problem = f.what();
    } catch (const std::exception& e) {
      if (interrupted)
        break;
      if (!good || last)
        throw;
      problem = std::string{"unexpected reply from the node: "} + e.what();
    }
    if (interrupted)
      break;
    if (!problem.empty()) {
      // In a terminal the screen shows when the node went missing.
      if (tty && !s.json)
        s.out << "\x1b[H\x1b[2J" << when << "  " << s.api.url() << '\n';
      s.out.flush();
      std::cerr << "pando-ctl: top: " << when << ": " << problem << std::endl;
    } else if (s.json) {
      good = true;
      s.out << nodes.dump(-1, ' ', false, json::error_handler_t::replace)
            << std::endl;
    } else {
      good = true;
      if (tty)
        s.out << "\x1b[H\x1b[2J";
      else if (printed)
        s.out << '\n';
      printed = true;
      print_top_header(s, when, nodes);
      s.out << '\n';
      print_nodes(nodes, s.out);
      s.out.flush();
    }
    if (!last)
      sleep_until(start + period);
  }
}

// -- drain --------------------------------------------------------------------

void drain(session& s, const std::string& node) {
  if (node.empty())
    throw failure(exit_usage, "NODE must not be empty");
  auto answer = s.api.post("cluster/nodes/" + url_encode(node) + "/drain",
                           json::object());
  // 204 without a body: nothing to show but that the node accepted.
  if (answer.is_null())
    answer = json{{"node", node}, {"requested", true}};
  expect(answer.is_object(), "the drain answer", "a JSON object");
  if (s.json)
    return print_json(s, answer);
  field_list fields;
  for (const auto& [key, value] : answer.items()) {
    auto label = printable(key);
    std::replace(label.begin(), label.end(), '_', ' ');
    fields.emplace_back(label, cell(value));
  }
  print_fields(s.out, fields);
}

} // namespace

void add_cluster_commands(CLI::App& root, command_list& out) {
  auto* nodes = root.add_subcommand(
    "nodes", "List the cluster's nodes with their load (exit 1 if any node is "
             "unreachable)");
  out.push_back({nodes, show_nodes});

  auto with_table = std::make_shared<bool>(false);
  auto* shards = root.add_subcommand(
    "shards", "Show the shard placement: epoch, controller, shares per member");
  shards->add_flag("--table", *with_table,
                   "Also list every shard with its owner and followers");
  out.push_back(
    {shards, [with_table](session& s) { show_shards(s, *with_table); }});

  auto identifier = std::make_shared<std::string>();
  auto* loc = root.add_subcommand(
    "locate",
    "Show which shard and nodes hold a device, and where it is online");
  loc
    ->add_option("IDENTIFIER", *identifier,
                 "Device identifier: hex vendor id, hex product id and device "
                 "code, e.g. 64-64-ffaf4fffeeaa")
    ->required();
  out.push_back({loc, [identifier](session& s) { locate(s, *identifier); }});

  auto o = std::make_shared<top_options>();
  auto* t = root.add_subcommand(
    "top", "Redraw the nodes table every few seconds until Ctrl-C");
  t->add_option("--interval", o->interval_s, "Seconds between snapshots")
    ->check(CLI::Range(0.1, 86400.0))
    ->capture_default_str();
  t->add_option("--count", o->count,
                "Stop after this many snapshots (0: until Ctrl-C)")
    ->check(CLI::Validator(
      [](std::string& x) -> std::string {
        if (x.empty() || x.size() > 18
            || x.find_first_not_of("0123456789") != std::string::npos)
          return "'" + x + "' is not a count (a number from 0)";
        return {};
      },
      "N"))
    ->capture_default_str();
  out.push_back({t, [o](session& s) { top(s, *o); }});

  auto node = std::make_shared<std::string>();
  auto* d = root.add_subcommand(
    "drain", "Ask the cluster to move a node's shards away before it stops");
  d->add_option("NODE", *node, "Node name, as `pando-ctl nodes` lists it")
    ->required();
  out.push_back({d, [node](session& s) { drain(s, *node); }});
}

} // namespace pando::ctl
