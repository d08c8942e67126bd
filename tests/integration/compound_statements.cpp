// Query::compound against a real server: a compound statement (BEGIN NOT ATOMIC ... END) ends
// with a status of its own after its answer, which must be read before the connection can run
// anything else.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "db/connection.h"
#include "support/test_database.h"

namespace rj::test {

namespace {
int64_t selectTwo() {
  auto rows = Query(threadConnection(), "SELECT 2 AS two").rows();
  rows->next();
  return rows->getInt64("two");
}
}  // namespace

class CompoundStatementTest : public DatabaseTest {};

TEST_F(CompoundStatementTest, TheAnswerIsReadAndTheConnectionGoesOn) {
  int64_t answered = 0;
  Query(connection(),
        "BEGIN NOT ATOMIC DECLARE given INT DEFAULT ?; SELECT given + 1 AS answer; END")
      .bind(41)
      .compound([&](sql::ResultSet& rows) {
        ASSERT_TRUE(rows.next());
        answered = rows.getInt64("answer");
      });
  EXPECT_EQ(answered, 42);
  EXPECT_EQ(selectTwo(), 2);
}

TEST_F(CompoundStatementTest, AnErrorAfterTheAnswerIsRaised) {
  // As a COMMIT refused after the job was read back.
  bool answered = false;
  try {
    Query(connection(),
          "BEGIN NOT ATOMIC SELECT 1 AS answer;"
          " SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused after the answer'; END")
        .compound([&](sql::ResultSet& rows) { answered = rows.next(); });
    ADD_FAILURE() << "the error after the answer was not raised";
  } catch (const sql::SQLException& error) {
    EXPECT_NE(std::string(error.what()).find("refused after the answer"), std::string::npos)
        << error.what();
  }
  EXPECT_TRUE(answered);
  EXPECT_EQ(selectTwo(), 2);
}

TEST_F(CompoundStatementTest, AReaderThatThrowsStillEndsTheStatement) {
  EXPECT_THROW(Query(connection(), "BEGIN NOT ATOMIC SELECT 1 AS answer; SELECT 3; END")
                   .compound([](sql::ResultSet&) { throw std::runtime_error("unreadable"); }),
               std::runtime_error);
  EXPECT_EQ(selectTwo(), 2);
}

}  // namespace rj::test
