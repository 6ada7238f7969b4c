#pragma once

#include "tools/pando-bench/options.hpp"

#include <string>
#include <vector>

namespace pando::bench {

/// One measured number.
struct figure {
  /// JSON key, e.g. `acked_per_s`.
  std::string key;
  /// Table label, e.g. `acked msgs/s`.
  std::string label;
  /// The value, in `unit`.
  double value = 0;
  /// Unit for the table, e.g. `ms`; empty for counts.
  std::string unit;
};

/// What a scenario measured.
struct result {
  /// Measured figures in table order.
  std::vector<figure> figures;
  /// The first few errors the run saw.
  std::vector<std::string> errors;

  /// Appends a figure.
  void add(std::string key, std::string label, double value,
           std::string unit = {}) {
    figures.push_back(
      {std::move(key), std::move(label), value, std::move(unit)});
  }
};

/// Prints the parameters and the figures as a table on stdout.
void print_table(const options& opts, const result& res);

/// Writes parameters, machine and figures as JSON to `opts.json_file`.
void write_json(const options& opts, const result& res);

} // namespace pando::bench
