#include "client/api/request.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace mc::client {
namespace {

namespace json = boost::json;

json::object obj(const char* text) { return json::parse(text).as_object(); }

TEST(RequestReader, NamesAFieldTheOperationDoesNotTake) {
  auto req = obj(R"({"resouce_id": "r_1"})");
  auto r = RequestReader::of(req, {"resource_id", "to"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "unknown_field");
  EXPECT_NE(r.error().message.find("resouce_id"), std::string::npos);
  EXPECT_NE(r.error().message.find("resource_id, to"), std::string::npos);
}

TEST(RequestReader, ReadsIntegersInRangeIncludingWholeDoubles) {
  auto req = obj(R"({"a": 5, "b": 2.0, "c": 2.5, "d": "5", "e": -1, "f": 18446744073709551615, "g": 1e300})");
  auto r = RequestReader::of(req, {"a", "b", "c", "d", "e", "f", "g", "h"});
  ASSERT_TRUE(r);
  EXPECT_EQ(*r->integer("a", 0, 10).value(), 5);
  EXPECT_EQ(*r->integer("b", 0, 10).value(), 2);
  EXPECT_FALSE(r->integer("h", 0, 10).value().has_value());  // absent
  for (const char* bad : {"c", "d", "e", "f", "g"}) {
    auto v = r->integer(bad, 0, 10);
    ASSERT_FALSE(v) << bad;
    EXPECT_EQ(v.error().code, "invalid_field") << bad;
    EXPECT_NE(v.error().message.find("from 0 to 10"), std::string::npos);
  }
  EXPECT_FALSE(r->integer("a", 6, 10));  // below the minimum
}

TEST(RequestReader, StringsBooleansAndLists) {
  auto req = obj(R"({"s": "x", "n": null, "b": true, "nb": 1, "l": ["a", "b"], "bl": ["a", 2], "ls": "a"})");
  auto r = RequestReader::of(req, {"s", "n", "b", "nb", "l", "bl", "ls", "missing"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->required_string("s").value(), "x");
  EXPECT_EQ(r->required_string("n").error().code, "missing_field");  // null is absent
  EXPECT_EQ(r->required_string("missing").error().code, "missing_field");
  EXPECT_EQ(r->required_string("b").error().code, "invalid_field");
  EXPECT_EQ(r->required_string("s", 0).error().code, "field_too_long");
  EXPECT_TRUE(*r->boolean("b").value());
  EXPECT_EQ(r->boolean("nb").error().code, "invalid_field");
  EXPECT_EQ(r->strings("l").value(), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(r->strings("missing").value().empty());
  EXPECT_EQ(r->strings("bl").error().code, "invalid_field");
  EXPECT_EQ(r->strings("ls").error().code, "invalid_field");
  EXPECT_EQ(r->strings("l", 1).error().code, "too_many_items");
}

}  // namespace
}  // namespace mc::client
