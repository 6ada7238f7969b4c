#include <doctest/doctest.h>

#include "actors/metrics/metrics.hpp"

using namespace pando::metrics;

TEST_CASE("counters and gauges render in the Prometheus text format") {
  registry r;
  r.get_counter("pando_x_total", "Xs seen.", {{"route", "/a"}, {"code", "200"}})
    .inc(3);
  r.get_counter("pando_x_total", "Xs seen.", {{"route", "/a"}, {"code", "200"}})
    .inc();
  r.get_gauge("pando_g", "A gauge.").set(-7);
  r.add_callback("pando_c", "A callback.", [] { return 1.5; });
  CHECK(r.render()
        == "# HELP pando_c A callback.\n"
           "# TYPE pando_c gauge\n"
           "pando_c 1.5\n"
           "# HELP pando_g A gauge.\n"
           "# TYPE pando_g gauge\n"
           "pando_g -7\n"
           "# HELP pando_x_total Xs seen.\n"
           "# TYPE pando_x_total counter\n"
           "pando_x_total{route=\"/a\",code=\"200\"} 4\n");
}

TEST_CASE("label values are escaped") {
  CHECK(render_labels({{"p", "a\"b\\c\nd"}}) == R"({p="a\"b\\c\nd"})");
}

TEST_CASE("one name cannot be a counter and a gauge") {
  registry r;
  r.get_counter("pando_x", "x");
  CHECK_THROWS(r.get_gauge("pando_x", "x"));
}
