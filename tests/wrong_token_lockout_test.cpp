// The wrong-token lockout's table on a clock the test moves: the window, the lockout's
// end, one address against another, and the bound on how many addresses it remembers.
#include <gtest/gtest.h>

#include "server/WrongTokenLockout.hpp"

using yst::WrongTokenLockout;
using namespace std::chrono_literals;

namespace {

struct FakeClock {
  std::chrono::steady_clock::time_point now{};
  WrongTokenLockout::Clock clock() {
    return [this] { return now; };
  }
};

// Counts `n` failures; how many of them said "this one locks it out".
int fail(WrongTokenLockout& lockout, const std::string& address, int n) {
  int locks = 0;
  for (int i = 0; i < n; ++i) locks += lockout.count_failure(address);
  return locks;
}

}  // namespace

TEST(WrongTokenLockout, TheTenthFailureWithinAMinuteLocksTheAddressOutForAMinute) {
  FakeClock t;
  WrongTokenLockout lockout({}, t.clock());
  EXPECT_EQ(fail(lockout, "203.0.113.9", 9), 0);
  EXPECT_FALSE(lockout.seconds_locked("203.0.113.9"));
  EXPECT_EQ(fail(lockout, "203.0.113.9", 1), 1);
  EXPECT_EQ(lockout.seconds_locked("203.0.113.9"), 60);
  t.now += 59'500ms;
  EXPECT_EQ(lockout.seconds_locked("203.0.113.9"), 1);  // rounded up: never "try again in 0 s"
  // Failures that race the lockout neither announce it again nor make it longer.
  EXPECT_EQ(fail(lockout, "203.0.113.9", 5), 0);
  t.now += 500ms;
  EXPECT_FALSE(lockout.seconds_locked("203.0.113.9"));
  // Served: it takes ten new failures to be locked out again.
  EXPECT_EQ(fail(lockout, "203.0.113.9", 9), 0);
  EXPECT_FALSE(lockout.seconds_locked("203.0.113.9"));
  EXPECT_EQ(fail(lockout, "203.0.113.9", 1), 1);
}

TEST(WrongTokenLockout, OnlyFailuresWithinTheLastWindowCount) {
  FakeClock t;
  WrongTokenLockout lockout({}, t.clock());
  EXPECT_EQ(fail(lockout, "203.0.113.9", 9), 0);
  t.now += 60s;
  EXPECT_EQ(fail(lockout, "203.0.113.9", 9), 0);  // the first nine are a minute old
  t.now += 30s;
  // Nine 30 s ago and one now: ten within a minute, however the minutes fall.
  EXPECT_EQ(fail(lockout, "203.0.113.9", 1), 1);
}

TEST(WrongTokenLockout, OneAddressLockedOutLeavesTheOthersAlone) {
  FakeClock t;
  WrongTokenLockout lockout({}, t.clock());
  EXPECT_EQ(fail(lockout, "203.0.113.9", 10), 1);
  EXPECT_TRUE(lockout.seconds_locked("203.0.113.9"));
  EXPECT_FALSE(lockout.seconds_locked("203.0.113.10"));
  EXPECT_EQ(fail(lockout, "203.0.113.10", 9), 0);
  EXPECT_FALSE(lockout.seconds_locked("203.0.113.10"));
}

TEST(WrongTokenLockout, AddressesSprayedAtItCannotGrowTheTablePastItsBound) {
  FakeClock t;
  WrongTokenLockout lockout({}, t.clock());
  for (int i = 0; i < 25'000; ++i) lockout.count_failure("2001:db8::" + std::to_string(i));
  EXPECT_EQ(lockout.addresses_tracked(), 10'000u);
}

TEST(WrongTokenLockout, EvictionTakesTheLeastRecentlyFailedAddress) {
  FakeClock t;
  WrongTokenLockout lockout({.max_failures = 2, .window = 60s, .max_addresses = 2}, t.clock());
  lockout.count_failure("a");
  lockout.count_failure("b");
  lockout.count_failure("a");  // a is locked out, and now the most recent
  lockout.count_failure("d");  // evicts b, not a
  EXPECT_TRUE(lockout.seconds_locked("a"));
  EXPECT_FALSE(lockout.count_failure("b"));  // b starts from nothing, and a goes now
  EXPECT_TRUE(lockout.count_failure("d"));   // d kept its first failure
  // Forgetting a locked-out address lifts its lockout early: the price of the bound.
  EXPECT_FALSE(lockout.seconds_locked("a"));
}
