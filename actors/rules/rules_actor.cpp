#include "actors/rules/rules_actor.hpp"

#include <ctime>
#include <map>
#include <set>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "actors/metrics/metrics.hpp"
#include "actors/registry/app_domain.hpp"
#include "actors/rules/cron.hpp"
#include "actors/rules/rule.hpp"
#include "actors/type_ids.hpp"
#include "storage/kv_store.hpp"

namespace pando {

namespace {

using json = nlohmann::json;

/// A scheduled timer rule; `generation` invalidates timeouts of older
/// schedules of the same rule.
struct scheduled {
  rules::rule r;
  rules::cron_spec spec;
  std::uint64_t generation = 0;
  /// The minute (Unix seconds) the armed timeout is for: a timeout that
  /// arrives a little early never re-arms the same minute.
  std::int64_t due_s = 0;
};

struct rules_state {
  rules_settings settings;
  caf::actor storage;
  caf::actor registry;
  caf::actor router;
  metrics::registry* metrics = nullptr;
  std::map<std::pair<device_id, std::uint64_t>, scheduled> timers;
  std::uint64_t next_generation = 1;

  static inline const char* name = "pando.rules";
};

using rules_actor = caf::stateful_actor<rules_state>;

void count(rules_actor* self, const std::string& type, bool ok) {
  if (auto* m = self->state.metrics)
    m->get_counter("pando_rule_firings_total",
                   "Rule firings by rule type and result.",
                   {{"type", type}, {"result", ok ? "ok" : "error"}})
      .inc();
}

/// Tells the owner's device actor how a firing went.
void report(rules_actor* self, device_id owner, const rules::rule& r,
            std::string result) {
  count(self, r.type, result == "ok");
  if (result != "ok")
    spdlog::warn("rule {} of device {} failed: {}", r.id, owner.to_hex(),
                 result);
  auto& st = self->state;
  if (!st.router)
    return;
  auto t = st.settings.now_ms();
  self->request(st.router, caf::infinite, route_atom_v, owner)
    .then([self, id = r.id, result = std::move(result), t](caf::actor& dev) {
      self->send(dev, fired_atom_v, id, result, t);
    });
}

std::string render(rules_actor* self, const caf::error& err) {
  if (err.category() == caf::atom("pando")) {
    auto& ctx = err.context();
    if (ctx.size() == 1 && ctx.match_element<std::string>(0))
      return ctx.get_as<std::string>(0);
  }
  return self->system().render(err);
}

/// Sends the compiled action to the target's device actor.
void deliver(rules_actor* self, device_id owner, rules::rule r) {
  auto& st = self->state;
  auto timeout = std::chrono::milliseconds{st.settings.action_timeout_ms};
  auto target = device_id_of(r.target_identifier);
  auto payload = r.payload;
  rules::stamp_timestamp(
    payload, static_cast<std::uint64_t>(st.settings.now_ms() / 1000));
  auto is_command = r.target_kind == "command";
  downstream msg{is_command ? "c" : "s", std::move(payload), 1, 0, true};
  auto on_error = [self, owner, r](caf::error& err) {
    report(self, owner, r, render(self, err));
  };
  self->request(st.router, timeout, route_atom_v, target)
    .then(
      [self, owner, r, msg, timeout, is_command, on_error](caf::actor& dev) {
        if (is_command)
          self->request(dev, timeout, deliver_atom_v, msg, r.ttl_s * 1000)
            .then([self, owner,
                   r](const command_status&) { report(self, owner, r, "ok"); },
                  on_error);
        else
          self->request(dev, timeout, deliver_atom_v, msg)
            .then(
              [self, owner, r](caf::ok_atom) { report(self, owner, r, "ok"); },
              on_error);
      },
      on_error);
}

/// Carries out rule `r`: checks the creating application first.
void fire(rules_actor* self, device_id owner, rules::rule r) {
  auto& st = self->state;
  if (!st.router)
    return report(self, owner, r, "the node is starting");
  auto timeout = std::chrono::milliseconds{st.settings.action_timeout_ms};
  self
    ->request(st.registry, timeout, caf::get_atom_v, std::string{"application"},
              r.app_id)
    .then(
      [self, owner, r](const std::string& app) {
        auto domain = json::parse(app, nullptr, false).value("domain", "");
        auto verdict
          = registry::check_device_domain(domain, r.target_identifier);
        if (verdict.access != registry::domain_access::allowed)
          return report(self, owner, r,
                        "the application may no longer access the target");
        deliver(self, owner, r);
      },
      [self, owner, r](caf::error&) {
        report(self, owner, r, "the application no longer exists");
      });
}

/// Arms the next firing of a timer rule.
void arm(rules_actor* self, device_id owner, scheduled& s) {
  auto now_s = self->state.settings.now_ms() / 1000;
  auto after = std::max(now_s, s.due_s);
  auto next = rules::next_fire(s.spec, after,
                               self->state.settings.utc_offset_minutes(after));
  if (!next)
    return;
  s.due_s = *next;
  s.generation = self->state.next_generation++;
  auto delay
    = std::chrono::milliseconds{*next * 1000 - self->state.settings.now_ms()};
  self->delayed_send(self, std::max(delay, std::chrono::milliseconds{0}),
                     fire_atom_v, owner, s.r.id, s.generation);
}

void update_gauge(rules_actor* self) {
  if (auto* m = self->state.metrics)
    m->get_gauge("pando_rule_timers", "Timer rules scheduled on this node.")
      .set(static_cast<std::int64_t>(self->state.timers.size()));
}

void schedule(rules_actor* self, device_id owner, rules::rule r) {
  auto& timers = self->state.timers;
  auto key = std::pair{owner, r.id};
  auto spec = rules::parse_cron(r.trigger);
  if (r.type != "timer" || !r.enabled || !spec) {
    timers.erase(key);
  } else if (auto it = timers.find(key);
             it != timers.end() && it->second.r.trigger == r.trigger) {
    it->second.r = std::move(r); // a recorded firing: the schedule stands
  } else {
    auto& s = timers[key];
    s.r = std::move(r);
    s.spec = *spec.spec;
    s.due_s = 0;
    arm(self, owner, s);
  }
  update_gauge(self);
}

/// Reads every stored rule (key: device_key_prefix + id hex16) and
/// schedules the timer rules of owned devices; timers of rules that are gone
/// or owned elsewhere now are dropped.
void load(rules_actor* self) {
  self
    ->request(self->state.storage, caf::infinite, scan_atom_v,
              storage::column::rules, std::string{})
    .then(
      [self](const std::vector<std::string>& keys,
             const std::vector<std::string>& values) {
        auto& st = self->state;
        std::set<std::pair<device_id, std::uint64_t>> keep;
        for (std::size_t i = 0; i < keys.size(); ++i) {
          auto owner = device_id::from_hex(keys[i].substr(5, 16));
          auto r = rules::rule_from_json(values[i]);
          if (!owner || !r || (st.settings.owns && !st.settings.owns(*owner)))
            continue;
          keep.emplace(*owner, r->id);
          schedule(self, *owner, std::move(*r));
        }
        std::erase_if(st.timers,
                      [&keep](const auto& x) { return !keep.count(x.first); });
        update_gauge(self);
        spdlog::info("rules loaded stored={} timers={}", keys.size(),
                     st.timers.size());
      },
      [](caf::error& err) {
        spdlog::error("cannot read the stored rules: {}", to_string(err));
      });
}

caf::behavior rules_impl(rules_actor* self, rules_settings settings,
                         caf::actor storage, caf::actor registry,
                         metrics::registry* metrics) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.storage = std::move(storage);
  st.registry = std::move(registry);
  st.metrics = metrics;
  load(self);
  return {
    [self](route_atom, caf::actor router) {
      self->state.router = std::move(router);
    },
    [self](rule_atom, caf::put_atom, device_id owner, const std::string& text) {
      if (auto r = rules::rule_from_json(text))
        schedule(self, owner, std::move(*r));
    },
    [self](rule_atom, caf::delete_atom, device_id owner, std::uint64_t id) {
      self->state.timers.erase(std::pair{owner, id});
      update_gauge(self);
    },
    [self](fire_atom, device_id owner, const std::string& text) {
      if (auto r = rules::rule_from_json(text))
        fire(self, owner, std::move(*r));
    },
    [self](fire_atom, device_id owner, std::uint64_t id,
           std::uint64_t generation) {
      auto& timers = self->state.timers;
      auto it = timers.find(std::pair{owner, id});
      if (it == timers.end() || it->second.generation != generation)
        return; // rescheduled or deleted since
      fire(self, owner, it->second.r);
      if (it->second.r.once) {
        timers.erase(it);
        update_gauge(self);
      } else
        arm(self, owner, it->second);
    },
    [self](caf::get_atom) {
      return static_cast<std::uint64_t>(self->state.timers.size());
    },
    [self](view_atom) { load(self); },
  };
}

} // namespace

int local_utc_offset_minutes(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm local{};
  localtime_r(&t, &local);
  return static_cast<int>(local.tm_gmtoff / 60);
}

caf::actor spawn_rules_actor(caf::actor_system& sys, rules_settings settings,
                             const caf::actor& storage,
                             const caf::actor& registry,
                             metrics::registry* metrics) {
  return sys.spawn(rules_impl, std::move(settings), storage, registry, metrics);
}

} // namespace pando
