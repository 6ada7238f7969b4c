#include "transports/webhook/notifier.hpp"

#include <map>
#include <set>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "actors/device/history_record.hpp"
#include "actors/metrics/metrics.hpp"
#include "actors/registry/app_domain.hpp"
#include "actors/registry/product_config.hpp"
#include "actors/router/placement.hpp"
#include "actors/type_ids.hpp"
#include "storage/kv_store.hpp"

namespace pando {

namespace {

using json = nlohmann::json;

/// An application with a report_url.
struct app_target {
  std::int64_t id = 0;
  std::string domain;
  std::string url;
  std::string token;
};

/// A product config as last read from the registry.
struct cached_product {
  std::optional<registry::product_config> cfg;
  std::int64_t read_at_ms = 0;
};

using entry = std::pair<std::string, std::string>; // outbox key, value

struct notifier_state {
  notifier_settings settings;
  caf::actor storage;
  caf::actor registry;
  std::shared_ptr<std::atomic<bool>> active;
  metrics::counter* delivered = nullptr;
  metrics::counter* failed = nullptr;
  metrics::gauge* hooked_apps = nullptr;
  std::shared_ptr<webhooks::delivery_pool> pool;
  bool apps_loaded = false;
  bool scanning = false;
  /// Ownership changed during a scan: read the outbox again after it.
  bool rescan = false;
  std::vector<app_target> apps;
  std::map<std::int64_t, cached_product> products;
  /// Entries waiting for their product's config, by product id.
  std::map<std::int64_t, std::vector<entry>> awaiting_product;
  /// Entries notified before the outbox was read.
  std::vector<entry> deferred;
  /// Deliveries still running, by outbox key.
  std::map<std::string, unsigned> outstanding;

