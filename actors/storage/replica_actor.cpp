#include "actors/storage/replica_actor.hpp"

#include <map>
#include <set>

#include <caf/all.hpp>
#include <spdlog/spdlog.h>

#include "actors/type_ids.hpp"
#include "storage/kv_store.hpp"

namespace pando {

namespace {

/// How long a write or a chunk request waits for the view it names.
constexpr auto view_wait = std::chrono::seconds{5};

/// A live write held back: its shard is being copied here, or it names a
/// view this node has not adopted yet.
struct held_write {
  std::uint64_t epoch = 0;
  std::chrono::steady_clock::time_point since;
  std::uint32_t shard = 0;
  std::string owner;
  storage::write_batch batch;
  caf::response_promise promise;
};

/// A chunk request waiting until this node adopts the view it names.
struct waiting_copy {
  std::string prefix;
  std::string cursor;
  std::uint64_t epoch;
  caf::response_promise promise;
  std::chrono::steady_clock::time_point since;
};

struct replica_state {
  caf::actor storage;
  std::uint64_t chunk_bytes = 0; ///< per chunk of a copy served
  std::uint64_t epoch = 0;
  std::vector<std::string> owners; ///< by shard, in view `epoch`
  /// Shards this node syncs (from the router's view) and has not copied.
  std::set<std::uint32_t> syncing;
  /// Shards copied here that the last view still listed as syncing.
  std::set<std::uint32_t> copied;
  /// Shards being copied here now.
  std::set<std::uint32_t> active;
  /// Writes held per syncing shard until its copy is in.
  std::map<std::uint32_t, std::vector<held_write>> held;
  /// Writes for views not adopted yet.
  std::vector<held_write> early;
  std::vector<waiting_copy> copies;

