#include "core/version.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace flyrun {
namespace {

Version V(std::string_view text) {
  auto v = Version::parse(text);
  EXPECT_TRUE(v.has_value()) << "'" << text << "' should parse";
  return v.value_or(Version());
}

TEST(Version, NumericOrderPartByPart) {
  EXPECT_LT(V("1"), V("1.1"));
  EXPECT_LT(V("1.1"), V("1.2"));
  EXPECT_LT(V("1.2"), V("1.10"));
  EXPECT_LT(V("1.10"), V("2"));
  EXPECT_LT(V("9"), V("10"));
  EXPECT_LT(V("2"), V("10"));
  EXPECT_LT(V("1.9.9"), V("1.10"));
  EXPECT_GT(V("2"), V("1.999"));
  EXPECT_LT(V("0"), V("0.0.1"));
}

TEST(Version, SortsAListNumerically) {
  std::vector<std::string> texts = {"1", "1.1",   "1.2", "1.10",
                                    "2", "2.0.1", "10",  "20261123093000"};
  std::vector<Version> sorted;
  for (const auto& t : texts) sorted.push_back(V(t));
  std::vector<Version> shuffled = sorted;
  std::mt19937 rng(42);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    std::sort(shuffled.begin(), shuffled.end());
    EXPECT_EQ(shuffled, sorted);
  }
}

TEST(Version, LeadingZerosAndTrailingZeroPartsDoNotMatter) {
  EXPECT_EQ(V("1"), V("001"));
  EXPECT_EQ(V("1"), V("1.0"));
  EXPECT_EQ(V("1"), V("1.0.0"));
  EXPECT_EQ(V("001"), V("1.0"));
  EXPECT_EQ(V("1.02"), V("1.2"));
  EXPECT_EQ(V("0"), V("000"));
  EXPECT_EQ(V("0"), V("0.0"));
  EXPECT_EQ(V("1") <=> V("1.0"), std::strong_ordering::equal);
  EXPECT_NE(V("1.0.1"), V("1.1"));
}

TEST(Version, UnderscoreSeparatesLikeDot) {
  EXPECT_EQ(V("1_2"), V("1.2"));
  EXPECT_EQ(V("1_2").str(), "1.2");
  EXPECT_EQ(V("1_2.3"), V("1.2.3"));
}

TEST(Version, NormalisedText) {
  EXPECT_EQ(V("1").str(), "1");
  EXPECT_EQ(V("001").str(), "1");
  EXPECT_EQ(V("1.0").str(), "1");
  EXPECT_EQ(V("1.0.0").str(), "1");
  EXPECT_EQ(V("0").str(), "0");
  EXPECT_EQ(V("0.0").str(), "0");
  EXPECT_EQ(V("0.0.1").str(), "0.0.1");
  EXPECT_EQ(V("1.01.0").str(), "1.1");
  EXPECT_EQ(V("2.0.10").str(), "2.0.10");
  EXPECT_EQ(V("1.0").parts(), (std::vector<std::string>{"1"}));
  EXPECT_EQ(V("007.010").parts(), (std::vector<std::string>{"7", "10"}));
}

TEST(Version, TimestampsOfFourteenAndMoreDigits) {
  EXPECT_EQ(V("20261123093000").str(), "20261123093000");
  EXPECT_LT(V("20261123093000"), V("20261123093001"));
  EXPECT_LT(V("20261123093000"), V("20261124000000"));
  EXPECT_GT(V("20261123093000"), V("99999999"));
  // Longer than any integer type: still compared numerically.
  EXPECT_LT(V("123456789012345678901234567890"), V("123456789012345678901234567891"));
  EXPECT_LT(V("99999999999999999999999999999"), V("100000000000000000000000000000"));
  EXPECT_EQ(V("000123456789012345678901234567890"), V("123456789012345678901234567890"));
  EXPECT_LT(V("20261123093000.1"), V("20261123093000.2"));
}

TEST(Version, RejectsMalformedText) {
  for (const char* bad : {"",   "1..2", "1.",  ".1", "a",   "1a", "1__2", "__", "_",  "1_",
                          "_1", "1._2", "1 2", " 1", "1-2", "v1", "1.2a", "+1", "-1", "１"}) {
    EXPECT_FALSE(Version::parse(bad).has_value()) << "'" << bad << "' should not parse";
  }
}

TEST(Version, DefaultIsZero) {
  Version zero;
  EXPECT_EQ(zero.str(), "0");
  EXPECT_EQ(zero, V("0"));
  EXPECT_EQ(zero <=> V("0.0"), std::strong_ordering::equal);
  EXPECT_LT(zero, V("0.1"));
}

TEST(Version, EqualityAgreesWithOrdering) {
  const std::vector<std::string> texts = {"0", "1", "1.0", "01", "1.1", "1.01", "1.10", "2", "10"};
  for (const auto& a : texts) {
    for (const auto& b : texts) {
      EXPECT_EQ(V(a) == V(b), (V(a) <=> V(b)) == 0) << a << " vs " << b;
    }
  }
}

}  // namespace
}  // namespace flyrun
