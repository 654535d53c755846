// libFuzzer target: the input is a PostgreSQL script. When PostgreSQL's own parser
// (libpg_query) accepts it, flyrun must cut it into the same statements; a
// difference is printed and traps.
#include <cstdint>
#include <cstdio>
#include <string>

#include "differential/pg_boundaries.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1 << 14) return 0;
  std::string script(reinterpret_cast<const char*>(data), size);
  flyrun::test::BoundaryComparison c = flyrun::test::ComparePostgresBoundaries(script);
  if (!c.difference.empty()) {
    std::fprintf(stderr, "boundary difference: %s\n", c.difference.c_str());
    __builtin_trap();
  }
  return 0;
}
