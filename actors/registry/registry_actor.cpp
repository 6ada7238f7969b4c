#include "actors/registry/registry_actor.hpp"

#include <chrono>
#include <map>

#include <caf/all.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "actors/device/device_record.hpp"
#include "actors/registry/app_domain.hpp"
#include "actors/registry/entity_key.hpp"
#include "actors/registry/registry_rules.hpp"
#include "actors/storage/write.hpp"
#include "actors/type_ids.hpp"

namespace pando {

namespace {

using json = nlohmann::json;
using storage::column;

struct registry_state {
  std::string key_secret;
  caf::actor storage;
  /// kind -> id -> entity
  std::map<std::string, std::map<std::int64_t, json>> entities;
  std::map<std::string, std::int64_t> last_id;
  /// Told (update) when an application changes.
  std::vector<caf::actor> watchers;
  /// In a cluster: the leader's registry (null: this one leads) and, when
  /// leading, the other members' registries, which confirm every write.
  caf::actor leader;
  std::vector<caf::actor> followers;

  static inline const char* name = "pando.registry";
};

using registry_actor = caf::stateful_actor<registry_state>;

caf::error fail(errc code, std::string msg) {
  return caf::make_error(code, std::move(msg));
}

std::string entity_key(const std::string& kind, std::int64_t id) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%016llx",
                static_cast<unsigned long long>(id));
  return kind + "/" + buf;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

caf::expected<std::map<std::int64_t, json>*> table(registry_actor* self,
                                                   const std::string& kind) {
  if (!registry::is_entity_kind(kind))
    return fail(errc::invalid_argument, "unknown kind '" + kind + "'");
  return &self->state.entities[kind];
}

/// Writes `batch` here and on every follower, then answers with `done()`,
/// or with an error when any copy failed (a follower that is down leaves
/// the followers with the next view; a follower copies the leader's records
/// on every view change, so a write that failed on it is not missed).
template<class T, class F>
caf::result<T> commit(registry_actor* self, storage::write_batch batch,
                      F done) {
  auto& st = self->state;
  if (st.followers.empty())
    return write_then<T>(self, st.storage, std::move(batch), std::move(done));
  auto rp = self->make_response_promise<T>();
  auto left = std::make_shared<std::size_t>(st.followers.size() + 1);
  auto failed = std::make_shared<caf::error>();
  auto finish = [rp, left, failed, done]() mutable {
    if (--*left > 0)
      return;
    if (*failed)
      rp.deliver(caf::make_error(errc::storage_failure, to_string(*failed)));
    else
      rp.deliver(done());
  };
  self->request(st.storage, caf::infinite, caf::put_atom_v, batch)
    .then([finish](caf::ok_atom) mutable { finish(); },
          [finish, failed](caf::error& err) mutable {
            *failed = std::move(err);
            finish();
          });
  for (const auto& f : st.followers)
    self
      ->request(f, std::chrono::seconds{5}, registry_atom_v, caf::put_atom_v,
                batch)
      .then([finish](caf::ok_atom) mutable { finish(); },
            [finish, failed](caf::error& err) mutable {
              spdlog::warn("registry: a follower did not confirm: {}",
                           to_string(err));
              if (!*failed)
                *failed = err;
              finish();
            });
  return rp;
}

/// Persists `entity` (and the id counter) and answers with it.
caf::result<std::string> save(registry_actor* self, const std::string& kind,
                              const json& entity) {
  auto id = entity.at("id").get<std::int64_t>();
  self->state.entities[kind][id] = entity;
  storage::write_batch batch;
  batch.put(column::registry, entity_key(kind, id), entity.dump());
  batch.put(column::registry, "seq/" + kind,
            std::to_string(self->state.last_id[kind]));
  auto text = entity.dump();
  return commit<std::string>(self, std::move(batch), [text] { return text; });
}

caf::result<std::string> create(registry_actor* self, const std::string& kind,
                                const std::string& body) {
  auto tbl = table(self, kind);
  if (!tbl)
    return tbl.error();
  auto in = json::parse(body, nullptr, false);
  if (in.is_discarded() || !in.is_object())
    return fail(errc::invalid_argument, "the body must be a JSON object");
  auto checked = registry::check_entity(kind, in, true);
  if (!checked.error.empty())
    return fail(errc::invalid_argument, checked.error);
  auto& st = self->state;
  if (kind == "product") {
    auto vendor = checked.entity.value("vendor_id", std::int64_t{0});
    if (vendor != 0 && !st.entities["vendor"].count(vendor))
      return fail(errc::invalid_argument,
                  "vendor_id: no vendor " + std::to_string(vendor));
  }
  auto id = ++st.last_id[kind];
  auto key = registry::make_key(st.key_secret, id);
  if (!key)
    return fail(errc::unavailable, "cannot make a key");
  auto entity = std::move(checked.entity);
  entity["id"] = id;
  entity["key"] = key.key;
  entity["created_at_ms"] = entity["updated_at_ms"] = now_ms();
  return save(self, kind, entity);
}

/// Returns entity `id` of `kind`, or `not_found`.
caf::expected<const json*> find(registry_actor* self, const std::string& kind,
                                std::int64_t id) {
  auto tbl = table(self, kind);
  if (!tbl)
    return tbl.error();
  auto i = (*tbl)->find(id);
  if (i == (*tbl)->end())
    return fail(errc::not_found,
                kind + " " + std::to_string(id) + " does not exist");
  return &i->second;
}

caf::result<std::string> update(registry_actor* self, const std::string& kind,
                                std::int64_t id, const std::string& body) {
  auto found = find(self, kind, id);
  if (!found)
    return found.error();
  auto in = json::parse(body, nullptr, false);
  if (in.is_discarded() || !in.is_object())
    return fail(errc::invalid_argument, "the body must be a JSON object");
  auto checked = registry::check_entity(kind, in, false);
  if (!checked.error.empty())
    return fail(errc::invalid_argument, checked.error);
  auto entity = **found;
  for (auto& [k, v] : checked.entity.items())
    entity[k] = v;
  entity["updated_at_ms"] = now_ms();
  return save(self, kind, entity);
}

caf::result<std::string> reset_key(registry_actor* self,
                                   const std::string& kind, std::int64_t id) {
  auto found = find(self, kind, id);
  if (!found)
    return found.error();
  auto key = registry::make_key(self->state.key_secret, id);
  if (!key)
    return fail(errc::unavailable, "cannot make a key");
  auto entity = **found;
  entity["key"] = key.key;
  entity["updated_at_ms"] = now_ms();
  return save(self, kind, entity);
}

caf::result<caf::ok_atom> erase(registry_actor* self, const std::string& kind,
                                std::int64_t id) {
  auto tbl = table(self, kind);
  if (!tbl)
    return tbl.error();
  if (!(*tbl)->erase(id))
    return fail(errc::not_found,
                kind + " " + std::to_string(id) + " does not exist");
  storage::write_batch batch;
  batch.erase(column::registry, entity_key(kind, id));
  return commit<caf::ok_atom>(self, std::move(batch),
                              [] { return caf::ok_atom_v; });
}

caf::result<std::string> by_key(registry_actor* self, const std::string& kind,
                                const std::string& key) {
  auto tbl = table(self, kind);
  if (!tbl)
    return tbl.error();
  auto decoded = registry::decode_key_id(self->state.key_secret, key);
  if (!decoded)
    return fail(errc::not_found, kind + " key is malformed");
  auto i = (*tbl)->find(decoded.id);
  if (i == (*tbl)->end()
      || !equal_constant_time(i->second.value("key", ""), key))
    return fail(errc::not_found, kind + " key not match.");
  return i->second.dump();
}

/// Tells the watchers that an application may have changed (they re-read;
/// a refused change costs them one needless read).
void changed(registry_actor* self, const std::string& kind) {
  if (kind != "application")
    return;
  for (const auto& w : self->state.watchers)
    self->send(w, caf::update_atom_v);
}

void load(registry_actor* self, const std::vector<std::string>& keys,
          const std::vector<std::string>& values);

/// Applies a batch the leader wrote to this follower's memory; the caller
/// writes it to the store.
void apply(registry_actor* self, const storage::write_batch& batch) {
  auto& st = self->state;
  std::vector<std::string> keys, values;
  auto apps_changed = false;
  for (const auto& op : batch.ops()) {
    if (op.col != column::registry)
      continue;
    auto kind = op.key.substr(0, op.key.find('/'));
    apps_changed |= kind == "application" || kind.empty();
    if (op.kind == storage::write_batch::op_kind::put) {
      keys.push_back(op.key);
      values.push_back(op.value);
    } else if (op.kind == storage::write_batch::op_kind::erase) {
      if (registry::is_entity_kind(kind))
        st.entities[kind].erase(
          std::stoll(op.key.substr(kind.size() + 1), nullptr, 16));
    } else {
      st.entities.clear(); // a full copy follows in the same batch
      st.last_id.clear();
    }
  }
  load(self, keys, values);
  if (apps_changed)
    changed(self, "application"); // once, however many records changed
}

/// Sends the same request to the leader and relays its answer.
template<class T, class... Ts>
caf::result<T> to_leader(registry_actor* self, Ts&&... xs) {
  auto rp = self->make_response_promise<T>();
  self
    ->request(self->state.leader, std::chrono::seconds{10},
              std::forward<Ts>(xs)...)
    .then([rp](T& x) mutable { rp.deliver(std::move(x)); },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

/// A follower replaces its registry with the leader's.
void sync_from(registry_actor* self, const caf::actor& leader) {
  self
    ->request(leader, std::chrono::seconds{10}, registry_atom_v,
              caf::get_atom_v)
    .then(
      [self](const std::vector<std::string>& keys,
             const std::vector<std::string>& values) {
        storage::write_batch batch;
        batch.erase_range(column::registry, "", "~");
        for (std::size_t i = 0; i < keys.size(); ++i)
          batch.put(column::registry, keys[i], values[i]);
        apply(self, batch);
        self
          ->request(self->state.storage, caf::infinite, caf::put_atom_v,
                    std::move(batch))
          .then([](caf::ok_atom) {},
                [](caf::error& err) {
                  spdlog::error("registry: cannot store the leader's records: "
                                "{}",
                                to_string(err));
                });
        spdlog::info("registry: copied {} records from the leader",
                     keys.size());
      },
      [](caf::error& err) {
        spdlog::warn("registry: cannot copy the leader's records: {}",
                     to_string(err));
      });
}

/// Every record, as the leader hands them to a follower.
std::pair<std::vector<std::string>, std::vector<std::string>>
records(registry_actor* self) {
  std::pair<std::vector<std::string>, std::vector<std::string>> out;
  for (const auto& [kind, tbl] : self->state.entities)
    for (const auto& [id, e] : tbl) {
      out.first.push_back(entity_key(kind, id));
      out.second.push_back(e.dump());
    }
  for (const auto& [kind, last] : self->state.last_id) {
    out.first.push_back("seq/" + kind);
    out.second.push_back(std::to_string(last));
  }
  return out;
}

caf::behavior running(registry_actor* self) {
  self->set_default_handler(caf::print_and_drop);
  return {
    [self](caf::put_atom, const std::string& kind,
           const std::string& body) -> caf::result<std::string> {
      if (self->state.leader)
        return to_leader<std::string>(self, caf::put_atom_v, kind, body);
      changed(self, kind);
      return create(self, kind, body);
    },
    [self](caf::update_atom, const std::string& kind, std::int64_t id,
           const std::string& body) -> caf::result<std::string> {
      if (self->state.leader)
        return to_leader<std::string>(self, caf::update_atom_v, kind, id, body);
      changed(self, kind);
      return update(self, kind, id, body);
    },
    [self](registry_atom, caf::actor& leader,
           std::vector<caf::actor>& followers) {
      auto& st = self->state;
      st.leader = std::move(leader);
      st.followers = std::move(followers);
      if (st.leader)
        sync_from(self, st.leader);
    },
    [self](registry_atom, caf::put_atom, storage::write_batch& batch) {
      apply(self, batch);
      return write_then<caf::ok_atom>(self, self->state.storage,
                                      std::move(batch),
                                      [] { return caf::ok_atom_v; });
    },
    [self](registry_atom, caf::get_atom) {
      auto [keys, values] = records(self);
      return caf::make_message(std::move(keys), std::move(values));
    },
    [self](caf::join_atom, caf::actor& who) {
      self->state.watchers.push_back(std::move(who));
    },
    [self](caf::get_atom, const std::string& kind,
           std::int64_t id) -> caf::result<std::string> {
      auto found = find(self, kind, id);
      if (!found)
        return found.error();
      return (*found)->dump();
    },
    [self](caf::get_atom, const std::string& kind) -> caf::result<std::string> {
      auto tbl = table(self, kind);
      if (!tbl)
        return tbl.error();
      auto all = json::array();
      for (auto& [id, e] : **tbl)
        all.push_back(e);
      return all.dump();
    },
    [self](caf::get_atom, const std::string& kind, const std::string& key) {
      return by_key(self, kind, key);
    },
    [self](caf::delete_atom, const std::string& kind,
           std::int64_t id) -> caf::result<caf::ok_atom> {
      if (self->state.leader)
        return to_leader<caf::ok_atom>(self, caf::delete_atom_v, kind, id);
      changed(self, kind);
      return erase(self, kind, id);
    },
    [self](caf::reset_atom, const std::string& kind,
           std::int64_t id) -> caf::result<std::string> {
      if (self->state.leader)
        return to_leader<std::string>(self, caf::reset_atom_v, kind, id);
      changed(self, kind);
      return reset_key(self, kind, id);
    },
  };
}

void load(registry_actor* self, const std::vector<std::string>& keys,
          const std::vector<std::string>& values) {
  auto& st = self->state;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto slash = keys[i].find('/');
    auto kind = keys[i].substr(0, slash);
    if (kind == "seq") {
      st.last_id[keys[i].substr(slash + 1)] = std::stoll(values[i]);
      continue;
    }
    auto e = json::parse(values[i], nullptr, false);
    if (!e.is_object() || !registry::is_entity_kind(kind)) {
      spdlog::error("registry: skipping unreadable record {}", keys[i]);
      continue;
    }
    auto id = e.value("id", std::int64_t{0});
    st.entities[kind][id] = std::move(e);
  }
}

caf::behavior registry_impl(registry_actor* self, std::string key_secret,
                            caf::actor storage) {
  self->attach_functor([self](const caf::error& reason) {
    if (reason && reason != caf::exit_reason::user_shutdown)
      spdlog::error("registry stopped: {}", self->system().render(reason));
  });
  self->state.key_secret = std::move(key_secret);
  self->state.storage = std::move(storage);
  self->set_default_handler(caf::skip);
  self
    ->request(self->state.storage, caf::infinite, scan_atom_v, column::registry,
              std::string{})
    .then(
      [self](const std::vector<std::string>& keys,
             const std::vector<std::string>& values) {
        load(self, keys, values);
        self->become(running(self));
      },
      [self](caf::error& err) { self->quit(std::move(err)); });
  return {
    [](closed_atom, closed_atom) {
      // Never sent: keeps the behavior non-empty while loading.
    },
  };
}

} // namespace

caf::actor spawn_registry(caf::actor_system& sys, std::string key_secret,
                          const caf::actor& storage) {
  return sys.spawn(registry_impl, std::move(key_secret), storage);
}

} // namespace pando
