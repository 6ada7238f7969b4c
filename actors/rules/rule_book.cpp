#include "actors/rules/rule_book.hpp"

namespace pando::rules {

void rule_book::load(rule r) {
  next_id_ = std::max(next_id_, r.id + 1);
  auto id = r.id;
  rules_.insert_or_assign(id, std::move(r));
}

const rule* rule_book::add(rule r) {
  if (rules_.size() >= max_rules)
    return nullptr;
  r.id = next_id_++;
  auto [it, added] = rules_.emplace(r.id, std::move(r));
  return &it->second;
}

bool rule_book::remove(std::uint64_t id) { return rules_.erase(id) > 0; }

const rule* rule_book::find(std::uint64_t id) const {
  auto it = rules_.find(id);
  return it == rules_.end() ? nullptr : &it->second;
}

const rule* rule_book::set_enabled(std::uint64_t id, bool enabled) {
  auto it = rules_.find(id);
  if (it == rules_.end())
    return nullptr;
  it->second.enabled = enabled;
  return &it->second;
}

std::vector<const rule*> rule_book::triggered_by(std::uint16_t no) const {
  std::vector<const rule*> out;
  for (const auto& [id, r] : rules_)
    if (r.enabled && r.type == "ifttt" && r.event_no == no)
      out.push_back(&r);
  return out;
}

const rule* rule_book::record(std::uint64_t id, std::string result,
                              std::int64_t t_ms) {
  auto it = rules_.find(id);
  if (it == rules_.end())
    return nullptr;
  auto& r = it->second;
  ++r.fired;
  r.last_fired_ms = t_ms;
  r.last_result = std::move(result);
  if (r.once)
    r.enabled = false;
  return &r;
}

} // namespace pando::rules
