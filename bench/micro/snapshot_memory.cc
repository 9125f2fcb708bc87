// Where a snapshot's memory goes (issue 7, RSS target): builds the synthetic org of
// bench/micro/fixture.h at the given size and prints the heap bytes held by the store's OrgData,
// by the snapshot built from it, and the process RSS once the OrgData is freed and the heap
// trimmed. Usage: skydir_snapshot_memory [users] [groups]
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "fixture.h"

namespace {

size_t HeapInUse() { return mallinfo2().uordblks + mallinfo2().hblkhd; }

long RssKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return -1;
}

double MiB(size_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

}  // namespace

int main(int argc, char** argv) {
  const int users = argc > 1 ? std::atoi(argv[1]) : 100000;
  const int groups = argc > 2 ? std::atoi(argv[2]) : 1000;
  const size_t base = HeapInUse();
  auto data = std::make_unique<skydir::directory::OrgData>(
      skydir::bench::MakeOrg(users, groups, 500));
  const size_t with_data = HeapInUse();
  auto t0 = std::chrono::steady_clock::now();
  auto snap = skydir::dit::Snapshot::Build(*data, {}, int64_t{1700000100} * 1000000);
  auto t1 = std::chrono::steady_clock::now();
  const size_t with_snapshot = HeapInUse();
  data.reset();
  malloc_trim(0);
  std::printf("users %d groups %d entries %zu\n", users, groups, snap->size());
  std::printf("OrgData      %8.1f MiB (%6.0f B per user)\n", MiB(with_data - base),
              static_cast<double>(with_data - base) / users);
  std::printf("Snapshot     %8.1f MiB (%6.0f B per user)\n", MiB(with_snapshot - with_data),
              static_cast<double>(with_snapshot - with_data) / users);
  std::printf("build        %8.2f s\n", std::chrono::duration<double>(t1 - t0).count());
  std::printf("RSS after trim %6.1f MiB\n", RssKib() / 1024.0);
  return 0;
}
