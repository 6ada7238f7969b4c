#pragma once

#include <cstdint>

namespace pando::tls {

class channel;
class client_context;
class server_context;

struct channel_limits;
struct result;

enum class errc : std::uint8_t;
enum class status : std::uint8_t;

template<class T>
class expected;

} // namespace pando::tls