  static inline const char* name = "pando.notifier";
};

using notifier_actor = caf::stateful_actor<notifier_state>;

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

void handle(notifier_actor* self, entry e);

/// Whether this node delivers the entry at `key`: it owns the entry's shard
/// (or runs without a placement). Keys written before outbox keys had a
/// shard prefix are delivered by the node that has them.
bool delivers(const notifier_state& st, const std::string& key) {
  auto shard = shard_of_key(key);
  if (!shard || !st.settings.placement)
    return true;
  auto p = st.settings.placement->get();
  return p && shard->value < p->owned.size() && p->owned[shard->value];
}

/// Removes a delivered entry here and on its shard's followers.
void erase(notifier_actor* self, const std::string& key) {
  storage::write_batch batch;
  batch.erase(storage::column::outbox, key);
  if (auto shard = shard_of_key(key); shard && self->state.settings.placement)
    if (auto p = self->state.settings.placement->get();
        p && shard->value < p->followers.size())
      for (const auto& f : p->followers[shard->value])
        if (f)
          self
            ->request(f, std::chrono::seconds{5}, replicate_atom_v, p->epoch,
                      shard->value, p->self, batch)
            .then([](caf::ok_atom) {},
                  [key](caf::error& err) {
                    // The follower keeps it: if it becomes the owner, the
                    // entry goes out again (at least once).
                    spdlog::debug("webhooks: a follower keeps {}: {}", key,
                                  to_string(err));
                  });
  self->request(self->state.storage, caf::infinite, caf::put_atom_v, batch)
    .then([](caf::ok_atom) {},
          [key](caf::error& err) {
            spdlog::warn("webhooks: cannot remove outbox entry {}: {}", key,
                         to_string(err));
          });
}

/// The webhook body, fields in pando-cloud's order.
std::string render(const outbox_entry& x, const history_record& rec,
                   const std::optional<registry::product_config>& cfg) {
  nlohmann::ordered_json body;
  body["tag"] = rec.is_status ? "status" : "event";
  body["identifier"] = x.identifier;
  std::int64_t device_ts = rec.is_status ? 0 : rec.event.device_ts;
  if (rec.is_status && !rec.objects.empty())
    device_ts = rec.objects.front().device_ts;
  body["timestamp"] = device_ts != 0 ? device_ts : x.server_ms;
  json data = json::object();
  if (cfg) {
    auto mapped = rec.is_status ? objects_to_json(*cfg, rec.objects)
                                : event_to_json(*cfg, rec.event);
    if (mapped)
      data = std::move(*mapped);
  }
  body["data"] = std::move(data);
  return body.dump();
}

void on_done(notifier_actor* self, const std::string& key, bool ok,
             const std::string& error) {
  auto& st = self->state;
  (ok ? st.delivered : st.failed)->inc();
  if (!ok)
    spdlog::warn("webhooks: delivery of {} failed: {}", key, error);
  auto it = st.outstanding.find(key);
  if (it == st.outstanding.end() || --it->second > 0)
    return;
  st.outstanding.erase(it);
  erase(self, key);
}

/// Posts `e` to every application that covers its device.
void dispatch(notifier_actor* self, const entry& e, const outbox_entry& x,
              const history_record& rec) {
  auto& st = self->state;
  std::vector<const app_target*> targets;
  for (const auto& app : st.apps)
    if (registry::check_device_domain(app.domain, x.identifier).access
        == registry::domain_access::allowed)
      targets.push_back(&app);
  if (targets.empty())
    return erase(self, e.first);
  if (st.pool->stats().queued + targets.size()
      > st.settings.delivery.max_queue) {
    // Full: the entry stays in the outbox and is tried again shortly.
    self->delayed_send(self, std::chrono::seconds{1}, notify_atom_v, e.first,
                       e.second);
    return;
  }
  auto body = render(x, rec, st.products[x.product_id].cfg);
  st.outstanding[e.first] = static_cast<unsigned>(targets.size());
  for (const auto* app : targets) {
    webhooks::delivery d;
    d.url = app->url;
    d.app_token = app->token;
    d.body = body;
    d.id = e.first + "-" + std::to_string(app->id);
    d.done = [hdl = caf::actor_cast<caf::actor>(self),
              key = e.first](const webhooks::delivery_result& r) {
      caf::anon_send(hdl, acked_atom_v, key, r.ok, r.error);
    };
    if (!st.pool->submit(std::move(d)))
      on_done(self, e.first, false, "the delivery queue is full");
  }
}

/// Caches product `id`'s config (none: the product is gone or its config
/// is invalid, and reports go out without data rather than never), then
/// handles what waited for it.
void product_read(notifier_actor* self, std::int64_t id,
                  std::optional<registry::product_config> cfg) {
  auto& st = self->state;
  st.products[id] = {std::move(cfg), now_ms()};
  auto waiting = std::move(st.awaiting_product[id]);
  st.awaiting_product.erase(id);
  for (auto& e : waiting)
    handle(self, std::move(e));
}

/// Reads product `id` from the registry.
void fetch_product(notifier_actor* self, std::int64_t id) {
  self
    ->request(self->state.registry, std::chrono::seconds{10}, caf::get_atom_v,
              std::string{"product"}, id)
    .then(
      [self, id](const std::string& text) {
        auto parsed = registry::product_config_from_json(
          json::parse(text, nullptr, false).value("config", json{}));
        product_read(self, id,
                     parsed ? std::optional{parsed.config} : std::nullopt);
      },
      [self, id](caf::error&) { product_read(self, id, std::nullopt); });
}

void handle(notifier_actor* self, entry e) {
  auto& st = self->state;
  if (!st.apps_loaded || st.scanning) {
    st.deferred.push_back(std::move(e));
    return;
  }
  if (st.outstanding.count(e.first) > 0)
    return; // already on its way
  if (!delivers(st, e.first))
    return; // another node owns its shard (or none yet): it stays
  auto x = decode_outbox(e.second);
  auto rec = x ? decode_history(x->record) : std::nullopt;
  if (!rec) {
    spdlog::warn("webhooks: dropping unreadable outbox entry {}", e.first);
    return erase(self, e.first);
  }
  auto it = st.products.find(x->product_id);
  if (it == st.products.end()
      || now_ms() - it->second.read_at_ms > st.settings.refresh_ms) {
    auto& waiting = st.awaiting_product[x->product_id];
    if (waiting.empty())
      fetch_product(self, x->product_id);
    if (std::none_of(waiting.begin(), waiting.end(),
                     [&e](const entry& w) { return w.first == e.first; }))
      waiting.push_back(std::move(e));
    return;
  }
  dispatch(self, e, *x, *rec);
}

/// Reads the outbox (entries left by an earlier run), then handles them and
/// whatever was notified meanwhile.
void read_outbox(notifier_actor* self) {
  auto& st = self->state;
  st.scanning = true;
  st.deferred.clear(); // durable before notified: the scan has them
  self
    ->request(st.storage, caf::infinite, scan_atom_v, storage::column::outbox,
              std::string{})
    .then(
      [self](std::vector<std::string>& keys, std::vector<std::string>& vals) {
        auto& st = self->state;
        st.scanning = false;
        auto mine = std::count_if(
          keys.begin(), keys.end(), [&st](const std::string& k) {
            return delivers(st, k) && st.outstanding.count(k) == 0;
          });
        if (mine > 0)
          spdlog::info("webhooks: {} outbox entries to deliver", mine);
        std::set<std::string> seen{keys.begin(), keys.end()};
        auto later = std::move(st.deferred);
        st.deferred.clear();
        for (std::size_t i = 0; i < keys.size(); ++i)
          handle(self, {std::move(keys[i]), std::move(vals[i])});
        for (auto& e : later)
          if (seen.count(e.first) == 0)
            handle(self, std::move(e));
        if (std::exchange(st.rescan, false))
          read_outbox(self);
      },
      [self](caf::error& err) {
        self->state.scanning = false;
        spdlog::error("webhooks: cannot read the outbox: {}", to_string(err));
      });
}

/// The shards this node owns changed: entries of shards it gained (left by
/// their previous owner) go out from here now.
void on_ownership(notifier_actor* self) {
  auto& st = self->state;
  if (!st.apps_loaded)
    return; // the first read of the outbox follows the applications
  if (st.scanning) {
    st.rescan = true;
    return;
  }
  read_outbox(self);
}

/// Re-reads the applications (after a change, and every `refresh_ms`).
void read_apps(notifier_actor* self) {
  self
    ->request(self->state.registry, std::chrono::seconds{10}, caf::get_atom_v,
              std::string{"application"})
    .then(
      [self](const std::string& text) {
        auto& st = self->state;
        st.apps.clear();
        for (const auto& a : json::parse(text, nullptr, false))
          if (a.is_object() && !a.value("report_url", "").empty())
            st.apps.push_back({a.value("id", std::int64_t{0}),
                               a.value("domain", ""), a.value("report_url", ""),
                               a.value("token", "")});
        st.active->store(!st.apps.empty());
        st.hooked_apps->set(static_cast<std::int64_t>(st.apps.size()));
        if (!st.apps_loaded) {
          st.apps_loaded = true;
          read_outbox(self);
        }
      },
      [](caf::error& err) {
        spdlog::warn("webhooks: cannot read the applications: {}",
                     to_string(err));
      });
}

caf::behavior notifier_impl(notifier_actor* self, notifier_settings settings,
                            caf::actor storage, caf::actor registry,
                            std::shared_ptr<std::atomic<bool>> active,
                            std::shared_ptr<webhooks::delivery_pool> pool,
                            metrics::registry* metrics) {
  auto& st = self->state;
  st.settings = std::move(settings);
  st.storage = std::move(storage);
  st.registry = std::move(registry);
  st.active = std::move(active);
  st.pool = std::move(pool);
  const std::string help = "Webhook deliveries by result.";
  st.delivered = &metrics->get_counter("pando_webhook_deliveries_total", help,
                                       {{"result", "ok"}});
  st.failed = &metrics->get_counter("pando_webhook_deliveries_total", help,
                                    {{"result", "failed"}});
  st.hooked_apps = &metrics->get_gauge(
    "pando_webhook_applications",
    "Applications with a report_url, as the notifier last read them.");
  self->attach_functor([pool = st.pool] { pool->stop(); });
  self->send(st.registry, caf::join_atom_v, caf::actor_cast<caf::actor>(self));
  read_apps(self);
  self->delayed_send(self, std::chrono::milliseconds{st.settings.refresh_ms},
                     caf::tick_atom_v);
  return {
    [self](notify_atom, std::string& key, std::string& value) {
      handle(self, {std::move(key), std::move(value)});
    },
    [self](acked_atom, const std::string& key, bool ok,
           const std::string& error) { on_done(self, key, ok, error); },
    [self](caf::update_atom) { read_apps(self); },
    [self](caf::tick_atom) {
      read_apps(self);
      self->delayed_send(
        self, std::chrono::milliseconds{self->state.settings.refresh_ms},
        caf::tick_atom_v);
    },
    [self](caf::get_atom) {
      return static_cast<std::uint64_t>(self->state.outstanding.size());
    },
    [self](view_atom) { on_ownership(self); },
  };
}

} // namespace

caf::actor spawn_notifier(caf::actor_system& sys, notifier_settings settings,
                          const caf::actor& storage, const caf::actor& registry,
                          std::shared_ptr<std::atomic<bool>> active,
                          metrics::registry& metrics) {
  auto pool = std::make_shared<webhooks::delivery_pool>(settings.delivery);
  metrics.add_callback(
    "pando_webhook_queue",
    "Webhook deliveries queued, in flight or waiting to "
    "retry.",
    [pool] { return static_cast<double>(pool->stats().queued); });
  metrics.add_callback(
    "pando_webhook_retries", "Webhook attempts after the first, since start.",
    [pool] { return static_cast<double>(pool->stats().retries); });
  return sys.spawn(notifier_impl, std::move(settings), storage, registry,
                   std::move(active), std::move(pool), &metrics);
}

} // namespace pando
