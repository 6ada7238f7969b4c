#include "tools/pando-ctl/table.hpp"

#include <algorithm>
#include <sstream>

#include "tools/pando-ctl/format.hpp"

namespace pando::ctl {

namespace {

/// Writes `x` padded with spaces to `width` columns.
void write_padded(std::ostream& out, const std::string& x, std::size_t width) {
  out << x;
  for (auto n = display_width(x); n < width; ++n)
    out << ' ';
}

} // namespace

table::table(std::vector<std::string> header) {
  rows_.push_back(std::move(header));
}

void table::add_row(std::vector<std::string> cells) {
  cells.resize(rows_[0].size());
  rows_.push_back(std::move(cells));
}

std::vector<std::size_t> table::widths() const {
  std::vector<std::size_t> out(rows_[0].size(), 0);
  for (const auto& row : rows_)
    for (std::size_t i = 0; i < row.size(); ++i)
      out[i] = std::max(out[i], display_width(row[i]));
  return out;
}

void table::print(std::ostream& out) const {
  auto ws = widths();
  for (const auto& row : rows_) {
    std::ostringstream line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      write_padded(line, row[i], i + 1 < row.size() ? ws[i] + 2 : 0);
    }
    auto text = line.str();
    text.erase(text.find_last_not_of(' ') + 1);
    out << text << '\n';
  }
}

void print_fields(std::ostream& out, const field_list& fields) {
  std::size_t width = 0;
  for (const auto& f : fields)
    width = std::max(width, display_width(f.first));
  for (const auto& [label, value] : fields) {
    write_padded(out, label, width);
    out << "  " << value << '\n';
  }
}

} // namespace pando::ctl
