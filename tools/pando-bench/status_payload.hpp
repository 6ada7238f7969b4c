#pragma once

#include <cstdint>
#include <vector>

namespace pando::bench {

/// The device status report of spec 5.4 (a): Data with object no 1, part 1,
/// one uint8 value 1, timestamp 1462000000000 ms, zero token (34 bytes).
std::vector<std::uint8_t> status_report();

} // namespace pando::bench
