#include "transports/mqtt/codec/topic.hpp"

#include <cstddef>
#include <utility>

namespace pando::mqtt {

namespace {

/// Longest string an MQTT length prefix can describe.
constexpr std::size_t max_string_size = 65535;

/// Walks the '/'-separated levels of a topic name or filter.
class level_cursor {
 public:
  explicit level_cursor(std::string_view str) : rest_(str) {}

  /// Returns whether all levels have been consumed.
  bool done() const { return done_; }

  /// Returns the next level; the last call sets `done()`.
  std::string_view next() {
    auto pos = rest_.find('/');
    if (pos == std::string_view::npos) {
      done_ = true;
      return std::exchange(rest_, std::string_view{});
    }
    auto level = rest_.substr(0, pos);
    rest_.remove_prefix(pos + 1);
    return level;
  }

 private:
  std::string_view rest_;
  bool done_ = false;
};

/// Returns whether `level` is a valid level of a topic filter.
bool is_valid_filter_level(std::string_view level, bool last) {
  if (level.find('#') != std::string_view::npos)
    return level == "#" && last;
  return level.find('+') == std::string_view::npos || level == "+";
}

/// Returns whether `str` may appear as an MQTT string at all.
bool has_valid_size(std::string_view str) {
  return !str.empty() && str.size() <= max_string_size;
}

} // namespace

bool is_valid_topic_name(std::string_view name) {
  return has_valid_size(name) && name.find_first_of("+#") == name.npos;
}

bool is_valid_topic_filter(std::string_view filter) {
  if (!has_valid_size(filter))
    return false;
  level_cursor levels{filter};
  while (!levels.done()) {
    auto level = levels.next();
    if (!is_valid_filter_level(level, levels.done()))
      return false;
  }
  return true;
}

bool topic_matches(std::string_view filter, std::string_view topic) {
  if (!is_valid_topic_filter(filter) || !is_valid_topic_name(topic))
    return false;
  if (topic.front() == '$' && (filter.front() == '+' || filter.front() == '#'))
    return false;
  level_cursor filter_levels{filter};
  level_cursor topic_levels{topic};
  while (!filter_levels.done()) {
    auto wanted = filter_levels.next();
    if (wanted == "#")
      return true;
    if (topic_levels.done())
      return false;
    auto actual = topic_levels.next();
    if (wanted != "+" && wanted != actual)
      return false;
  }
  return topic_levels.done();
}

} // namespace pando::mqtt
