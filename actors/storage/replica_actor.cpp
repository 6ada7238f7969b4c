#include "actors/storage/replica_actor.hpp"

#include <map>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/type_ids.hpp"
#include "storage/kv_store.hpp"

namespace pando {

namespace {

/// A live write that arrived while its shard was being pulled.
struct held_write {
  storage::write_batch batch;
  caf::response_promise promise;
};

/// A pull waiting until this node adopts the view it names.
struct waiting_copy {
  std::string prefix;
  std::uint64_t epoch;
  caf::response_promise promise;
};

struct replica_state {
  caf::actor storage;
  std::uint32_t shards = 0;
  std::uint64_t epoch = 0;
  std::vector<std::string> owners; ///< by shard, in view `epoch`
  std::map<std::uint32_t, std::vector<held_write>> pulling;
  std::vector<waiting_copy> copies;

  static inline const char* name = "pando.replica";
};

using replica_actor = caf::stateful_actor<replica_state>;

caf::result<caf::ok_atom> write(replica_actor* self,
                                storage::write_batch batch) {
  auto rp = self->make_response_promise<caf::ok_atom>();
  self
    ->request(self->state.storage, caf::infinite, caf::put_atom_v,
              std::move(batch))
    .then([rp](caf::ok_atom) mutable { rp.deliver(caf::ok_atom_v); },
          [rp](caf::error& err) mutable { rp.deliver(std::move(err)); });
  return rp;
}

caf::result<caf::ok_atom> replicate(replica_actor* self, std::uint64_t epoch,
                                    std::uint32_t shard,
                                    const std::string& owner,
                                    storage::write_batch& batch) {
  auto& st = self->state;
  if (epoch < st.epoch && shard < st.owners.size() && st.owners[shard] != owner)
    return caf::make_error(errc::conflict, owner + " no longer owns shard "
                                             + std::to_string(shard));
  if (auto i = st.pulling.find(shard); i != st.pulling.end()) {
    auto rp = self->make_response_promise<caf::ok_atom>();
    i->second.push_back({std::move(batch), rp});
    return rp;
  }
  return write(self, std::move(batch));
}

/// Copies a shard from `source`, then applies what arrived meanwhile.
caf::result<caf::ok_atom> pull(replica_actor* self, std::uint32_t shard,
                               const caf::actor& source, std::uint64_t epoch) {
  auto& st = self->state;
  st.pulling[shard];
  auto rp = self->make_response_promise<caf::ok_atom>();
  auto prefix = shard_key_prefix(shard_id{shard});
  auto done = [self, shard, rp](caf::error err) mutable {
    auto held = std::move(self->state.pulling[shard]);
    self->state.pulling.erase(shard);
    for (auto& h : held)
      self
        ->request(self->state.storage, caf::infinite, caf::put_atom_v,
                  std::move(h.batch))
        .then(
          [p = h.promise](caf::ok_atom) mutable { p.deliver(caf::ok_atom_v); },
          [p = h.promise](caf::error& e) mutable { p.deliver(e); });
    if (err)
      rp.deliver(std::move(err));
    else
      rp.deliver(caf::ok_atom_v);
  };
  self->request(source, std::chrono::seconds{30}, shard_atom_v, prefix, epoch)
    .then(
      [self, done](storage::write_batch& batch) mutable {
        self
          ->request(self->state.storage, caf::infinite, caf::put_atom_v,
                    std::move(batch))
          .then([done](caf::ok_atom) mutable { done({}); },
                [done](caf::error& err) mutable { done(std::move(err)); });
      },
      [done, shard](caf::error& err) mutable {
        spdlog::error("replica: cannot copy shard {}: {}", shard,
                      to_string(err));
        done(std::move(err));
      });
  return rp;
}

void serve_copy(replica_actor* self, waiting_copy c) {
  self->request(self->state.storage, caf::infinite, shard_atom_v, c.prefix)
    .then(
      [p = c.promise](storage::write_batch& batch) mutable {
        p.deliver(std::move(batch));
      },
      [p = c.promise](caf::error& err) mutable { p.deliver(std::move(err)); });
}

caf::behavior replica_impl(replica_actor* self, caf::actor storage,
                           std::uint32_t shards) {
  self->state.storage = std::move(storage);
  self->state.shards = shards;
  return {
    [self](replicate_atom, std::uint64_t epoch, std::uint32_t shard,
           const std::string& owner, storage::write_batch& batch) {
      return replicate(self, epoch, shard, owner, batch);
    },
    [self](view_atom, std::uint64_t epoch, std::vector<std::string>& owners) {
      auto& st = self->state;
      st.epoch = epoch;
      st.owners = std::move(owners);
      auto waiting = std::move(st.copies);
      st.copies.clear();
      for (auto& c : waiting)
        if (c.epoch <= st.epoch)
          serve_copy(self, std::move(c));
        else
          st.copies.push_back(std::move(c));
    },
    [self](pull_atom, std::uint32_t shard, const caf::actor& source,
           std::uint64_t epoch) { return pull(self, shard, source, epoch); },
    [self](shard_atom, std::string& prefix,
           std::uint64_t epoch) -> caf::result<storage::write_batch> {
      auto& st = self->state;
      auto rp = self->make_response_promise<storage::write_batch>();
      waiting_copy c{std::move(prefix), epoch, rp};
      if (epoch <= st.epoch) {
        serve_copy(self, std::move(c));
      } else {
        st.copies.push_back(std::move(c));
        // Never wait forever for a view this node may not get.
        self->delayed_send(self, std::chrono::seconds{5}, caf::tick_atom_v);
      }
      return rp;
    },
    [self](caf::tick_atom) {
      auto waiting = std::move(self->state.copies);
      self->state.copies.clear();
      for (auto& c : waiting)
        serve_copy(self, std::move(c));
    },
  };
}

} // namespace

caf::actor spawn_replica_actor(caf::actor_system& sys,
                               const caf::actor& storage,
                               std::uint32_t shards) {
  return sys.spawn(replica_impl, storage, shards);
}

} // namespace pando
