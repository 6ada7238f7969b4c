#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace pando::ctl {

/// A text table: a header row, then rows whose columns are padded to the
/// widest cell, separated by two spaces. Cells must be `printable()`.
class table {
 public:
  // -- constructors -----------------------------------------------------------

  /// Creates a table with the column titles `header`.
  explicit table(std::vector<std::string> header);

  // -- modifiers --------------------------------------------------------------

  /// Appends a row; missing cells print empty, extra cells are dropped.
  void add_row(std::vector<std::string> cells);

  // -- observers --------------------------------------------------------------

  /// Returns whether the table has no rows besides the header.
  bool empty() const noexcept { return rows_.size() == 1; }

  /// Prints the header and every row, without trailing spaces.
  void print(std::ostream& out) const;

 private:
  std::vector<std::size_t> widths() const;

  /// rows_[0] is the header.
  std::vector<std::vector<std::string>> rows_;
};

/// The labelled values of a `show` block, in print order.
using field_list = std::vector<std::pair<std::string, std::string>>;

/// Prints `fields` as `label  value` lines with the values aligned.
void print_fields(std::ostream& out, const field_list& fields);

} // namespace pando::ctl
