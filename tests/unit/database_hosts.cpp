// RJ_DB_HOSTS: the Galera nodes a handler may connect to, in order.
#include <gtest/gtest.h>

#include "db/config.h"

namespace rj {

TEST(DatabaseHosts, ListsHostsInOrderWithTheirPorts) {
  auto hosts = parseDatabaseHosts("db1:3307, db2 ,[::1]:3308,[fe80::1]");
  ASSERT_EQ(hosts.size(), 4u);
  EXPECT_EQ(hosts[0].host, "db1");
  EXPECT_EQ(hosts[0].port, 3307);
  EXPECT_EQ(hosts[1].host, "db2");
  EXPECT_EQ(hosts[1].port, 3306);
  EXPECT_EQ(hosts[2].host, "::1");
  EXPECT_EQ(hosts[2].port, 3308);
  EXPECT_EQ(hosts[3].host, "fe80::1");
  EXPECT_EQ(hosts[3].port, 3306);
}

TEST(DatabaseHosts, RefusesMalformedEntriesNamingThem) {
  const char* bad[] = {"",       "db1,,db2",  ":3306",      "db1:", "db1:port",
                       "db1:0",  "db1:65536", "db1:123456", "[::1", "[]:3306",
                       "[::1]x", "[::1]:",    "db1:-1",     " , "};
  for (const char* text : bad) {
    try {
      parseDatabaseHosts(text);
      ADD_FAILURE() << "accepted '" << text << "'";
    } catch (const std::runtime_error& error) {
      EXPECT_NE(std::string(error.what()).find("RJ_DB_HOSTS"), std::string::npos) << error.what();
    }
  }
}

}  // namespace rj
