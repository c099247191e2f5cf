#pragma once
// The contract every Store keeps, as one parameterised suite (its tests are in
// tests/storage_test.cpp). Another store joins it with a StorePlace of its own and
//   INSTANTIATE_TEST_SUITE_P(Postgres, StoreContract, testing::Values(&make_postgres_place));
// in a file of the same test binary.
#include <gtest/gtest.h>

#include <memory>

#include "storage/Store.hpp"

namespace yst::test {

// Where a store under test keeps its data (null when the store cannot run here) for the length of one test; it is emptied (or
// thrown away) when destroyed. Each open() is a new connection to the same data: what
// one committed, the next one finds.
class StorePlace {
 public:
  virtual ~StorePlace() = default;
  virtual std::unique_ptr<Store> open() = 0;
};

using MakeStorePlace = std::unique_ptr<StorePlace> (*)();

class StoreContract : public testing::TestWithParam<MakeStorePlace> {
 protected:
  void SetUp() override {
    place_ = GetParam()();
    if (!place_) GTEST_SKIP() << "this store is not available here (see tests/pg_store_test.cpp)";
  }
  std::unique_ptr<Store> open() { return place_->open(); }

  std::unique_ptr<StorePlace> place_;
};

}  // namespace yst::test
