#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "server/Config.hpp"

using namespace yst;

TEST(Config, FlagsEnvironmentAndFileInThatOrder) {
  auto path = std::filesystem::temp_directory_path() / "yst_config_test.conf";
  {
    std::ofstream o(path);
    o << "# comment\nport = 9000\nthreads = 3\nbind = 0.0.0.0\n";
  }
  auto p = parse_serve_args({"--config", path.string(), "--port", "0"}, {{"YISHITING_THREADS", "2"}});
  EXPECT_EQ(p.config.port, 0);          // flag beats file
  EXPECT_EQ(p.config.threads, 2);       // environment beats file
  EXPECT_EQ(p.config.bind, "0.0.0.0");  // file beats default
  std::filesystem::remove(path);
}

TEST(Config, InvalidSettingsStopWithAClearMessage) {
  EXPECT_THROW(parse_serve_args({"--port", "70000"}, {}), std::invalid_argument);
  EXPECT_THROW(parse_serve_args({"--port", "abc"}, {}), std::invalid_argument);
  EXPECT_THROW(parse_serve_args({"--nonsense"}, {}), std::invalid_argument);
  EXPECT_THROW(parse_serve_args({"--tls-cert", "a.pem"}, {}), std::invalid_argument);
  EXPECT_THROW(parse_serve_args({"--admin-token", "short"}, {}), std::invalid_argument);
  EXPECT_THROW(parse_serve_args({}, {{"YISHITING_AUDIENCE_RATE", "0"}}), std::invalid_argument);
  try {
    parse_serve_args({"--threads", "-1"}, {});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--threads"), std::string::npos);
  }
}

TEST(Config, SwitchesAndEqualsForm) {
  auto p = parse_serve_args({"--demo", "--port=0", "--allowed-origins=https://a.example, https://b.example"}, {});
  EXPECT_TRUE(p.config.demo);
  EXPECT_EQ(p.config.port, 0);
  ASSERT_EQ(p.config.allowed_origins.size(), 2u);
  EXPECT_EQ(p.config.allowed_origins[1], "https://b.example");
  EXPECT_TRUE(parse_serve_args({"--help"}, {}).help);
}
