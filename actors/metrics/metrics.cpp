#include "actors/metrics/metrics.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace pando::metrics {

namespace {

std::string escape_label(const std::string& x) {
  std::string out;
  for (char c : x) {
    if (c == '\\' || c == '"')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string format_double(double x) {
  if (std::isnan(x))
    return "NaN";
  std::ostringstream out;
  out.precision(17);
  out << x;
  return out.str();
}

} // namespace

std::string render_labels(const labels& ls) {
  if (ls.empty())
    return {};
  std::string out = "{";
  for (const auto& [k, v] : ls) {
    if (out.size() > 1)
      out += ',';
    out += k + "=\"" + escape_label(v) + "\"";
  }
  out += '}';
  return out;
}

registry::family& registry::get_family(const std::string& name,
                                       const std::string& help,
                                       const char* type) {
  auto& fam = families_[name];
  if (fam.type.empty()) {
    fam.help = help;
    fam.type = type;
  } else if (fam.type != type) {
    throw std::logic_error("metric " + name + " registered as " + fam.type
                           + " and " + type);
  }
  return fam;
}

counter& registry::get_counter(const std::string& name, const std::string& help,
                               const labels& ls) {
  std::lock_guard guard{mtx_};
  auto& slot = get_family(name, help, "counter").counters[render_labels(ls)];
  if (!slot)
    slot = std::make_unique<counter>();
  return *slot;
}

gauge& registry::get_gauge(const std::string& name, const std::string& help,
                           const labels& ls) {
  std::lock_guard guard{mtx_};
  auto& slot = get_family(name, help, "gauge").gauges[render_labels(ls)];
  if (!slot)
    slot = std::make_unique<gauge>();
  return *slot;
}

void registry::add_callback(const std::string& name, const std::string& help,
                            std::function<double()> fn) {
  std::lock_guard guard{mtx_};
  get_family(name, help, "gauge").callback = std::move(fn);
}

std::string registry::render() const {
  std::lock_guard guard{mtx_};
  std::ostringstream out;
  for (const auto& [name, fam] : families_) {
    out << "# HELP " << name << ' ' << fam.help << '\n';
    out << "# TYPE " << name << ' ' << fam.type << '\n';
    for (const auto& [ls, c] : fam.counters)
      out << name << ls << ' ' << c->value() << '\n';
    for (const auto& [ls, g] : fam.gauges)
      out << name << ls << ' ' << g->value() << '\n';
    if (fam.callback)
      out << name << ' ' << format_double(fam.callback()) << '\n';
  }
  return out.str();
}

} // namespace pando::metrics