  static inline const char* name = "pando.replica";
};

using replica_actor = caf::stateful_actor<replica_state>;

void apply(replica_actor* self, held_write w) {
  self
    ->request(self->state.storage, caf::infinite, caf::put_atom_v,
              std::move(w.batch))
    .then([p = w.promise](caf::ok_atom) mutable { p.deliver(caf::ok_atom_v); },
          [p = w.promise](caf::error& e) mutable { p.deliver(e); });
}

/// Applies or holds one write (see the protocol in the header).
void accept(replica_actor* self, held_write w) {
  auto& st = self->state;
  if (w.epoch < st.epoch && w.shard < st.owners.size()
      && st.owners[w.shard] != w.owner) {
    w.promise.deliver(
      caf::make_error(errc::conflict, w.owner + " no longer owns shard "
                                        + std::to_string(w.shard)));
    return;
  }
  if (w.epoch > st.epoch) {
    // The owner adopted a view this node has not seen yet: it may make this
    // node a syncing replica of the shard, whose copy must not wipe it.
    st.early.push_back(std::move(w));
    self->delayed_send(self, view_wait, caf::tick_atom_v);
    return;
  }
  if (auto i = st.held.find(w.shard); i != st.held.end()) {
    i->second.push_back(std::move(w));
    return;
  }
  apply(self, std::move(w));
}

/// Applies the writes held for `shard` and stops holding.
void release(replica_actor* self, std::uint32_t shard) {
  auto i = self->state.held.find(shard);
  if (i == self->state.held.end())
    return;
  auto writes = std::move(i->second);
  self->state.held.erase(i);
  for (auto& w : writes)
    apply(self, std::move(w));
}

/// Copies `shard` from `source` chunk by chunk, then applies the writes
/// that arrived meanwhile.
void pull_chunk(replica_actor* self, std::uint32_t shard,
                const caf::actor& source, std::uint64_t epoch,
                std::string cursor, caf::response_promise rp) {
  auto prefix = shard_key_prefix(shard_id{shard});
  auto fail = [self, shard, rp](caf::error err) mutable {
    spdlog::error("replica: cannot copy shard {}: {}", shard, to_string(err));
    self->state.active.erase(shard);
    // Writes stay held while the shard is still syncing: the next attempt
    // copies again and applies them after.
    if (!self->state.syncing.count(shard))
      release(self, shard);
    rp.deliver(std::move(err));
  };
  self
    ->request(source, std::chrono::seconds{30}, shard_atom_v, prefix, epoch,
              cursor)
    .then(
      [self, shard, source, epoch, rp, fail](storage::write_batch& batch,
                                             std::string& next, bool done) {
        self
          ->request(self->state.storage, caf::infinite, caf::put_atom_v,
                    std::move(batch))
          .then(
            [self, shard, source, epoch, rp, next = std::move(next),
             done](caf::ok_atom) mutable {
              if (!done) {
                pull_chunk(self, shard, source, epoch, std::move(next), rp);
                return;
              }
              self->state.active.erase(shard);
              self->state.syncing.erase(shard);
              self->state.copied.insert(shard);
              release(self, shard);
              rp.deliver(caf::ok_atom_v);
            },
            [fail](caf::error& err) mutable { fail(std::move(err)); });
      },
      [fail](caf::error& err) mutable { fail(std::move(err)); });
}

caf::result<caf::ok_atom> pull(replica_actor* self, std::uint32_t shard,
                               const caf::actor& source, std::uint64_t epoch) {
  auto& st = self->state;
  if (st.active.count(shard))
    return caf::make_error(errc::conflict, "shard " + std::to_string(shard)
                                             + " is being copied already");
  st.active.insert(shard);
  st.syncing.insert(shard);
  st.copied.erase(shard);
  st.held[shard];
  auto rp = self->make_response_promise<caf::ok_atom>();
  pull_chunk(self, shard, source, epoch, std::string{}, rp);
  return rp;
}

void serve_copy(replica_actor* self, waiting_copy c) {
  self
    ->request(self->state.storage, caf::infinite, shard_atom_v, c.prefix,
              c.cursor, self->state.chunk_bytes)
    .then(
      [p = c.promise](storage::write_batch& batch, std::string& next,
                      bool done) mutable {
        p.deliver(std::move(batch), std::move(next), done);
      },
      [p = c.promise](caf::error& err) mutable { p.deliver(std::move(err)); });
}

/// Hands on what waited for a view: early writes and chunk requests (those
/// that waited `view_wait` go on without it).
void on_epoch(replica_actor* self) {
  auto& st = self->state;
  auto expired = std::chrono::steady_clock::now() - view_wait;
  auto early = std::move(st.early);
  st.early.clear();
  for (auto& w : early)
    if (w.epoch <= st.epoch || w.since <= expired) {
      w.epoch = std::min(w.epoch, st.epoch);
      accept(self, std::move(w));
    } else {
      st.early.push_back(std::move(w));
    }
  auto waiting = std::move(st.copies);
  st.copies.clear();
  for (auto& c : waiting)
    if (c.epoch <= st.epoch || c.since <= expired)
      serve_copy(self, std::move(c));
    else
      st.copies.push_back(std::move(c));
}

caf::behavior replica_impl(replica_actor* self, caf::actor storage,
                           std::uint64_t chunk_bytes) {
  self->state.storage = std::move(storage);
  self->state.chunk_bytes = chunk_bytes;
  return {
    [self](replicate_atom, std::uint64_t epoch, std::uint32_t shard,
           std::string& owner,
           storage::write_batch& batch) -> caf::result<caf::ok_atom> {
      auto rp = self->make_response_promise<caf::ok_atom>();
      accept(self, {epoch, std::chrono::steady_clock::now(), shard,
                    std::move(owner), std::move(batch), rp});
      return rp;
    },
    [self](view_atom, std::uint64_t epoch, std::vector<std::string>& owners,
           std::vector<std::uint32_t>& syncing) {
      auto& st = self->state;
      st.epoch = epoch;
      st.owners = std::move(owners);
      // A shard copied here stays copied while the views still list it as
      // syncing (until the controller counts it).
      std::set<std::uint32_t> listed(syncing.begin(), syncing.end());
      std::erase_if(st.copied,
                    [&listed](std::uint32_t s) { return !listed.count(s); });
      st.syncing.clear();
      for (auto s : listed)
        if (!st.copied.count(s))
          st.syncing.insert(s);
      // From now on, writes to a shard this node syncs wait for its copy.
      for (auto s : st.syncing)
        st.held[s];
      std::vector<std::uint32_t> done;
      for (const auto& [s, writes] : st.held)
        if (!st.syncing.count(s) && !st.active.count(s))
          done.push_back(s);
      for (auto s : done)
        release(self, s);
      on_epoch(self);
    },
    [self](pull_atom, std::uint32_t shard, const caf::actor& source,
           std::uint64_t epoch) { return pull(self, shard, source, epoch); },
    [self](shard_atom, std::string& prefix, std::uint64_t epoch,
           std::string& cursor)
      -> caf::result<storage::write_batch, std::string, bool> {
      auto& st = self->state;
      auto rp
        = self
            ->make_response_promise<storage::write_batch, std::string, bool>();
      waiting_copy c{std::move(prefix), std::move(cursor), epoch, rp,
                     std::chrono::steady_clock::now()};
      if (epoch <= st.epoch) {
        serve_copy(self, std::move(c));
      } else {
        st.copies.push_back(std::move(c));
        // Never wait forever for a view this node may not get.
        self->delayed_send(self, view_wait, caf::tick_atom_v);
      }
      return rp;
    },
    [self](caf::tick_atom) { on_epoch(self); },
  };
}

} // namespace

caf::actor spawn_replica_actor(caf::actor_system& sys,
                               const caf::actor& storage,
                               std::uint64_t chunk_bytes) {
  return sys.spawn(replica_impl, storage, chunk_bytes);
}

} // namespace pando
