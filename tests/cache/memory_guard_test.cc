// The memory guard against a meminfo file the test writes: readings, the cgroup bound,
// evictors run in order only under the floor and only until enough is free, pressure when
// nothing is left, the platform signal, and a missing file (no pressure, no crash).
#include "cache/memory_guard.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "cache/memory_guard_report.h"
#include "cache/memory_reading.h"
#include "support/paths.h"

namespace tandem::cache {
namespace {

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::string meminfo_mib(uint64_t mib) {
  return "MemTotal:       16000000 kB\nMemFree:   1000 kB\nMemAvailable:   " +
         std::to_string(mib * 1024) + " kB\nBuffers: 10 kB\n";
}

TEST(MemoryReading, MemAvailableAndTheCgroupBound) {
  EXPECT_EQ(parse_mem_available(meminfo_mib(3)), uint64_t{3} << 20);
  EXPECT_FALSE(parse_mem_available("MemTotal: 5 kB\n"));
  const auto dir = test::unique_temp_dir();
  MemorySources src{dir + "/meminfo", dir + "/cg"};
  write(src.meminfo, meminfo_mib(2048));
  auto r = read_available_memory(src);
  EXPECT_EQ(r.available_bytes, uint64_t{2048} << 20);
  EXPECT_EQ(r.source, "meminfo");
  std::filesystem::create_directories(src.cgroup_dir);
  write(src.cgroup_dir + "/memory.max", std::to_string(uint64_t{1} << 30) + "\n");
  write(src.cgroup_dir + "/memory.current", std::to_string(uint64_t{900} << 20) + "\n");
  r = read_available_memory(src);
  EXPECT_EQ(r.available_bytes, uint64_t{124} << 20);  // 1024 - 900 MiB
  EXPECT_EQ(r.source, "cgroup");
  write(src.cgroup_dir + "/memory.max", "max\n");  // no limit
  EXPECT_EQ(read_available_memory(src).source, "meminfo");
  EXPECT_THROW(read_available_memory({dir + "/none", dir}), std::runtime_error);
}

class Guard : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::unique_temp_dir();
    opts_.sources = {dir_ + "/meminfo", dir_ + "/no-cgroup"};
    opts_.min_free_bytes = uint64_t{500} << 20;
    opts_.interval = std::chrono::milliseconds(0);
    write(opts_.sources.meminfo, meminfo_mib(4000));
  }
  std::string dir_;
  MemoryGuardOptions opts_;
};

TEST_F(Guard, EvictsInOrderUntilAboveTheFloorThenShedsWhenNothingIsLeft) {
  MemoryGuard g(opts_);
  std::vector<std::string> ran;
  uint64_t cached = uint64_t{100} << 20;  // what the first evictor holds
  // Freeing raises what the next reading sees, as the kernel's would.
  g.add_evictor("sessions", [&] {
    ran.push_back("sessions");
    const uint64_t freed = cached;
    cached = 0;
    if (freed) write(opts_.sources.meminfo, meminfo_mib(600));
    return freed;
  });
  g.add_evictor("other", [&] {
    ran.push_back("other");
    return uint64_t{0};
  });
  EXPECT_FALSE(g.check());
  EXPECT_TRUE(ran.empty()) << "nothing runs above the floor";
  EXPECT_EQ(g.available_bytes(), uint64_t{4000} << 20);

  write(opts_.sources.meminfo, meminfo_mib(300));
  EXPECT_FALSE(g.check());  // the first evictor freed enough: the second is not asked
  EXPECT_EQ(ran, std::vector<std::string>{"sessions"});
  EXPECT_EQ(g.evictions(), 1);
  EXPECT_EQ(g.freed_bytes(), uint64_t{100} << 20);
  EXPECT_FALSE(g.under_pressure());

  write(opts_.sources.meminfo, meminfo_mib(100));  // low again, nothing left to free
  ran.clear();
  EXPECT_TRUE(g.check());
  EXPECT_EQ(ran, (std::vector<std::string>{"sessions", "other"}));
  EXPECT_TRUE(g.under_pressure());
  EXPECT_EQ(g.evictions(), 1);
  const std::string m = memory_guard_metrics(g);
  EXPECT_NE(m.find("tandem_memory_pressure 1"), std::string::npos) << m;
  EXPECT_NE(m.find("tandem_memory_evictions_total 1"), std::string::npos) << m;
  EXPECT_EQ(memory_guard_json(g)["pressure"], true);

  write(opts_.sources.meminfo, meminfo_mib(2000));  // relief
  EXPECT_FALSE(g.check());
  EXPECT_FALSE(g.under_pressure());
}

TEST_F(Guard, PlatformSignalRunsEveryEvictorEvenAboveTheFloor) {
  MemoryGuard g(opts_);
  int runs = 0;
  g.add_evictor("a", [&] { return ++runs, uint64_t{1}; });
  g.add_evictor("b", [&] { return ++runs, uint64_t{1}; });
  g.low_memory_signal();
  EXPECT_EQ(runs, 2);
  EXPECT_FALSE(g.under_pressure());
}

TEST_F(Guard, ZeroFloorOrAnUnreadableFileNeverSheds) {
  MemoryGuardOptions off = opts_;
  off.min_free_bytes = 0;
  write(opts_.sources.meminfo, meminfo_mib(1));
  MemoryGuard g0(off);
  EXPECT_FALSE(g0.check());
  MemoryGuardOptions missing = opts_;
  missing.sources.meminfo = dir_ + "/absent";
  MemoryGuard g1(missing);
  EXPECT_FALSE(g1.check());
}

TEST_F(Guard, TheTimerChecksWithoutRequests) {
  opts_.interval = std::chrono::milliseconds(20);
  MemoryGuard g(opts_);
  std::atomic<int> runs{0};
  g.add_evictor("a", [&] { return ++runs, uint64_t{0}; });
  write(opts_.sources.meminfo, meminfo_mib(10));
  g.start();
  for (int i = 0; i < 200 && !g.under_pressure(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(g.under_pressure());
  EXPECT_GE(runs.load(), 1);
}

}  // namespace
}  // namespace tandem::cache
